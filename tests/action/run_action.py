#!/usr/bin/env python3
"""Runs action.yml's steps on simulated GitHub runners (tests/action/runner_sim.py: bash, this machine's apt and dpkg
on a simulated image's archive, a simulated Actions cache) against temporary repositories:
- a first run on ubuntu-24.04 installs the build dependencies only, builds, saves to the cache; a cached run goes
  from the cache straight to the scan, its keyward loading the libraries it carries (and its time is printed);
- on ubuntu-24.04-arm the Hyperscan dependency is Vectorscan, installed once and then seen as installed;
- on ubuntu-22.04, which lacks a package, the dependency step stops with one line and exit 2, installing nothing;
- the scan: a pull request's or a push's range, annotations, SARIF for the upload step, the verdict.
The build step is stood in for by its last command, action/bundle.sh, on the keyward under test (compiling keyward
takes minutes).

Usage: run_action.py KEYWARD_BINARY SOURCE_DIR
"""
import json
import os
import random
import string
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import runner_sim  # noqa: E402

KEYWARD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
BUILD_ONLY_LEFT_OUT = {"libgtest-dev", "libgmock-dev", "pre-commit", "python3-yaml", "lld", "python3-httpx",
                      "python3-pip"}
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def fake_key(seed):  # 32 characters of [A-Za-z0-9] from a fixed seed: made up, never a real key
    r = random.Random(seed)
    return "".join(r.choice(string.ascii_letters + string.digits) for _ in range(32))


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="Ada", GIT_AUTHOR_EMAIL="ada@example.com", GIT_COMMITTER_NAME="Ada",
               GIT_COMMITTER_EMAIL="ada@example.com", GIT_CONFIG_NOSYSTEM="1", HOME=repo)
    return subprocess.run(["git", "-C", repo, *args], env=env, check=True, capture_output=True, text=True).stdout.strip()


def commit_file(repo, path, text, message):
    full = os.path.join(repo, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)
    git(repo, "add", path)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def build_stand_in(run, env):
    """The build step without the compile: build.sh's last command, on the keyward under test."""
    done = subprocess.run([os.path.join(SOURCE, "action", "bundle.sh"), KEYWARD, env["KEYWARD_DIR"]],
                          capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


class Runner:
    """One simulated runner image with its Actions cache, on which jobs run action.yml one after another."""

    def __init__(self, tmp, label):
        self.tmp = os.path.join(tmp, label)
        os.makedirs(os.path.join(self.tmp, "cache"))
        os.makedirs(os.path.join(self.tmp, "temp"))
        self.image = runner_sim.Image(os.path.join(self.tmp, "image"), label)
        self.cache = runner_sim.Cache(os.path.join(self.tmp, "cache"))

    def job(self, workspace, event_name, event, inputs=None):
        return runner_sim.Run(SOURCE, self.image, self.cache, workspace, event_name, event, inputs or {},
                              os.path.join(self.tmp, "temp"), stand_ins={"build": build_stand_in}).run()


def scan_job(runner, workspace, event_name, event, inputs=None):
    """A job's scan: (outputs of the scan step, logs, the verdict's exit code, the SARIF given to the upload)."""
    job = runner.job(workspace, event_name, event, inputs)
    check(job.codes.get("scan") == 0, f"the scan step itself succeeds (the verdict decides): {job.logs}")
    return job.outputs.get("scan", {}), job.logs, job.codes.get("verdict"), getattr(job, "uploaded", "")


def make_repo(tmp, name):
    repo = os.path.join(tmp, name)
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    return repo


def sarif_results(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["runs"][0]["results"]


RUNTIME = ("ld-linux", "libc.so", "libm.so", "libdl.so", "libpthread.so", "librt.so", "libresolv.so", "libstdc++.so",
           "libgcc_s.so")


def first_and_cached_runs(tmp):
    """ubuntu-24.04: a first job installs the build dependencies, builds and saves; the next job restores and scans.
    Returns the runner, its cache now warm, for the scan scenarios."""
    runner = Runner(tmp, "ubuntu-24.04")
    repo = make_repo(tmp, "first")
    base = commit_file(repo, "README.md", "hello\n", "init")
    head = commit_file(repo, "app/settings.env", f"MISTRAL_API_KEY={fake_key(5)}\n", "add a key")
    event = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}

    first = runner.job(repo, "pull_request", event)
    check(first.ran[:6] == ["key", "restore", "deps", "build", "save", "use"],
          f"a first run installs, builds and saves: ran {first.ran}, logs {first.logs}")
    check(first.outputs["restore"]["cache-hit"] == "false", "the first run misses the cache")
    installed = runner.image.installed()
    check("libhyperscan-dev" in installed and "libre2-dev" in installed and "libgit2-dev" in installed,
          f"the first run installs the build dependencies, Hyperscan on x86-64: {sorted(installed)}")
    check(not installed & BUILD_ONLY_LEFT_OUT, f"the Action installs no test-only package: {sorted(installed)}")
    check(first.codes.get("verdict") == 1, "the first run scans and fails on the finding")
    key = first.outputs["key"]["key"]
    check(key.startswith("keyward-ubuntu24-X64-v1-"), f"the cache key names image, architecture and ref: {key}")

    runner.image.forget_lists()
    cached = runner.job(repo, "pull_request", event)
    seconds = sum(cached.seconds.values())
    print(f"cached run: {seconds:.2f} s for " + ", ".join(f"{s} {cached.seconds[s]:.2f} s" for s in cached.ran)
          + f" (skipped: {', '.join(cached.skipped)})")
    check(cached.outputs["restore"]["cache-hit"] == "true", "the second run hits the cache")
    check({"deps", "build", "save"} <= set(cached.skipped) and "build" not in cached.ran,
          f"a cached run runs no dependency, build or save step: ran {cached.ran}")
    check(runner.image.apt_lists() == [], "a cached run does not even run apt-get update")
    check(cached.codes.get("scan") == 0 and cached.codes.get("verdict") == 1 and
          "file=app/settings.env,line=1" in cached.logs["scan"], f"a cached run scans: {cached.logs}")
    check(first.outputs["key"] == cached.outputs["key"], "the same key for the same action, image and architecture")

    # The cached keyward loads the libraries it carries, not the system's: the next image needs no package. The
    # dynamic loader names every library it initialises, in the launcher's processes and in keyward's.
    bundle = cached.outputs["key"]["dir"]
    trace = subprocess.run([os.path.join(bundle, "keyward"), "--version"], env=dict(os.environ, LD_DEBUG="libs"),
                           capture_output=True, text=True).stderr
    loaded = {line.split("calling init:")[1].strip() for line in trace.splitlines() if "calling init:" in line}
    outside = sorted(path for path in loaded
                     if not path.startswith(bundle + "/") and not os.path.basename(path).startswith(RUNTIME))
    check(loaded and not outside, f"the cached keyward loads its own libraries (outside the bundle: {outside})")
    check(os.path.join(bundle, "lib", "libhs.so.5") in loaded,
          f"the bundle's libhs is the one loaded: {sorted(loaded)}")
    return runner


def arm64_runner(tmp):
    """ubuntu-24.04-arm: Hyperscan is Vectorscan there, asked for by its own name, so the next job sees it."""
    runner = Runner(tmp, "ubuntu-24.04-arm")
    repo = make_repo(tmp, "arm")
    base = commit_file(repo, "README.md", "hello\n", "init")
    head = commit_file(repo, "docs/notes.md", "nothing secret\n", "docs")
    event = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}

    job = runner.job(repo, "pull_request", event)
    installed = runner.image.installed()
    check(job.codes.get("deps") == 0 and "libvectorscan-dev" in installed,
          f"arm64: the dependency step installs libvectorscan-dev: {job.logs.get('deps')} {sorted(installed)}")
    check("libhyperscan-dev" not in job.logs.get("deps", ""), "arm64: Hyperscan is not asked for by its x86 name")
    check(not installed & BUILD_ONLY_LEFT_OUT, f"arm64: no test-only package: {sorted(installed)}")
    check(job.outputs["key"]["key"].startswith("keyward-ubuntu24-ARM64-v1-"), "arm64: the key names the architecture")
    check(job.codes.get("verdict") == 0, f"arm64: the job scans and passes: {job.logs}")

    # A job on a fresh cache (another action version): dependencies already there, so no apt at all.
    runner.image.forget_lists()
    runner.cache = runner_sim.Cache(tempfile.mkdtemp(dir=runner.tmp))
    again = runner.job(repo, "pull_request", event)
    check(again.codes.get("deps") == 0 and again.logs.get("deps") == "" and runner.image.apt_lists() == [],
          f"arm64: installed once, then seen as installed (no apt-get update): {again.logs.get('deps')!r}")


def missing_package(tmp):
    """ubuntu-22.04 has no libtomlplusplus-dev: one line naming the image and the package, exit 2, nothing installed."""
    runner = Runner(tmp, "ubuntu-22.04")
    before = runner.image.installed()
    repo = make_repo(tmp, "jammy")
    head = commit_file(repo, "README.md", "hello\n", "init")
    job = runner.job(repo, "push", {"before": "0" * 40, "after": head})
    log = job.logs.get("deps", "")
    print("ubuntu-22.04:", log.strip())
    check(job.codes.get("deps") == 2, f"a missing package: exit 2 ({job.codes.get('deps')})")
    check(log.strip().count("\n") == 0 and "runner image ubuntu22" in log and "libtomlplusplus-dev" in log,
          f"one line naming the runner image and the package: {log!r}")
    check(runner.image.installed() == before, "nothing installed when a package is missing")
    check(not os.path.exists(os.path.join(runner.image.root, "dpkg.log")), "dpkg never ran")
    check("build" in job.skipped and "scan" in job.skipped and "verdict" in job.skipped,
          f"the job stops at the dependency step: skipped {job.skipped}")


def pull_request_scenarios(tmp, runner):
    repo = make_repo(tmp, "pr")
    commit_file(repo, "README.md", "hello\n", "init")
    # A key committed before the PR's base: outside the range, not reported.
    base = commit_file(repo, "old.env", f"MISTRAL_API_KEY={fake_key(1)}\n", "old key")
    head = commit_file(repo, "app/settings.env", f"DEBUG=1\nMISTRAL_API_KEY={fake_key(2)}\n", "add a key")
    event = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}

    outputs, logs, verdict, sarif = scan_job(runner, repo, "pull_request", event)
    print(logs["scan"], logs["verdict"], sep="\n")
    check(outputs.get("exit-code") == "1", "scan exit-code output is 1 with a finding")
    check("::error file=app/settings.env,line=2,col=17,endLine=2,endColumn=49,title=keyward%3A mistral-api-key::"
          in logs["scan"], "an ::error annotation on the PR's added line")
    check("old.env" not in logs["scan"], "a key from before the base is not in the PR's range")
    check(fake_key(2) not in logs["scan"], "the annotation shows the secret redacted")
    check(sarif and os.path.isfile(sarif), "SARIF written and handed to the upload step")
    if sarif and os.path.isfile(sarif):
        results = sarif_results(sarif)
        check(len(results) == 1 and results[0]["ruleId"] == "mistral-api-key", "one SARIF result")
        check(results[0]["properties"].get("commit") == head, "the SARIF result names the PR's commit")
    check(verdict == 1, "the job fails on a finding")
    check("::error title=keyward::secrets found" in logs["verdict"], "the verdict says why it fails")

    _, logs, verdict, _ = scan_job(runner, repo, "pull_request", event, {"fail-on-findings": "false"})
    check(verdict == 0 and "::warning title=keyward::secrets found" in logs["verdict"],
          "fail-on-findings false: a warning, not a failure")

    clean_head = commit_file(repo, "docs/notes.md", "nothing secret\n", "docs")
    clean_event = {"pull_request": {"base": {"sha": head}, "head": {"sha": clean_head}}}
    outputs, logs, verdict, sarif = scan_job(runner, repo, "pull_request", clean_event)
    check(outputs.get("exit-code") == "0", "scan exit-code output is 0 without findings")
    check("::error" not in logs["scan"] + logs["verdict"], "no annotation without findings")
    check(sarif and os.path.isfile(sarif) and sarif_results(sarif) == [], "an empty SARIF is still written")
    check(verdict == 0, "the job passes without findings")

    _, logs, verdict, _ = scan_job(runner, repo, "pull_request", clean_event, {"extra-args": "--baseline missing.json"})
    check(verdict == 2 and "keyward failed (exit 2)" in logs["verdict"], "a keyward error fails the job")


def push_scenarios(tmp, runner):
    repo = make_repo(tmp, "push")
    first = commit_file(repo, "a.env", f"MISTRAL_API_KEY={fake_key(3)}\n", "first")
    after = commit_file(repo, "b/c.env", f"MISTRAL_API_KEY={fake_key(4)}\n", "second")

    _, logs, verdict, _ = scan_job(runner, repo, "push", {"before": first, "after": after})
    check("file=b/c.env,line=1" in logs["scan"] and "file=a.env" not in logs["scan"], "a push scans before..after")
    check(verdict == 1, "a push with a finding fails")

    zeros = "0" * 40
    _, logs, verdict, _ = scan_job(runner, repo, "push", {"before": zeros, "after": after}, {"format": "text"})
    check("a.env:1:17: mistral-api-key" in logs["scan"] and "b/c.env:1:17" in logs["scan"],
          "a new branch's push scans its whole history; format text prints the text report")
    check(verdict == 1, "a new branch with findings fails")


with tempfile.TemporaryDirectory() as tmp:
    warm = first_and_cached_runs(tmp)
    arm64_runner(tmp)
    missing_package(tmp)
    pull_request_scenarios(tmp, warm)
    push_scenarios(tmp, warm)

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("PASS: action.yml on ubuntu-24.04 (first and cached runs), ubuntu-24.04-arm (Vectorscan) and ubuntu-22.04 "
      "(a missing package); annotations, SARIF, verdicts")
