#!/usr/bin/env python3
"""Summarise the real-code benchmark's reports (bench/realcode.sh): findings by rule, split into test fixtures
and documentation versus the rest, and the findings whose secret is shaped like code.

Usage: realcode_summary.py REPORTS_DIR OUT_JSON
REPORTS_DIR holds one `keyward scan --format json` report per tree (NAME.json). Prints Markdown; writes the same
numbers and the list of findings outside fixtures and docs (secrets cut to 4 characters) to OUT_JSON.
Standard library only.
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

# A path is a test fixture or documentation when a directory or the file name says so.
FIXTURE_DIR = re.compile(
    r"(?:^|/)(?:tests?|t|spec|specs|testdata|test-?data|testing|fixtures?|__tests__|__fixtures__|__mocks__|mocks?|"
    r"examples?|samples?|demos?|docs?|documentation|man|guides|benchmarks?|e2e|integration)(?:/|$)",
    re.IGNORECASE,
)
FIXTURE_FILE = re.compile(
    r"(?:^|/)[^/]*(?:[._-]tests?|[._-]spec|_fixture|[._-]mock|[._-]examples?)\.[^/]+$|(?:^|/)tests?[._][^/]+$|"
    r"\.(?:md|markdown|mdx|rst|txt|adoc|asciidoc|html?|[1-8])$|(?:^|/)(?:README|CHANGELOG|CHANGES|NEWS|HISTORY)[^/]*$",
    re.IGNORECASE,
)

# What code looks like when a rule mistakes it for a secret (issue 17): word-built identifiers (snake, camel,
# dotted, `?.` and `::` member access), paths, routes (controller#action, :param), format strings (%s, {}, {0})
# and templates (${...}, {{ }}, <% %>). A random key is never built of words, so none of these matches one.
CODE_SHAPES = {
    "identifier": re.compile(r"^(?:[A-Z]?[a-z]{2,}|[A-Z]{2,}|[0-9]{1,4}|[A-Za-z](?=[._$?:-])|[_$.:-]|\?\.)+$"),
    "path": re.compile(r"^\.{0,2}/?(?:[\w.@-]+/)+[\w.@*-]*$"),
    "route": re.compile(r"#\w+$|(?:^|/):\w+"),
    "format string": re.compile(r"%[-+ #0-9.]*[sdifxXcroqvp]|\{[0-9]*\}|\{[a-z_]\w*(?::[^}]*)?\}"),
    "template": re.compile(r"\$\{|\{\{|<%|#\{"),
}


def code_shape(secret: str) -> str | None:
    for name, pattern in CODE_SHAPES.items():
        if pattern.search(secret):
            return name
    return None


def is_fixture_or_doc(path: str) -> bool:
    return bool(FIXTURE_DIR.search(path) or FIXTURE_FILE.search(path))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    reports = sorted(Path(sys.argv[1]).glob("*.json"))
    by_rule: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    trees = {}
    others = []
    shaped = []
    for report_path in reports:
        report = json.loads(report_path.read_text())
        tree = report_path.stem
        stats = report.get("stats", {})
        counts = collections.Counter()
        for f in report.get("findings", []):
            path = f["path"]
            rel = path.split(f"/src/{tree}/", 1)[-1]
            where = "fixture/doc" if is_fixture_or_doc(rel) else "other"
            shape = code_shape(f.get("secret", ""))
            by_rule[f["rule_id"]][where] += 1
            counts[where] += 1
            entry = {
                "tree": tree,
                "path": rel,
                "line": f["line"],
                "rule": f["rule_id"],
                "secret": f.get("secret", "")[:4] + "…",
                "length": len(f.get("secret", "")),
            }
            if shape:
                by_rule[f["rule_id"]]["code-shaped"] += 1
                shaped.append(entry | {"shape": shape})
            if where == "other":
                others.append(entry)
        trees[tree] = {
            "files": stats.get("files", 0),
            "bytes": stats.get("bytes", 0),
            "fixture/doc": counts["fixture/doc"],
            "other": counts["other"],
        }

    total = collections.Counter()
    for counter in by_rule.values():
        total.update(counter)
    print("| tree | files | MB | findings in fixtures/docs | findings elsewhere |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for tree, row in trees.items():
        print(f"| {tree} | {row['files']} | {row['bytes'] / 1e6:.0f} | {row['fixture/doc']} | {row['other']} |")
    files = sum(r["files"] for r in trees.values())
    megabytes = sum(r["bytes"] for r in trees.values()) / 1e6
    print(f"| **all** | {files} | {megabytes:.0f} | {total['fixture/doc']} | {total['other']} |")
    print()
    print("| rule | fixtures/docs | elsewhere | code-shaped secret |")
    print("| --- | ---: | ---: | ---: |")
    for rule in sorted(by_rule, key=lambda r: (-sum(by_rule[r][k] for k in ("fixture/doc", "other")), r)):
        c = by_rule[rule]
        print(f"| {rule} | {c['fixture/doc']} | {c['other']} | {c['code-shaped']} |")
    print(f"| **all** | {total['fixture/doc']} | {total['other']} | {total['code-shaped']} |")
    print()
    print(f"Findings elsewhere ({len(others)}):")
    for e in others:
        print(f"  {e['tree']}/{e['path']}:{e['line']} {e['rule']} {e['secret']} ({e['length']} chars)")
    print(f"Code-shaped secrets ({len(shaped)}):")
    for e in shaped:
        print(f"  {e['tree']}/{e['path']}:{e['line']} {e['rule']} {e['secret']} [{e['shape']}]")
    Path(sys.argv[2]).write_text(
        json.dumps({"trees": trees, "by_rule": by_rule, "elsewhere": others, "code_shaped": shaped}, indent=1) + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
