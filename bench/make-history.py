#!/usr/bin/env python3
"""Builds a git repository with a long history for the history-scan benchmark: COMMITS commits (default 20,000),
each editing one of FILES source-like files (default 500, ~50 KB each) a few lines at a time, so that the
unique blob content adds up to about 1 GB. Written with `git fast-import` (one pack, no checkout), seeded, so
the same arguments give the same repository. Usage: make-history.py DIR [--commits N] [--files N] [--seed N]."""
import argparse
import random
import subprocess
import sys
from pathlib import Path

WORDS = ("return value index count buffer result config handler request response client server token "
         "status error message parse format write read open close update delete create select insert "
         "timeout retry session cache user account order item price total amount").split()


def line(rng):
    kind = rng.random()
    if kind < 0.6:
        return "    " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 10))) + ";"
    if kind < 0.8:
        name = rng.choice(WORDS) + "_" + rng.choice(WORDS)
        return f"    const {name} = compute_{rng.choice(WORDS)}({rng.randint(0, 99999)}, \"{rng.choice(WORDS)}\");"
    if kind < 0.9:
        return f"  // {' '.join(rng.choice(WORDS) for _ in range(rng.randint(4, 12)))}"
    return f"function {rng.choice(WORDS)}_{rng.randint(0, 9999)}({rng.choice(WORDS)}) {{"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--commits", type=int, default=20000)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--lines", type=int, default=1050, help="lines a file (about 55 bytes each)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    repo = Path(args.dir)
    if (repo / "HEAD").exists() or (repo / ".git").exists():
        print(f"make-history: {repo} exists already; remove it to rebuild", file=sys.stderr)
        return 0
    subprocess.run(["git", "init", "-q", "--bare", str(repo)], check=True)
    files = [[line(rng) for _ in range(args.lines)] for _ in range(args.files)]
    proc = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = proc.stdin
    unique_bytes = 0
    for n in range(1, args.commits + 1):
        index = rng.randrange(args.files)
        body = files[index]
        for _ in range(rng.randint(1, 8)):  # a few lines edited, added or removed
            at = rng.randrange(len(body))
            choice = rng.random()
            if choice < 0.6:
                body[at] = line(rng)
            elif choice < 0.8 or len(body) < 100:
                body.insert(at, line(rng))
            else:
                del body[at]
        content = ("\n".join(body) + "\n").encode()
        unique_bytes += len(content)
        message = f"edit {rng.choice(WORDS)} in module {index}\n".encode()
        when = 1600000000 + n * 600
        out.write(f"commit refs/heads/main\nauthor Bench <bench@example.com> {when} +0000\n"
                  f"committer Bench <bench@example.com> {when} +0000\ndata {len(message)}\n".encode())
        out.write(message)
        out.write(f"M 100644 inline src/module_{index:04d}.js\ndata {len(content)}\n".encode())
        out.write(content)
        out.write(b"\n")
    out.close()
    if proc.wait() != 0:
        return 2
    print(f"make-history: {args.commits} commits, {unique_bytes / 1e9:.2f} GB of unique blob content in {repo}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
