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

# What code looks like when a rule mistakes it for a secret (issue 17): the same definition as the engine's
# not_code check (scanner/engine/code_shape.cpp), so that every rule's findings, not only those of the rules that
# take the check, are held to it: an identifier built of few long words (snake, camel, dotted, `?.` and `::`
# member access, a type union), a path, a route (controller#action), a format string (%s, {}, {0}) or a template.
TEMPLATE_MARKERS = ("${", "{{", "}}", "<%", "%>", "{%", "%}", "#{", "$(")
PRINTF = re.compile(r"%(?:\([^)]*\))?[-+ #0]*[0-9]*(?:\.[0-9]*)?[lhzjt]*[sdiufFeEgGxXocpqrv](?![A-Za-z0-9])")
BRACE = re.compile(r"\{(?:[A-Za-z_][A-Za-z0-9_.]*|[0-9]*)(?:[:!][^}]*)?\}")
WORD = re.compile(r"[0-9]+|[A-Z]{2,}(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]")


def is_format_string(token: str) -> bool:
    if BRACE.search(token):
        return True
    directive = False
    for i, c in enumerate(token):
        if c != "%":
            continue
        escape = re.match(r"%[0-9A-Fa-f]{2}", token[i:]) is not None
        is_directive = PRINTF.match(token, i) is not None
        if escape and not is_directive:
            return False
        directive = directive or is_directive
    return directive


def is_identifier(token: str) -> bool:
    if not re.fullmatch(r"[A-Za-z0-9_$.?:!|<>@-]+", token):
        return False
    words = WORD.findall(token)
    letters = sum(len(w) for w in words if not w[0].isdigit())
    digit_groups = [w for w in words if w[0].isdigit()]
    digits = sum(map(len, digit_groups))
    short = sum(1 for w in words if not w[0].isdigit() and len(w) <= 2)
    if letters == 0 or max(map(len, digit_groups), default=0) > 4 or 2 * digits > letters:
        return False
    return short <= 2 and len(digit_groups) <= 1 and 2 * (letters + digits) >= 7 * len(words)


def is_path_segment(segment: str) -> bool:
    if segment in (".", "..", "*", "**", "~"):
        return True
    if len(segment) > 1 and segment[0] == ":":
        segment = segment[1:]
    if (len(segment) >= 2 and segment.islower() and segment.isalpha()) or re.fullmatch(r"[A-Z][a-z]{3,}", segment):
        return True
    if re.fullmatch(r"[vV]?[0-9]{1,4}", segment):
        return True
    return is_identifier(segment)


def is_path(token: str) -> bool:
    if "/" not in token:
        return False
    rooted = token.startswith(("/", "./", "~/"))
    segments = [s for s in token.split("/") if s]
    if not segments or (len(segments) == 1 and not rooted):
        return False
    return all(is_path_segment(s) for s in segments)


def is_route(token: str) -> bool:
    head, hash_, action = token.rpartition("#")
    if not hash_ or not head or not action:
        return False
    return bool(re.fullmatch(r"[a-z0-9_]+[!?]?", action)) and (
        is_path(head) or is_identifier(head) or is_path_segment(head))


def code_shape(secret: str) -> str | None:
    if any(marker in secret for marker in TEMPLATE_MARKERS):
        return "template"
    if is_format_string(secret):
        return "format string"
    if is_route(secret):
        return "route"
    if is_path(secret):
        return "path"
    if is_identifier(secret):
        return "identifier"
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
