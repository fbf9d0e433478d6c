#!/usr/bin/env python3
"""Runs the steps of action.yml with bash in a simulated GitHub Actions environment (GITHUB_* variables, an event
payload file, GITHUB_OUTPUT), on temporary repositories, as the runner would: `${{ inputs.* }}`,
`${{ github.action_path }}` and `${{ steps.<id>.outputs.* }}` are substituted, each step's `env` is set, outputs
are read back from GITHUB_OUTPUT. The dependency and build steps are not run (the keyward under test is put on
PATH, as the build step does through GITHUB_PATH); the upload step (a `uses:` action) is checked to be given the
SARIF the scan wrote.

Usage: run_action.py KEYWARD_BINARY SOURCE_DIR
"""
import json
import os
import random
import re
import string
import subprocess
import sys
import tempfile

import yaml

KEYWARD, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ACTION = yaml.safe_load(open(os.path.join(SOURCE, "action.yml"), encoding="utf-8"))
STEPS = {step["id"]: step for step in ACTION["runs"]["steps"]}
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


def substitute(text, inputs, outputs):
    def value(match):
        expr = match.group(1).strip()
        if expr == "github.action_path":
            return SOURCE
        if expr.startswith("inputs."):
            return inputs[expr[len("inputs."):]]
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return outputs.get(m.group(1), {}).get(m.group(2), "")
        raise ValueError(f"expression not simulated: {expr}")
    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_action(workspace, event_name, event, given_inputs, tmp):
    """Runs the scan and verdict steps; returns (outputs, logs, verdict exit code, sarif path given to upload)."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update(given_inputs)
    event_path = os.path.join(tmp, "event.json")
    with open(event_path, "w", encoding="utf-8") as f:
        json.dump(event, f)
    runner_temp = tempfile.mkdtemp(dir=tmp)
    base_env = dict(os.environ, GITHUB_ACTIONS="true", CI="true", GITHUB_EVENT_NAME=event_name,
                    GITHUB_EVENT_PATH=event_path, GITHUB_WORKSPACE=workspace, RUNNER_TEMP=runner_temp,
                    GITHUB_ACTION_PATH=SOURCE, PATH=os.path.dirname(KEYWARD) + os.pathsep + os.environ["PATH"])
    outputs, logs, codes = {}, {}, {}
    for step_id in ("scan", "verdict"):
        step = STEPS[step_id]
        check(step.get("shell") == "bash", f"step {step_id} runs with bash")
        output_file = os.path.join(tmp, f"{step_id}.output")
        open(output_file, "w").close()
        env = dict(base_env, GITHUB_OUTPUT=output_file)
        for name, value in step.get("env", {}).items():
            env[name] = substitute(str(value), inputs, outputs)
        script = substitute(step["run"], inputs, outputs)
        # As the runner does for `shell: bash`: bash --noprofile --norc -eo pipefail {0}
        script_file = os.path.join(tmp, f"{step_id}.sh")
        with open(script_file, "w", encoding="utf-8") as f:
            f.write(script)
        run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script_file], cwd=workspace,
                             env=env, capture_output=True, text=True)
        logs[step_id] = run.stdout + run.stderr
        codes[step_id] = run.returncode
        outputs[step_id] = dict(line.split("=", 1) for line in open(output_file).read().splitlines() if "=" in line)
    check(codes["scan"] == 0, f"the scan step itself succeeds (the verdict decides): {logs['scan']}")
    upload = STEPS["upload"]
    check(upload["uses"].startswith("github/codeql-action/upload-sarif@"), "SARIF uploaded by codeql-action")
    sarif_given = substitute(upload["with"]["sarif_file"], inputs, outputs)
    return outputs, logs, codes["verdict"], sarif_given


def sarif_results(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["runs"][0]["results"]


def pull_request_scenarios(tmp):
    repo = os.path.join(tmp, "pr")
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    commit_file(repo, "README.md", "hello\n", "init")
    # A key committed before the PR's base: outside the range, not reported.
    base = commit_file(repo, "old.env", f"MISTRAL_API_KEY={fake_key(1)}\n", "old key")
    head = commit_file(repo, "app/settings.env", f"DEBUG=1\nMISTRAL_API_KEY={fake_key(2)}\n", "add a key")
    event = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}

    outputs, logs, verdict, sarif = run_action(repo, "pull_request", event, {}, tmp)
    print(logs["scan"], logs["verdict"], sep="\n")
    check(outputs["scan"].get("exit-code") == "1", "scan exit-code output is 1 with a finding")
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

    _, logs, verdict, _ = run_action(repo, "pull_request", event, {"fail-on-findings": "false"}, tmp)
    check(verdict == 0 and "::warning title=keyward::secrets found" in logs["verdict"],
          "fail-on-findings false: a warning, not a failure")

    clean_head = commit_file(repo, "docs/notes.md", "nothing secret\n", "docs")
    clean_event = {"pull_request": {"base": {"sha": head}, "head": {"sha": clean_head}}}
    outputs, logs, verdict, sarif = run_action(repo, "pull_request", clean_event, {}, tmp)
    check(outputs["scan"].get("exit-code") == "0", "scan exit-code output is 0 without findings")
    check("::error" not in logs["scan"] + logs["verdict"], "no annotation without findings")
    check(sarif and os.path.isfile(sarif) and sarif_results(sarif) == [], "an empty SARIF is still written")
    check(verdict == 0, "the job passes without findings")

    _, logs, verdict, _ = run_action(repo, "pull_request", clean_event, {"extra-args": "--baseline missing.json"}, tmp)
    check(verdict == 2 and "keyward failed (exit 2)" in logs["verdict"], "a keyward error fails the job")


def push_scenarios(tmp):
    repo = os.path.join(tmp, "push")
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    first = commit_file(repo, "a.env", f"MISTRAL_API_KEY={fake_key(3)}\n", "first")
    after = commit_file(repo, "b/c.env", f"MISTRAL_API_KEY={fake_key(4)}\n", "second")

    _, logs, verdict, _ = run_action(repo, "push", {"before": first, "after": after}, {}, tmp)
    check("file=b/c.env,line=1" in logs["scan"] and "file=a.env" not in logs["scan"], "a push scans before..after")
    check(verdict == 1, "a push with a finding fails")

    zeros = "0" * 40
    _, logs, verdict, _ = run_action(repo, "push", {"before": zeros, "after": after}, {"format": "text"}, tmp)
    check("a.env:1:17: mistral-api-key" in logs["scan"] and "b/c.env:1:17" in logs["scan"],
          "a new branch's push scans its whole history; format text prints the text report")
    check(verdict == 1, "a new branch with findings fails")


with tempfile.TemporaryDirectory() as tmp:
    pull_request_scenarios(tmp)
    push_scenarios(tmp)

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("PASS: action.yml's steps annotate, write SARIF, fail on findings and pass without")
