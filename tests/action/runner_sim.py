"""A simulated GitHub-hosted runner for action.yml's steps (tests/action/run_action.py drives it).

What is real: bash runs each `run:` step as the runner does (`bash --noprofile --norc -eo pipefail`), with `env`,
`if:`, `${{ }}` substitution, GITHUB_OUTPUT, GITHUB_PATH and GITHUB_EVENT_PATH; apt and dpkg are this machine's
own, pointed (APT_CONFIG, DPKG_ADMINDIR: their own switches, which .ci/install-deps never sets) at an image's
package archive and dpkg database in a temporary directory, so apt resolves, downloads and dpkg installs there and
nowhere else. What is simulated: the image's archive (tiny .deb files with the real names and Provides/Conflicts,
Architecture all), `sudo` (runs the command as is), and the `uses:` actions: actions/cache/restore and save (a
directory of saved copies) and github/codeql-action/upload-sarif (checks the file it is given). A test may stand
in for a `run:` step by id (the build step: compiling keyward takes minutes).
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import yaml

# What the runner images hold, as far as .ci/install-deps cares (Ubuntu's package pages for noble and jammy, GitHub's
# runner-images lists): every library keyward builds with is in Ubuntu 24.04 for amd64 and arm64; on arm64
# `libhyperscan-dev` is only a name libvectorscan-dev provides; Ubuntu 22.04 has no libtomlplusplus-dev. Versions are
# Ubuntu 24.04's where known; the simulation does not depend on them.
NOBLE = {
    "libre2-dev": "20230301-3", "libgit2-dev": "1.7.2+ds-1", "libcli11-dev": "2.4.1+ds-1", "libfmt-dev": "9.1.0+ds1-2",
    "libtomlplusplus-dev": "3.4.0+ds-1", "libexpected-dev": "1.1.0-2", "nlohmann-json3-dev": "3.11.3-1",
    "libtbb-dev": "2021.11.0-2", "libssl-dev": "3.0.13-0ubuntu3", "libphonenumber-dev": "8.12.57+ds-4",
    "zlib1g-dev": "1:1.3.dfsg-3.1", "libdeflate-dev": "1.19-1", "libgtest-dev": "1.14.0-1", "libgmock-dev": "1.14.0-1",
    "pre-commit": "3.6.2-1", "python3-yaml": "6.0.1-2", "lld": "1:18.0-59", "ninja-build": "1.11.1-2",
    "libboost-dev": "1.83.0.1ubuntu2", "python3-httpx": "0.26.0-1", "python3-pip": "24.0+dfsg-1ubuntu1",
}
HYPERSCAN = {"libhyperscan-dev": "5.4.2-1build1"}
VECTORSCAN = {"libvectorscan-dev": ("5.4.11-2", "libhyperscan-dev")}  # version, the name it provides (and conflicts)
# GitHub's images come with OpenSSL's and zlib's headers installed.
PREINSTALLED = {"libssl-dev", "zlib1g-dev"}
RUNNERS = {
    # runs-on label: ImageOS, RUNNER_ARCH, apt's architecture, the archive
    "ubuntu-24.04": ("ubuntu24", "X64", "amd64", {**NOBLE, **HYPERSCAN, **VECTORSCAN}),
    "ubuntu-24.04-arm": ("ubuntu24", "ARM64", "arm64", {**NOBLE, **VECTORSCAN}),
    "ubuntu-22.04": ("ubuntu22", "X64", "amd64",
                     {**{k: v for k, v in NOBLE.items() if k != "libtomlplusplus-dev"}, **HYPERSCAN}),
}


class Image:
    """A runner image's apt archive and dpkg database under ROOT, and the environment that points apt and dpkg at
    them. Everything it installs lands in ROOT."""

    def __init__(self, root, label, installed=PREINSTALLED):
        self.label = label
        self.image_os, self.runner_arch, self.apt_arch, archive = RUNNERS[label]
        self.root = root
        for sub in ("archive", "debs", "etc/apt/apt.conf.d", "etc/apt/sources.list.d", "etc/apt/preferences.d",
                    "state/lists/partial", "cache/archives/partial", "dpkg/info", "dpkg/updates", "dpkg/triggers",
                    "log", "instdir", "bin"):
            os.makedirs(os.path.join(root, sub), exist_ok=True)
        os.chmod(root, 0o755)  # apt reads the archive as its sandbox user when run as root
        stanzas = []
        for name, spec in sorted(archive.items()):
            version, provides = spec if isinstance(spec, tuple) else (spec, None)
            stanzas.append(self._deb(name, version, provides))
        with open(os.path.join(root, "archive", "Packages"), "w", encoding="utf-8") as f:
            f.write("\n".join(stanzas))
        with open(os.path.join(root, "dpkg", "status"), "w", encoding="utf-8") as f:
            for name in sorted(installed):
                version = archive[name] if isinstance(archive[name], str) else archive[name][0]
                f.write(f"Package: {name}\nStatus: install ok installed\nVersion: {version}\nArchitecture: all\n"
                        f"Maintainer: simulation <sim@example.com>\nDescription: simulated\n\n")
        open(os.path.join(root, "dpkg", "available"), "w").close()
        with open(os.path.join(root, "etc/apt/sources.list"), "w", encoding="utf-8") as f:
            f.write(f"deb [trusted=yes] file:{root}/archive ./\n")
        with open(os.path.join(root, "apt.conf"), "w", encoding="utf-8") as f:
            f.write(f"""Dir::Etc "{root}/etc/apt/";
Dir::Etc::Parts "apt.conf.d";
Dir::Etc::main "apt.conf";
Dir::State "{root}/state/";
Dir::State::status "{root}/dpkg/status";
Dir::Cache "{root}/cache/";
Dir::Log "{root}/log/";
APT::Architecture "{self.apt_arch}";
APT::Architectures {{ "{self.apt_arch}"; }};
APT::Sandbox::User "root";
DPkg::Options {{ "--admindir={root}/dpkg"; "--instdir={root}/instdir"; "--log={root}/dpkg.log"; "--force-not-root"; }};
""")
        # The runner's passwordless sudo; this one keeps the environment that points apt here.
        sudo = os.path.join(root, "bin", "sudo")
        with open(sudo, "w", encoding="utf-8") as f:
            f.write('#!/bin/sh\nexec "$@"\n')
        os.chmod(sudo, 0o755)
        self._check_isolated()

    def _deb(self, name, version, provides):
        pkg = os.path.join(self.root, "debs", name)
        os.makedirs(os.path.join(pkg, "DEBIAN"))
        control = (f"Package: {name}\nVersion: {version}\nArchitecture: all\nMaintainer: simulation <sim@example.com>\n"
                   + (f"Provides: {provides}\nConflicts: {provides}\nReplaces: {provides}\n" if provides else "")
                   + "Description: simulated package\n")
        with open(os.path.join(pkg, "DEBIAN", "control"), "w", encoding="utf-8") as f:
            f.write(control)
        deb = os.path.join(self.root, "archive", f"{name}.deb")
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", pkg, deb], check=True,
                       capture_output=True)
        data = open(deb, "rb").read()
        return (control.replace("Description:", f"Filename: ./{name}.deb\nSize: {len(data)}\n"
                                f"SHA256: {hashlib.sha256(data).hexdigest()}\nDescription:"))

    def env(self):
        return {"APT_CONFIG": os.path.join(self.root, "apt.conf"), "DPKG_ADMINDIR": os.path.join(self.root, "dpkg"),
                "ImageOS": self.image_os, "RUNNER_OS": "Linux", "RUNNER_ARCH": self.runner_arch}

    def _check_isolated(self):
        """Refuses to go on unless apt reads this image's status file: never the machine's own."""
        run = subprocess.run(["apt-config", "dump", "Dir::State::status"], env=dict(os.environ, **self.env()),
                             capture_output=True, text=True, check=True)
        if os.path.join(self.root, "dpkg", "status") not in run.stdout:
            raise RuntimeError(f"apt does not take the simulated image's configuration: {run.stdout}")

    def installed(self):
        run = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Status}\n"], env=dict(os.environ, **self.env()),
                             capture_output=True, text=True)
        return {line.split()[0] for line in run.stdout.splitlines() if line.endswith("install ok installed")}

    def apt_lists(self):
        """The package lists `apt-get update` fetched (forget_lists() empties them)."""
        lists = os.path.join(self.root, "state", "lists")
        return sorted(f for f in os.listdir(lists) if f.endswith("Packages"))

    def forget_lists(self):
        for f in self.apt_lists():
            os.remove(os.path.join(self.root, "state", "lists", f))


class Cache:
    """The Actions cache: exact keys only, as actions/cache/restore and save with `key` and `path`."""

    def __init__(self, root):
        self.root = root
        self.saved = {}

    def save(self, key, path):
        if key in self.saved:
            return f"Cache already exists for key {key}: not saved"
        copy = os.path.join(self.root, str(len(self.saved)))
        shutil.copytree(path, copy, symlinks=True)
        self.saved[key] = copy
        return f"Cache saved with key: {key}"

    def restore(self, key, path):
        if key not in self.saved:
            return False
        shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(self.saved[key], path, symlinks=True)
        return True


def evaluate(condition, lookup, failed):
    """An `if:` condition: literals, contexts, == != && || ! ( ), always() success() failure(); like the runner,
    without a status function it also needs every earlier step to have succeeded."""
    expr = condition.strip()
    if expr.startswith("${{") and expr.endswith("}}"):
        expr = expr[3:-2].strip()
    tokens = re.findall(r"'[^']*'|&&|\|\||==|!=|!|\(|\)|[A-Za-z_][\w.-]*\(\)|[A-Za-z_][\w.-]*|\S", expr)
    python = []
    for token in tokens:
        if token in ("&&", "||", "!"):
            python.append({"&&": " and ", "||": " or ", "!": " not "}[token])
        elif token in ("==", "!=", "(", ")"):
            python.append(token)
        elif token.startswith("'"):
            python.append(repr(token[1:-1]))
        elif token in ("always()", "success()", "failure()"):
            python.append(repr({"always()": True, "success()": not failed, "failure()": failed}[token]))
        elif re.fullmatch(r"[A-Za-z_][\w.-]*", token):
            python.append(repr(lookup(token)))
        else:
            raise ValueError(f"condition not simulated: {condition}")
    value = bool(eval("".join(python), {"__builtins__": {}}))  # built from the tokens above only
    return value if re.search(r"\b(always|success|failure)\(\)", expr) else value and not failed


class Run:
    """One job's run of action.yml: the steps in order, as the runner takes them."""

    def __init__(self, source, image, cache, workspace, event_name, event, inputs, runner_temp, stand_ins=None,
                 action_ref="v1"):
        self.source = source
        self.action = yaml.safe_load(open(os.path.join(source, "action.yml"), encoding="utf-8"))
        self.image, self.cache, self.workspace = image, cache, workspace
        self.inputs = {name: str(spec.get("default", "")) for name, spec in self.action["inputs"].items()}
        self.inputs.update(inputs)
        self.stand_ins = stand_ins or {}
        self.action_ref = action_ref
        self.tmp = tempfile.mkdtemp(dir=runner_temp, prefix="job-")
        event_path = os.path.join(self.tmp, "event.json")
        with open(event_path, "w", encoding="utf-8") as f:
            json.dump(event, f)
        self.base_env = dict(os.environ, GITHUB_ACTIONS="true", CI="true", GITHUB_EVENT_NAME=event_name,
                             GITHUB_EVENT_PATH=event_path, GITHUB_WORKSPACE=workspace, RUNNER_TEMP=runner_temp,
                             GITHUB_ACTION_PATH=source, **image.env())
        self.path = [os.path.join(image.root, "bin")]  # GITHUB_PATH additions go first, newest first
        self.outputs, self.logs, self.codes, self.seconds = {}, {}, {}, {}
        self.ran, self.skipped = [], []
        self.failed = False

    def value(self, expr):
        if expr == "github.action_path":
            return self.source
        if expr == "github.action_ref":
            return self.action_ref
        if expr.startswith("inputs."):
            return self.inputs[expr[len("inputs."):]]
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        raise ValueError(f"expression not simulated: {expr}")

    def substitute(self, text):
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: self.value(m.group(1).strip()), str(text))

    def run(self):
        for step in self.action["runs"]["steps"]:
            step_id = step["id"]
            if "if" in step and not evaluate(step["if"], self.value, self.failed) or \
                    "if" not in step and self.failed:
                self.skipped.append(step_id)
                continue
            start = time.monotonic()
            if "uses" in step:
                code, log = self._uses(step)
            elif step_id in self.stand_ins:
                env = {k: self.substitute(v) for k, v in step.get("env", {}).items()}
                code, log = self.stand_ins[step_id](self, env)
            else:
                code, log = self._bash(step)
            self.seconds[step_id] = time.monotonic() - start
            self.ran.append(step_id)
            self.codes[step_id], self.logs[step_id] = code, log
            self.failed = self.failed or code != 0
        return self

    def step_env(self, step_id, extra):
        env = dict(self.base_env, PATH=os.pathsep.join(self.path + [os.environ["PATH"]]),
                   GITHUB_OUTPUT=os.path.join(self.tmp, f"{step_id}.output"),
                   GITHUB_PATH=os.path.join(self.tmp, f"{step_id}.path"))
        env.update(extra)
        for name in ("GITHUB_OUTPUT", "GITHUB_PATH"):
            open(env[name], "w").close()
        return env

    def collect(self, step_id, env):
        self.outputs[step_id] = dict(line.split("=", 1) for line in open(env["GITHUB_OUTPUT"]).read().splitlines()
                                     if "=" in line)
        self.path = [p for p in open(env["GITHUB_PATH"]).read().splitlines() if p][::-1] + self.path

    def _bash(self, step):
        step_id = step["id"]
        if step.get("shell") != "bash":
            return 1, f"step {step_id} does not run with bash"
        env = self.step_env(step_id, {k: self.substitute(v) for k, v in step.get("env", {}).items()})
        script = os.path.join(self.tmp, f"{step_id}.sh")
        with open(script, "w", encoding="utf-8") as f:
            f.write(self.substitute(step["run"]))
        # As the runner does for `shell: bash`: bash --noprofile --norc -eo pipefail {0}
        run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=self.workspace,
                             env=env, capture_output=True, text=True)
        self.collect(step_id, env)
        return run.returncode, run.stdout + run.stderr

    def _uses(self, step):
        step_id, uses = step["id"], step["uses"]
        given = {k: self.substitute(v) for k, v in step.get("with", {}).items()}
        self.outputs[step_id] = {}
        if uses.startswith("actions/cache/restore@"):
            hit = self.cache.restore(given["key"], given["path"])
            self.outputs[step_id] = {"cache-hit": "true" if hit else "false", "cache-primary-key": given["key"]}
            return 0, f"Cache {'restored from' if hit else 'not found for'} key: {given['key']}"
        if uses.startswith("actions/cache/save@"):
            if not os.path.isdir(given["path"]):
                return 1, f"Path does not exist: {given['path']}"
            return 0, self.cache.save(given["key"], given["path"])
        if uses.startswith("github/codeql-action/upload-sarif@"):
            self.uploaded = given.get("sarif_file", "")
            return (0, "uploaded") if os.path.isfile(self.uploaded) else (1, f"no SARIF at {self.uploaded}")
        return 1, f"action not simulated: {uses}"
