#!/usr/bin/env python3
"""Generate a labelled secret corpus, scan it with keyward, and score recall and precision per rule family.

A rule family is one rule file (rules/NAME.toml). For every rule the generator plants fresh random tokens of
the documented shape (alphabet, length, checksum), taken from the rule's own regex and examples, in realistic
files (.env, shell, Python, TypeScript, Go, Java, YAML, JSON, TOML, docker-compose, Kubernetes, notebooks,
curl commands, logs, Markdown). Mistral keys, which have no prefix, get a dedicated set of contexts. Hard
negatives (hashes, commit ids, UUIDs, lockfile integrity strings, data: URLs, minified JS, placeholders,
random ids in logs, every rule's negative examples) go in their own files.

Standard library only (Python 3.11+). See tests/corpus/README.md.
"""

from __future__ import annotations

import argparse
import base64
import collections
import json
import math
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover
    sys.exit("score.py: needs Python 3.11 or newer (tomllib)")

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import re._parser as sre_parse  # type: ignore[import-not-found]
        import re._constants as sre_c  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover
        import sre_constants as sre_c  # type: ignore[no-redef]
        import sre_parse  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parents[2]
DEFAULT_KEYWARD = str(Path(__file__).resolve().parents[2] / "build" / "keyward")
MISTRAL_FAMILY = "mistral"


class UsageError(Exception):
    pass


# ----------------------------------------------------------------------------------------------------------
# Rules
# ----------------------------------------------------------------------------------------------------------

POSIX_CLASSES = {
    "alnum": "A-Za-z0-9",
    "alpha": "A-Za-z",
    "digit": "0-9",
    "xdigit": "0-9A-Fa-f",
    "upper": "A-Z",
    "lower": "a-z",
    "space": r" \t\r\n\v\f",
    "word": r"\w",
    "punct": r"!-/:-@\[-`{-~",
}


def re2_to_python(rx: str) -> str:
    rx = re.sub(r"\[:(\w+):\]", lambda m: POSIX_CLASSES.get(m.group(1), m.group(0)), rx)
    return rx.replace(r"\z", r"\Z")


@dataclass
class Rule:
    id: str
    family: str
    regex: str
    group: int
    keywords: list[str]
    distance: int
    entropy: float | None
    checks: list[str]
    category: str
    fallback: bool
    examples: list[str]
    negatives: list[str]
    allow_regexes: list[re.Pattern]
    allow_stopwords: list[str]
    pyre: re.Pattern | None = None
    tree: object = None


@dataclass
class RuleSet:
    rules: list[Rule]
    allow_regexes: list[re.Pattern]
    allow_stopwords: list[str]

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}


def compile_py(rx: str) -> re.Pattern | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(re2_to_python(rx), re.M)
    except re.error:
        return None


def load_rules(rules_dir: Path) -> RuleSet:
    files = sorted(rules_dir.glob("*.toml"))
    if not files:
        raise UsageError(f"no rule files in {rules_dir}")
    rules: list[Rule] = []
    g_regexes: list[re.Pattern] = []
    g_stop: list[str] = []
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as e:
            print(f"score.py: warning: skipping {path.name}: {e}", file=sys.stderr)
            continue
        family = path.stem
        allow = data.get("allowlist") or {}
        g_regexes += [p for p in (compile_py(x) for x in allow.get("regexes", [])) if p]
        g_stop += [s.lower() for s in allow.get("stopwords", [])]
        for r in data.get("rules", []):
            if not isinstance(r, dict) or "id" not in r or "regex" not in r:
                continue
            pyre = compile_py(r["regex"])
            groups = pyre.groups if pyre else 1
            ral = r.get("allowlist") or {}
            rule = Rule(
                id=r["id"],
                family=family,
                regex=r["regex"],
                group=int(r.get("secret_group", 1 if groups > 0 else 0)),
                keywords=[k.lower() for k in r.get("keywords", [])],
                distance=int(r.get("keyword_distance", 512)),
                entropy=r.get("entropy"),
                checks=list(r.get("checks", [])),
                category=r.get("category", "secret"),
                fallback=bool(r.get("fallback", False)),
                examples=list(r.get("examples", [])),
                negatives=list(r.get("negative_examples", [])),
                allow_regexes=[p for p in (compile_py(x) for x in ral.get("regexes", [])) if p],
                allow_stopwords=[s.lower() for s in ral.get("stopwords", [])],
                pyre=pyre,
            )
            if pyre is not None:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        rule.tree = sre_parse.parse(re2_to_python(rule.regex), re.M)
                except Exception:  # noqa: BLE001
                    rule.tree = None
            rules.append(rule)
    return RuleSet(rules, g_regexes, g_stop)


# ----------------------------------------------------------------------------------------------------------
# Checks (mirroring scanner/engine/checks.cpp and checksums.cpp)
# ----------------------------------------------------------------------------------------------------------

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
IBAN_LENGTHS = dict(
    AD=24, AE=23, AL=28, AT=20, AZ=28, BA=20, BE=16, BG=22, BH=22, BI=27, BR=29, BY=28, CH=21, CR=22, CY=28,
    CZ=24, DE=22, DJ=27, DK=18, DO=28, EE=20, EG=29, ES=24, FI=18, FK=18, FO=18, FR=27, GB=22, GE=22, GI=23,
    GL=18, GR=27, GT=28, HR=21, HU=28, IE=22, IL=23, IQ=23, IS=26, IT=27, JO=30, KW=30, KZ=20, LB=28, LC=32,
    LI=21, LT=20, LU=20, LV=21, LY=25, MC=27, MD=24, ME=22, MK=19, MN=20, MR=27, MT=31, MU=30, NI=28, NL=18,
    NO=15, OM=23, PK=24, PL=28, PS=29, PT=25, QA=29, RO=24, RS=22, RU=33, SA=24, SC=31, SD=18, SE=24, SI=19,
    SK=24, SM=27, SO=23, ST=25, SV=28, TL=23, TN=24, TR=26, UA=29, VA=22, VG=24, XK=20, YE=30,
)


def shannon(text: str) -> float:
    if not text:
        return 0.0
    data = text.encode("utf-8", "surrogateescape")
    counts = collections.Counter(data)
    n = len(data)
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def entropy_floor(rule_floor: float, length: int) -> float:
    if length < 2:
        return rule_floor
    return min(rule_floor, 0.9 * math.log2(length))


def base62_crc(payload: str) -> str:
    crc = zlib.crc32(payload.encode())
    out = ""
    for _ in range(6):
        out = BASE62[crc % 62] + out
        crc //= 62
    return out


def crc32_base62_valid(token: str) -> bool:
    body = token[token.rfind("_") + 1:]
    return len(body) > 6 and body[-6:] == base62_crc(body[:-6]) and zlib.crc32(body[:-6].encode()) < 62 ** 6


def fix_crc32_base62(token: str) -> str:
    cut = token.rfind("_") + 1
    body = token[cut:]
    if len(body) <= 6:
        return token
    return token[:cut] + body[:-6] + base62_crc(body[:-6])


def luhn_valid(number: str) -> bool:
    total, digits = 0, 0
    for c in reversed(number):
        if c in " -":
            continue
        if not c.isdigit():
            return False
        d = int(c)
        if digits % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
        digits += 1
    return digits >= 12 and total % 10 == 0


def fix_luhn(number: str) -> str:
    positions = [i for i, c in enumerate(number) if c.isdigit()]
    if not positions:
        return number
    last = positions[-1]
    for d in "0123456789":
        cand = number[:last] + d + number[last + 1:]
        if luhn_valid(cand):
            return cand
    return number


def iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "").upper()
    if not compact.isalnum() or len(compact) < 15 or not compact[:2].isalpha():
        return False
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    rotated = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rotated)) % 97 == 1


def fix_iban(iban: str) -> str:
    alnum_pos = [i for i, c in enumerate(iban) if c.isalnum()]
    if len(alnum_pos) < 5:
        return iban
    compact = "".join(iban[i] for i in alnum_pos).upper()
    rotated = compact[4:] + compact[:2] + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rotated)) % 97
    chars = list(iban)
    chars[alnum_pos[2]], chars[alnum_pos[3]] = f"{check:02d}"
    return "".join(chars)


def ssn_valid(ssn: str) -> bool:
    digits = ssn.replace("-", "").replace(" ", "")
    if len(digits) != 9 or not digits.isdigit():
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return 0 < area < 900 and area != 666 and group != 0 and serial != 0


def is_hex(s: str) -> bool:
    return all(c in string.hexdigits for c in s)


def passes_checks(rule: Rule, rs: RuleSet, secret: str) -> bool:
    if rule.entropy is not None and shannon(secret) < entropy_floor(float(rule.entropy), len(secret.encode())):
        return False
    for check in rule.checks:
        if check == "not_hex" and is_hex(secret):
            return False
        if check == "crc32_base62" and not crc32_base62_valid(secret):
            return False
        if check == "luhn" and not luhn_valid(secret):
            return False
        if check == "iban_mod97" and not iban_valid(secret):
            return False
        if check == "ssn" and not ssn_valid(secret):
            return False
    low = secret.lower()
    if any(s in low for s in rs.allow_stopwords + rule.allow_stopwords):
        return False
    if any(p.search(secret) for p in rs.allow_regexes + rule.allow_regexes):
        return False
    return True


UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def uuid_v4(m: re.Match) -> str:
    u = list(m.group(0))
    u[14] = "4"
    u[19] = "89ab"[int(u[19], 16) % 4] if u[19].islower() or u[19].isdigit() else "89AB"[int(u[19], 16) % 4]
    return "".join(u)


def apply_fixers(rule: Rule, secret: str) -> str:
    if rule.category != "personal-data":
        secret = UUID_RE.sub(uuid_v4, secret)  # UUID-shaped keys are version 4
    if "crc32_base62" in rule.checks:
        secret = fix_crc32_base62(secret)
    if "luhn" in rule.checks:
        secret = fix_luhn(secret)
    if "iban_mod97" in rule.checks:
        secret = fix_iban(secret)
    return secret


# ----------------------------------------------------------------------------------------------------------
# Token generation from a rule's regex (the secret group), with a shape-preserving mutation fallback
# ----------------------------------------------------------------------------------------------------------

PRINTABLE = [chr(c) for c in range(33, 127)]
UNIVERSE = PRINTABLE + [" ", "\t", "\n"]
SAFE_SYMBOLS = set("-_.~+/=!*%@#^&")
PH = "@@KWSECRET{}@@"
PH_RE = re.compile(r"@@KWSECRET(\d+)@@")


def category_chars(cat) -> set[str]:
    digits = set(string.digits)
    word = set(string.ascii_letters + string.digits + "_")
    space = set(" \t\n\r\v\f")
    table = {
        sre_c.CATEGORY_DIGIT: digits,
        sre_c.CATEGORY_NOT_DIGIT: set(UNIVERSE) - digits,
        sre_c.CATEGORY_WORD: word,
        sre_c.CATEGORY_NOT_WORD: set(UNIVERSE) - word,
        sre_c.CATEGORY_SPACE: space,
        sre_c.CATEGORY_NOT_SPACE: set(UNIVERSE) - space,
    }
    return table.get(cat, set())


def class_pool(items) -> list[str]:
    neg = False
    chars: set[str] = set()
    for op, av in items:
        if op is sre_c.NEGATE:
            neg = True
        elif op is sre_c.LITERAL:
            chars.add(chr(av))
        elif op is sre_c.RANGE:
            chars.update(chr(c) for c in range(av[0], min(av[1], 127) + 1))
        elif op is sre_c.CATEGORY:
            chars.update(category_chars(av))
    if neg:
        chars = {c for c in UNIVERSE if c not in chars}
    safe = sorted(c for c in chars if c.isascii() and (c.isalnum() or c in SAFE_SYMBOLS))
    if safe:
        return safe
    rest = sorted(c for c in chars if c != "\n")
    return rest or sorted(chars)


def find_group(tree, gid: int):
    for op, av in tree:
        if op is sre_c.SUBPATTERN:
            if av[0] == gid:
                return av[3]
            hit = find_group(av[3], gid)
            if hit is not None:
                return hit
        elif op is sre_c.BRANCH:
            for alt in av[1]:
                hit = find_group(alt, gid)
                if hit is not None:
                    return hit
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) or op is getattr(sre_c, "POSSESSIVE_REPEAT", None):
            hit = find_group(av[2], gid)
            if hit is not None:
                return hit
        elif op is getattr(sre_c, "ATOMIC_GROUP", None):
            hit = find_group(av, gid)
            if hit is not None:
                return hit
    return None


def literal_prefix(tree) -> str:
    out = ""
    for op, av in tree:
        if op is sre_c.LITERAL:
            out += chr(av)
        elif op is sre_c.AT:
            continue
        else:
            break
    return out


class TreeGen:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def gen(self, tree) -> str:
        out = []
        for op, av in tree:
            out.append(self.node(op, av))
        return "".join(out)

    def node(self, op, av) -> str:
        rng = self.rng
        if op is sre_c.LITERAL:
            return chr(av)
        if op is sre_c.NOT_LITERAL:
            pool = [c for c in PRINTABLE if c != chr(av) and (c.isalnum() or c in SAFE_SYMBOLS)]
            return rng.choice(pool)
        if op is sre_c.ANY:
            return rng.choice(string.ascii_letters + string.digits)
        if op is sre_c.IN:
            pool = class_pool(av)
            alnum = [c for c in pool if c.isalnum()]
            symbols = [c for c in pool if not c.isalnum() and c != "="]
            if alnum and len(alnum) < len(pool):  # real tokens are mostly letters and digits, "=" only as padding
                return rng.choice(symbols) if symbols and rng.random() < 0.06 else rng.choice(alnum)
            return rng.choice(pool)
        if op is sre_c.BRANCH:
            return self.gen(rng.choice(av[1]))
        if op is sre_c.SUBPATTERN:
            return self.gen(av[3])
        if op is getattr(sre_c, "ATOMIC_GROUP", None):
            return self.gen(av)
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) or op is getattr(sre_c, "POSSESSIVE_REPEAT", None):
            lo, hi, sub = av
            if hi == sre_c.MAXREPEAT or hi - lo > 40:
                hi = lo + 40
            n = lo if rng.random() < 0.4 else rng.randint(lo, hi)
            return "".join(self.gen(sub) for _ in range(n))
        if op is sre_c.AT:
            return ""
        raise ValueError(f"unsupported regex node {op}")


HEX_LOWER = "0123456789abcdef"
ARMOUR_RE = re.compile(r"-{4,5} ?(?:BEGIN|END) [A-Z0-9 ]+? ?-{4,5}|(?m:^[A-Za-z][A-Za-z0-9-]{1,40}: [^\n]*$)")
HEX_UPPER = "0123456789ABCDEF"


def mutate(secret: str, rng: random.Random, keep_prefix: int = 0, only_tail_digits: int = 0) -> str:
    """Randomise a token while keeping its shape: digits stay digits, letters keep case, hex stays hex."""
    if only_tail_digits:
        chars = list(secret)
        idx = [i for i, c in enumerate(chars) if c.isdigit()][-only_tail_digits:]
        for i in idx:
            chars[i] = rng.choice(string.digits)
        return "".join(chars)
    alnum = "".join(c for c in secret[keep_prefix:] if c.isalnum())
    lower_hex = bool(alnum) and all(c in HEX_LOWER for c in alnum)
    upper_hex = bool(alnum) and all(c in HEX_UPPER for c in alnum)
    out = list(secret)
    kept = set()  # PEM / SSH2 armour and "Header: value" lines stay as they are
    for m in ARMOUR_RE.finditer(secret):
        kept.update(range(m.start(), m.end()))
    for i, c in enumerate(secret):
        if i < keep_prefix or i in kept or (i > 0 and secret[i - 1] == "\\"):
            continue
        if c.isdigit():
            out[i] = rng.choice(HEX_LOWER[:10])
        elif c.islower() and c.isascii():
            out[i] = rng.choice(HEX_LOWER[10:] if lower_hex else string.ascii_lowercase)
        elif c.isupper() and c.isascii():
            out[i] = rng.choice(HEX_UPPER[10:] if upper_hex else string.ascii_uppercase)
    return "".join(out)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


JWT_RE = re.compile(r"^(eyJ[A-Za-z0-9_-]+)\.(eyJ[A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$")


def fresh_jwt(example: str, rng: random.Random) -> str | None:
    m = JWT_RE.match(example)
    if not m:
        return None
    try:
        payload = json.loads(b64url_decode(m.group(2)))
        raw = b64url_decode(m.group(2)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    for k, v in list(payload.items()):
        if isinstance(v, bool):
            continue
        if isinstance(v, int) and k in ("iat", "exp", "nbf", "auth_time"):
            payload[k] = v + rng.randint(-10_000_000, 10_000_000)
        elif isinstance(v, int):
            payload[k] = rng.randint(1000, 99_999_999)
        elif isinstance(v, str) and k in ("sub", "jti", "sid", "ref", "user_id", "uid", "session_id", "tid"):
            payload[k] = mutate(v, rng)
    seps = (", ", ": ") if ", " in raw or ": " in raw else (",", ":")
    body = b64url(json.dumps(payload, separators=seps).encode())
    sig = b64url(bytes(rng.getrandbits(8) for _ in range(len(b64url_decode(m.group(3))))))
    return f"{m.group(1)}.{body}.{sig}"


@dataclass
class Template:
    text: str  # with PH.format(0) where the secret goes
    example_secret: str
    name: str | None = None  # for assignment lines: the variable / key name
    sep: str = "="
    extras: list[str] = field(default_factory=list)  # other secrets of the same rule in the example, kept as they are

    def render(self, secret: str) -> str:
        text = self.text.replace(PH.format(0), secret)
        for i, value in enumerate(self.extras, start=1):
            text = text.replace(PH.format(i), value)
        return text

    @property
    def multiline(self) -> bool:
        return "\n" in self.text


ASSIGN_RE = re.compile(
    r"""^(?P<indent>\s*)(?:export\s+)?(?P<q1>["']?)(?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)(?P=q1)\s*(?P<sep>=|:)\s*"""
    r"""(?P<q>["']?)@@KWSECRET0@@(?P=q)\s*,?\s*$"""
)


def locate(rule: Rule, text: str, start_hint: int | None = None):
    """Find the match of rule whose secret group starts at start_hint (or the first one). Returns (start, end)."""
    if rule.pyre is None:
        return None
    cands = list(rule.pyre.finditer(text))
    if start_hint is not None:
        for m in cands:
            if m.group(rule.group) is not None and m.start(rule.group) == start_hint:
                return m
        for s in range(max(0, start_hint - 700), start_hint + 1):
            m = rule.pyre.search(text, s)
            # a match that starts exactly at s may rely on a \b or ^ that only holds because the search starts there
            if m and (m.start() > s or s == 0) and m.group(rule.group) is not None and m.start(rule.group) == start_hint:
                return m
        return None
    for m in cands:
        if m.group(rule.group) is not None:
            return m
    return None


def keyword_ok(rule: Rule, text: str, m) -> bool:
    if not rule.keywords:
        return True
    low = text.lower()
    if rule.distance == 0:
        return any(k in low for k in rule.keywords)
    lo, hi = max(0, m.start() - rule.distance), m.end() + rule.distance
    window = low[lo:hi]
    return any(k in window for k in rule.keywords)


def templates_for(rule: Rule) -> list[Template]:
    out = []
    for ex in rule.examples:
        m = locate(rule, ex)
        if m is None:
            continue
        s, e = m.span(rule.group)
        spans = [(s, e, 0)]
        extras = []
        for m2 in rule.pyre.finditer(ex):
            s2, e2 = m2.span(rule.group) if m2.group(rule.group) is not None else (-1, -1)
            if s2 >= 0 and (e2 <= s or s2 >= e) and all(e2 <= a or s2 >= b for a, b, _ in spans):
                extras.append(ex[s2:e2])
                spans.append((s2, e2, len(extras)))
        text = ex
        for a, b, idx in sorted(spans, reverse=True):
            text = text[:a] + PH.format(idx) + text[b:]
        t = Template(text, ex[s:e], extras=extras)
        if not t.multiline:
            am = ASSIGN_RE.match(text)
            if am:
                t.name = am.group("name")
                t.sep = am.group("sep")
        out.append(t)
    return out


class SecretFactory:
    def __init__(self, rs: RuleSet):
        self.rs = rs

    def valid_in(self, rule: Rule, template: Template, secret: str) -> bool:
        if not secret or (any(c in secret for c in "\"'`\\") and "\\n" not in secret):
            return False
        text = template.render(secret)
        pos = template.render(PH.format(0)).index(PH.format(0))
        m = locate(rule, text, pos)
        if m is None or m.group(rule.group) != secret:
            return False
        return keyword_ok(rule, text, m) and passes_checks(rule, self.rs, secret)

    def make(self, rule: Rule, template: Template, rng: random.Random, used: set[str]) -> str | None:
        ex = template.example_secret
        attempts = []
        if JWT_RE.match(ex):
            attempts.append(lambda: fresh_jwt(ex, rng))
        prefer_mutation = "-----BEGIN" in ex or rule.category == "personal-data" or \
            any(c in rule.checks for c in ("phone", "iban_mod97"))
        sub = find_group(rule.tree, rule.group) if (rule.tree is not None and rule.group > 0) else rule.tree
        prefix = literal_prefix(sub) if sub is not None else ""
        tail = 4 if "phone" in rule.checks else 0

        def by_tree():
            return TreeGen(rng).gen(sub) if sub is not None else None

        def by_mutation():
            return mutate(ex, rng, keep_prefix=len(prefix) if ex.startswith(prefix) else 0, only_tail_digits=tail)

        attempts += [by_mutation, by_tree] if prefer_mutation else [by_tree, by_mutation]
        for gen in attempts:
            for _ in range(60):
                try:
                    cand = gen()
                except (ValueError, RecursionError):
                    break
                if cand is None:
                    break
                cand = apply_fixers(rule, cand)
                if cand in used or cand == ex:
                    continue
                if self.valid_in(rule, template, cand):
                    used.add(cand)
                    return cand
        return None


# ----------------------------------------------------------------------------------------------------------
# Corpus building
# ----------------------------------------------------------------------------------------------------------


@dataclass
class Plant:
    path: str
    line: int
    rule: str
    family: str
    secret: str
    container: str
    found_by: list[str] = field(default_factory=list)


class Corpus:
    def __init__(self, root: Path):
        self.root = root
        self.plants: list[Plant] = []
        self.negatives = collections.Counter()  # kind -> items
        self.negative_files: set[str] = set()
        self.files: dict[str, str] = {}

    def unique(self, path: str) -> str:
        if path not in self.files:
            return path
        stem, dot, ext = path.rpartition(".")
        if not stem or "/" in ext:
            stem, dot, ext = path, "", ""
        i = 2
        while True:
            cand = f"{stem}-{i}{dot}{ext}" if dot else f"{path}-{i}"
            if cand not in self.files:
                return cand
            i += 1

    def add(self, path: str, text: str, secrets: list[tuple[Rule, str, str]], crlf: bool = False) -> str:
        """Write text (with PH.format(i) for secrets[i] = (rule, secret, container)) and record the plants."""
        path = self.unique(path)
        lines_of = {}
        out = text
        # resolve placeholders from the end so offsets stay valid
        marks = sorted(((m.start(), int(m.group(1)), m.end()) for m in PH_RE.finditer(text)), reverse=True)
        for start, idx, end in marks:
            out = out[:start] + secrets[idx][1] + out[end:]
        # compute lines on the final text: walk placeholders in order with running offset
        delta = 0
        for start, idx, end in sorted(marks):
            pos = start + delta
            lines_of[idx] = out.count("\n", 0, pos) + 1
            delta += len(secrets[idx][1]) - (end - start)
        for idx, (rule, secret, container) in enumerate(secrets):
            if idx in lines_of:
                self.plants.append(Plant(path, lines_of[idx], rule.id, rule.family, secret, container))
        if crlf:
            out = out.replace("\n", "\r\n")
        self.files[path] = out
        return path

    def add_negative(self, path: str, text: str, kind: str, items: int) -> None:
        path = self.unique(path)
        self.files[path] = text
        self.negatives[kind] += items
        self.negative_files.add(path)

    def write(self) -> None:
        for rel, text in self.files.items():
            p = self.root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(text.encode("utf-8"))


# --- filler ------------------------------------------------------------------------------------------------

ENV_FILLER = [
    "NODE_ENV=production", "PORT=8080", "LOG_LEVEL=info", "APP_NAME=checkout-service", "REDIS_HOST=redis",
    "FEATURE_CHECKOUT_V2=true", "TZ=UTC", "SENTRY_ENVIRONMENT=staging", "WORKERS=4", "BASE_URL=https://shop.acme.io",
    "# --- third-party services ---", "AWS_REGION=eu-west-1", "DB_HOST=postgres", "DB_PORT=5432", "CACHE_TTL=300",
    "ALLOWED_ORIGINS=https://acme.io,https://admin.acme.io", "", "MAX_UPLOAD_MB=25", "QUEUE_NAME=orders",
]
SH_FILLER = [
    "set -euo pipefail", 'cd "$(dirname "$0")/.."', 'echo "deploying ${SERVICE:-api} to ${ENVIRONMENT:-staging}"',
    "source ./scripts/lib.sh", 'IMAGE="registry.acme.io/api:${GIT_SHA:-latest}"', "", "# shellcheck disable=SC2086",
    'log() { printf "[%s] %s\\n" "$(date +%T)" "$*"; }', "trap cleanup EXIT", 'REGION="${REGION:-eu-west-1}"',
]
PY_FILLER = [
    "import os", "import logging", "from pathlib import Path", "", "logger = logging.getLogger(__name__)",
    "BASE_DIR = Path(__file__).resolve().parent", "DEBUG = False", 'ALLOWED_HOSTS = ["api.acme.io"]',
    "TIMEOUT_SECONDS = 30", 'DEFAULT_MODEL = "small"', "RETRIES = 3",
]
TS_FILLER = [
    'import { z } from "zod";', 'import type { Config } from "./types";', "", "export const TIMEOUT_MS = 30_000;",
    'export const REGION = "eu-west-1";', "const retries = 3;", 'export const BASE_URL = "https://api.acme.io";',
]
GO_FILLER = ['import "time"', "", "const defaultTimeout = 30 * time.Second", 'var region = "eu-west-1"', "const maxRetries = 3"]
JAVA_FILLER = [
    '    private static final String REGION = "eu-west-1";', "    private static final int TIMEOUT_SECONDS = 30;",
    "    private static final boolean DEBUG = false;",
]
LOG_FILLER = [
    "INFO  [main] starting checkout-service v2.3.1 (pid 4121)", "INFO  [http] listening on 0.0.0.0:8080",
    "DEBUG [db] pool size=10 idle=4", "WARN  [cache] redis latency 142ms above threshold",
    "INFO  [jobs] scheduled 12 jobs", "INFO  [http] GET /healthz 200 1.2ms", "DEBUG [config] loaded 42 settings",
]
MD_FILLER = ["## Setup", "", "Install the dependencies first:", "", "```bash", "make deps", "```", "",
             "Then configure the service:"]


def pick(rng: random.Random, pool: list[str], lo: int, hi: int) -> list[str]:
    return [rng.choice(pool) for _ in range(rng.randint(lo, hi))]


def lowerish(rng: random.Random, name: str) -> str:
    return name.lower() if rng.random() < 0.5 else name


def ts_now(rng: random.Random) -> str:
    return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:" \
           f"{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"


def log_lines(rng: random.Random, n: int) -> list[str]:
    return [f"{ts_now(rng)} {rng.choice(LOG_FILLER)}" for _ in range(n)]


def notebook(rng: random.Random, cells: list[str]) -> str:
    nb_cells = []
    for i, src in enumerate(cells):
        lines = src.split("\n")
        source = [ln + "\n" for ln in lines[:-1]] + [lines[-1]]
        nb_cells.append({
            "cell_type": "code", "execution_count": i + 1, "id": "%08x" % rng.getrandbits(32), "metadata": {},
            "outputs": [], "source": source,
        })
    nb = {
        "cells": nb_cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python", "version": "3.11.7"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1) + "\n"


# --- containers for an assignment NAME = SECRET ----------------------------------------------------------

S0 = PH.format(0)
IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ENV_NAME_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
# a name worth moving to another file format: it names a credential (not a user name, not a format keyword)
CRED_NAME_RE = re.compile(r"(?i)key|token|secret|pass|pwd|auth|cred|sid|dsn|url|uri|hook|conn|session|cookie|signing|license|private|access|login")


def assign_containers(t: Template) -> list[str]:
    name = t.name or ""
    if not name or name.startswith("_") or not CRED_NAME_RE.search(name):
        return []
    if ENV_NAME_RE.match(name):
        return ["env", "shell", "python", "typescript", "go", "java", "compose", "k8s", "yaml", "json", "json-min", "toml",
                "log", "markdown", "notebook", "dockerfile", "github-actions"]
    if IDENT_RE.match(name):
        return ["python", "yaml", "json", "json-min", "toml", "ini", "log", "markdown", "notebook"]
    return ["properties", "log"] if t.sep == "=" else ["yaml", "json", "log"]


def build_assign(kind: str, t: Template, rng: random.Random, base: str) -> tuple[str, str, bool]:
    """Return (path, text, crlf) for one NAME=secret in a container of the given kind."""
    name = t.name
    q = rng.choice(['"', ""])
    if kind == "env":
        lines = pick(rng, ENV_FILLER, 2, 8) + [f"{name}={q}{S0}{q}"] + pick(rng, ENV_FILLER, 0, 6)
        return f"{base}/{rng.choice(['.env', '.env.production', '.env.local', 'prod.env'])}", "\n".join(lines) + "\n", rng.random() < 0.15
    if kind == "shell":
        lines = ["#!/usr/bin/env bash"] + pick(rng, SH_FILLER, 1, 5) + [f'export {name}="{S0}"'] + pick(rng, SH_FILLER, 1, 4)
        return f"{base}/scripts/{rng.choice(['deploy.sh', 'bootstrap.sh', 'run-local.sh'])}", "\n".join(lines) + "\n", False
    if kind == "python":
        forms = [f'{name} = "{S0}"', f"{name} = '{S0}'"]
        if ENV_NAME_RE.match(name):
            forms.append(f'os.environ["{name}"] = "{S0}"')
        lines = pick(rng, PY_FILLER, 2, 6) + [rng.choice(forms)] + pick(rng, PY_FILLER, 1, 4)
        return f"{base}/app/{rng.choice(['settings.py', 'config.py', 'local_settings.py'])}", "\n".join(lines) + "\n", False
    if kind == "typescript":
        form = rng.choice([f'export const {name} = "{S0}";', f"const {name} = '{S0}';", f'process.env.{name} = "{S0}";'])
        lines = pick(rng, TS_FILLER, 2, 5) + [form] + pick(rng, TS_FILLER, 0, 3)
        return f"{base}/src/{rng.choice(['config.ts', 'env.ts', 'secrets.ts'])}", "\n".join(lines) + "\n", False
    if kind == "go":
        form = rng.choice([f'const {name} = "{S0}"', f'var {name} = "{S0}"', f'\t{name} = "{S0}"'])
        if form.startswith("\t"):
            lines = ["package config", "", "const (", '\tregionDefault = "eu-west-1"', form, ")"]
        else:
            lines = ["package config", ""] + pick(rng, GO_FILLER, 1, 4) + [form]
        return f"{base}/internal/config/{rng.choice(['config.go', 'secrets.go', 'defaults.go'])}", "\n".join(lines) + "\n", False
    if kind == "java":
        lines = ["package com.acme.config;", "", "public final class AppSecrets {"] + pick(rng, JAVA_FILLER, 1, 3) + \
                [f'    public static final String {name} = "{S0}";'] + pick(rng, JAVA_FILLER, 0, 2) + ["}"]
        return f"{base}/src/main/java/com/acme/config/AppSecrets.java", "\n".join(lines) + "\n", False
    if kind == "yaml":
        key = lowerish(rng, name) if ENV_NAME_RE.match(name) else name
        lines = ["app:", "  name: checkout", "  replicas: 3", "credentials:", f"  {key}: {q}{S0}{q}", "  region: eu-west-1",
                 "logging:", "  level: info"]
        return f"{base}/config/{rng.choice(['application.yaml', 'values.yaml', 'settings.yml'])}", "\n".join(lines) + "\n", False
    if kind == "json":
        key = lowerish(rng, name) if ENV_NAME_RE.match(name) else name
        data = {"service": "checkout", "region": "eu-west-1", "credentials": {key: S0, "timeout": 30}, "debug": False}
        return f"{base}/config/{rng.choice(['appsettings.json', 'config.json', 'secrets.json'])}", json.dumps(data, indent=2) + "\n", False
    if kind == "json-min":
        key = lowerish(rng, name) if ENV_NAME_RE.match(name) else name
        data = {"id": rng.randint(1, 999), "env": "prod", "settings": {"region": "eu-west-1", key: S0}, "tags": ["api", "v2"]}
        return f"{base}/{rng.choice(['build/config.min.json', 'dist/runtime-config.json'])}", json.dumps(data, separators=(",", ":")), False
    if kind == "dockerfile":
        lines = ["FROM python:3.12-slim", "WORKDIR /app", "COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt",
                 rng.choice([f"ENV {name}={S0}", f'ENV {name}="{S0}"', f"ARG {name}={S0}"]), "COPY . .", 'CMD ["python", "-m", "app"]']
        return f"{base}/Dockerfile", "\n".join(lines) + "\n", False
    if kind == "github-actions":
        lines = ["name: deploy", "on:", "  push:", "    branches: [main]", "jobs:", "  deploy:", "    runs-on: ubuntu-latest", "    env:",
                 "      ENVIRONMENT: production", f"      {name}: {q}{S0}{q}", "    steps:", "      - uses: actions/checkout@v4", "      - run: make deploy"]
        return f"{base}/.github/workflows/deploy.yml", "\n".join(lines) + "\n", False
    if kind == "toml":
        key = lowerish(rng, name) if ENV_NAME_RE.match(name) else name
        lines = ["[service]", 'name = "checkout"', "port = 8080", "", "[credentials]", f'{key} = "{S0}"', 'region = "eu-west-1"']
        return f"{base}/{rng.choice(['config.toml', 'settings.toml'])}", "\n".join(lines) + "\n", False
    if kind == "ini":
        lines = ["[default]", "region = eu-west-1", "output = json", f"{name} = {S0}", ""]
        return f"{base}/{rng.choice(['credentials.ini', 'settings.cfg', 'app.conf'])}", "\n".join(lines), rng.random() < 0.15
    if kind == "compose":
        item = rng.choice([f"      - {name}={S0}", f"      {name}: {q}{S0}{q}"])
        lines = ['version: "3.9"', "services:", "  api:", "    image: registry.acme.io/api:2.3.1", "    ports:",
                 '      - "8080:8080"', "    environment:"]
        lines += ["      - LOG_LEVEL=info", item] if item.lstrip().startswith("-") else ["      LOG_LEVEL: info", item]
        lines += ["    depends_on:", "      - redis", "  redis:", "    image: redis:7"]
        return f"{base}/docker-compose.yml", "\n".join(lines) + "\n", False
    if kind == "k8s":
        lines = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: api-secrets", "  namespace: prod", "type: Opaque",
                 "stringData:", "  LOG_LEVEL: info", f'  {name}: {q or chr(34)}{S0}{q or chr(34)}']
        return f"{base}/k8s/{rng.choice(['secret.yaml', 'api-secrets.yaml'])}", "\n".join(lines) + "\n", False
    if kind == "notebook":
        forms = [f'{name} = "{S0}"', f"{name} = '{S0}'"]
        if ENV_NAME_RE.match(name):
            forms += [f"%env {name}={S0}", f"os.environ['{name}'] = '{S0}'", f'os.environ["{name}"] = "{S0}"']
        cells = ["import os\nimport pandas as pd", rng.choice(forms), "df = pd.read_csv('orders.csv')\ndf.head()"]
        return f"{base}/notebooks/{rng.choice(['exploration.ipynb', 'eval.ipynb'])}", notebook(rng, cells), False
    if kind == "log":
        kv = f"{name}={S0}" if t.sep == "=" else f"{name}: {S0}"
        line = f"{ts_now(rng)} DEBUG [config] {rng.choice(['env', 'loaded', 'resolved'])} {kv}"
        lines = log_lines(rng, rng.randint(2, 6)) + [line] + log_lines(rng, rng.randint(1, 5))
        return f"{base}/logs/{rng.choice(['app.log', 'startup.log', 'debug.log'])}", "\n".join(lines) + "\n", False
    if kind == "markdown":
        body = f"export {name}={S0}" if ENV_NAME_RE.match(name) else t.text.strip()
        lines = ["# Local development", ""] + MD_FILLER + ["", "```bash", body, "```", ""]
        return f"{base}/docs/{rng.choice(['SETUP.md', 'README.md', 'onboarding.md'])}", "\n".join(lines) + "\n", False
    if kind == "properties":
        lines = ["server.port=8080", "logging.level.root=INFO", f"{name}={S0}", "spring.application.name=checkout"]
        return f"{base}/src/main/resources/application.properties", "\n".join(lines) + "\n", rng.random() < 0.15
    raise ValueError(kind)


# --- personal data: values in the files where customer records end up --------------------------------------

PII_FIELDS = [("card", "card_number"), ("iban", "iban"), ("email", "email"), ("phone", "phone"), ("ssn", "ssn"),
              ("ipv4", "client_ip"), ("ipv6", "client_ip")]
PII_CONTAINERS = ["csv", "json-record", "sql", "log", "yaml-record"]


def pii_field(rule: Rule) -> str:
    return next((f for k, f in PII_FIELDS if k in rule.id), "value")


def build_pii(kind: str, field_name: str, rng: random.Random, base: str) -> tuple[str, str, bool]:
    cid = rng.randint(1000, 9999)
    name = rng.choice(["Dana Whitfield", "Ravi Menon", "Lea Dubois", "Tomasz Nowak", "Aiko Tanaka"])
    if kind == "csv":
        rows = ["customer_id,full_name,%s,created_at" % field_name]
        rows += [f"{cid - i},Customer {i},,2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}" for i in range(1, rng.randint(2, 5))]
        rows.append(f"{cid},{name},{S0},2024-05-14")
        return f"{base}/exports/{rng.choice(['customers.csv', 'crm-export.csv'])}", "\n".join(rows) + "\n", rng.random() < 0.3
    if kind == "json-record":
        data = {"customer": {"id": cid, "name": name, field_name: S0, "tier": "gold"}, "source": "crm"}
        return f"{base}/fixtures/{rng.choice(['customer.json', 'record.json'])}", json.dumps(data, indent=2) + "\n", False
    if kind == "sql":
        line = f"INSERT INTO customers (id, full_name, {field_name}) VALUES ({cid}, '{name}', '{S0}');"
        return f"{base}/db/{rng.choice(['seed.sql', 'backfill.sql'])}", "BEGIN;\n" + line + "\nCOMMIT;\n", False
    if kind == "log":
        line = f"{ts_now(rng)} INFO  [signup] created customer {cid} {field_name}={S0}"
        lines = log_lines(rng, rng.randint(1, 4)) + [line] + log_lines(rng, rng.randint(1, 3))
        return f"{base}/logs/{rng.choice(['signup.log', 'app.log'])}", "\n".join(lines) + "\n", False
    lines = ["customers:", f"  - id: {cid}", f"    name: {name}", f'    {field_name}: "{S0}"', "    tier: gold"]
    return f"{base}/fixtures/{rng.choice(['customers.yaml', 'seed.yml'])}", "\n".join(lines) + "\n", False


# --- containers for a verbatim example (the example's own wording around a fresh secret) --------------------

SH_CMD = re.compile(r"^\s*(?:curl|git|docker|helm|gitlab-runner|npm|pip|dotnet|fly|flyctl|vercel|netlify|snyk|gh|echo|"
                    r"export|aws|az|gcloud|kubectl|terraform|psql|mysql|mongo|redis-cli|wget|http|twine|cargo|gem|yarn)\b")


def guess_lang(text: str) -> str:
    t = text.strip()
    if SH_CMD.match(t):
        return "sh"
    if t.startswith("<"):
        return "html"
    if t.startswith(("{", "[", '"')):
        return "json"
    if re.search(r"\b(?:const|let|var|new|await|require|import)\b", t) or t.endswith(";"):
        return "ts"
    if re.match(r"^[\w\[\]\"']+(?:\.[\w\[\]\"']+)*\s+=\s+\S", t) or re.match(r"^[\w.]+\(", t):
        return "py"
    if re.match(r"^[\w.\"-]+\s*:\s", t) or re.search(r":\s*\n", t):
        return "yaml"
    if re.match(r"^[\w.-]+\s*=", t):
        return "conf"
    return "txt"


def build_verbatim(kind: str, tmpl: str, rng: random.Random, base: str) -> tuple[str, str, bool]:
    lang = guess_lang(tmpl.replace(S0, "x"))
    if kind == "markdown":
        fence = {"sh": "bash", "py": "python", "ts": "typescript", "json": "json", "yaml": "yaml", "html": "html"}.get(lang, "")
        lines = ["# Getting started", ""] + MD_FILLER + ["", f"```{fence}", tmpl, "```", ""]
        return f"{base}/docs/{rng.choice(['README.md', 'USAGE.md', 'notes.md'])}", "\n".join(lines) + "\n", False
    if kind == "notebook":  # only code goes in a notebook cell; shell lines as !commands
        src = tmpl if lang != "sh" else "!" + tmpl.replace("\n", "\n ")
        cells = ["import os\nimport requests", src, "print('done')"]
        return f"{base}/notebooks/{rng.choice(['scratch.ipynb', 'demo.ipynb'])}", notebook(rng, cells), False
    # native file for the guessed language
    if lang == "sh":
        lines = ["#!/usr/bin/env bash"] + pick(rng, SH_FILLER, 1, 4) + [tmpl] + pick(rng, SH_FILLER, 0, 3)
        return f"{base}/scripts/{rng.choice(['release.sh', 'setup.sh', 'ci.sh'])}", "\n".join(lines) + "\n", False
    if lang == "py":
        lines = pick(rng, PY_FILLER, 2, 5) + [tmpl] + pick(rng, PY_FILLER, 0, 3)
        return f"{base}/app/{rng.choice(['client.py', 'main.py', 'jobs.py'])}", "\n".join(lines) + "\n", False
    if lang == "ts":
        lines = pick(rng, TS_FILLER, 2, 4) + [tmpl] + pick(rng, TS_FILLER, 0, 3)
        return f"{base}/src/{rng.choice(['client.ts', 'index.ts', 'api.js'])}", "\n".join(lines) + "\n", False
    if lang == "json":
        t = tmpl.strip()
        if t.startswith(("{", "[")):
            return f"{base}/config/{rng.choice(['credentials.json', 'auth.json', 'settings.json'])}", tmpl + "\n", False
        inner = tmpl if tmpl.rstrip().endswith(",") else tmpl + ","
        lines = ["{", '  "version": 2,', inner, '  "region": "eu-west-1"', "}"]
        return f"{base}/config/{rng.choice(['credentials.json', 'token.json'])}", "\n".join(lines) + "\n", False
    if lang == "yaml":
        lines = ["# deployment values", "replicaCount: 2", "image:", "  repository: registry.acme.io/api", "  tag: 2.3.1"]
        return f"{base}/deploy/{rng.choice(['values.yaml', 'config.yml'])}", "\n".join(lines + [tmpl, "resources: {}"]) + "\n", False
    if lang == "html":
        lines = ["<!doctype html>", "<html>", "<head>", '  <meta charset="utf-8">', tmpl, "</head>", "<body></body>", "</html>"]
        return f"{base}/public/index.html", "\n".join(lines) + "\n", False
    if lang == "conf":
        lines = ["# service configuration", "listen = 0.0.0.0:8080", tmpl, "timeout = 30"]
        return f"{base}/{rng.choice(['app.conf', 'service.ini', 'settings.cfg'])}", "\n".join(lines) + "\n", False
    lines = ["Notes from the setup call", ""] + [tmpl, "", "Ping #platform if something is off."]
    return f"{base}/{rng.choice(['NOTES.txt', 'setup.txt', 'handover.txt'])}", "\n".join(lines) + "\n", False


def build_standalone(kind: str, rng: random.Random, base: str) -> tuple[str, str, bool]:
    """Containers for tokens that carry their own prefix and need no surrounding name."""
    if kind == "curl":
        if rng.random() < 0.5:
            lines = ["#!/bin/sh", "# smoke test", "curl -sS --fail \\", f'  -H "Authorization: Bearer {S0}" \\',
                     '  -H "Accept: application/json" \\', "  https://api.acme.io/v1/status"]
        else:
            lines = ["#!/bin/sh", f'curl -sS -H "Authorization: Bearer {S0}" https://api.acme.io/v1/projects | jq .']
        return f"{base}/scripts/smoke-test.sh", "\n".join(lines) + "\n", False
    if kind == "log-header":
        line = f"{ts_now(rng)} DEBUG [http] -> POST https://api.acme.io/v1/sync headers={{'Authorization': 'Bearer {S0}'}}"
        lines = log_lines(rng, rng.randint(2, 5)) + [line] + log_lines(rng, rng.randint(1, 3))
        return f"{base}/logs/http-debug.log", "\n".join(lines) + "\n", False
    if kind == "json-token":
        data = {"name": "deploy-bot", "created_at": "2024-05-02T10:00:00Z", "token": S0, "scopes": ["read", "write"]}
        return f"{base}/.config/credentials.json", json.dumps(data, indent=2) + "\n", False
    raise ValueError(kind)


# --- Mistral: every context the rule is meant to cover -----------------------------------------------------

def mistral_contexts() -> list[tuple[str, object]]:
    """(name, builder(rng) -> (path, text)). Each text holds S0 where the key goes."""
    def file(path, lines):
        return lambda rng: (path, "\n".join(lines) + "\n")

    def nb(path, src):
        return lambda rng: (path, notebook(rng, ["import os\nfrom mistralai import Mistral", src, "resp = client.chat.complete(model=\"mistral-small-latest\", messages=msgs)"]))

    py_head = ["import os", "from mistralai import Mistral", ""]
    return [
        ("env", file(".env", ["APP_ENV=production", "LOG_LEVEL=info", f"MISTRAL_API_KEY={S0}", "MISTRAL_MODEL=mistral-large-latest"])),
        ("env-quoted", file(".env.local", ["# LLM", f'MISTRAL_API_KEY="{S0}"'])),
        ("codestral-env", file(".env.codestral", ["CODESTRAL_URL=https://codestral.mistral.ai/v1", f"CODESTRAL_API_KEY={S0}"])),
        ("shell-export", file("scripts/chat.sh", ["#!/usr/bin/env bash", "set -euo pipefail", f'export MISTRAL_API_KEY="{S0}"', "python -m chat.cli"])),
        ("shell-export-bare", file("scripts/env.sh", [f"export MISTRAL_API_KEY={S0}"])),
        ("python-client", file("app/llm.py", py_head + [f'client = Mistral(api_key="{S0}")'])),
        ("python-client-single", file("app/agent.py", py_head + [f"client = Mistral(api_key='{S0}')", "agent_id = 'ag:3996db2b:20240805:french-agent:a8997aab'"])),
        ("python-client-multiline", file("app/summarize.py", py_head + ["client = Mistral(", f'    api_key="{S0}",', "    timeout_ms=30_000,", ")"])),
        ("python-environ", file("app/bootstrap.py", ["import os", f'os.environ["MISTRAL_API_KEY"] = "{S0}"', "from mistralai import Mistral"])),
        ("python-constant", file("app/settings.py", [f'MISTRAL_API_KEY = "{S0}"', 'MISTRAL_MODEL = "mistral-small-latest"'])),
        ("python-requests", file("app/embed.py", ["import requests", "", "resp = requests.post(", '    "https://api.mistral.ai/v1/embeddings",',
                                                   f'    headers={{"Authorization": "Bearer {S0}"}},', '    json={"model": "mistral-embed", "input": texts},', ")"])),
        ("ts-client", file("src/mistral.ts", ['import { Mistral } from "@mistralai/mistralai";', f'const mistral = new Mistral({{ apiKey: "{S0}" }});'])),
        ("ts-client-single", file("src/chat.js", ["import { Mistral } from '@mistralai/mistralai';", f"const client = new Mistral({{ apiKey: '{S0}' }});"])),
        ("ts-client-multiline", file("src/llm/client.ts", ['import { Mistral } from "@mistralai/mistralai";', "", "export const client = new Mistral({",
                                                            f'  apiKey: "{S0}",', '  serverURL: "https://api.mistral.ai",', "});"])),
        ("langchain-py", file("app/chain.py", ["from langchain_mistralai import ChatMistralAI", "",
                                                f'llm = ChatMistralAI(model="mistral-large-latest", mistral_api_key="{S0}")'])),
        ("langchain-py-multiline", file("app/rag.py", ["from langchain_mistralai import ChatMistralAI", "", "llm = ChatMistralAI(",
                                                        '    model="mistral-small-latest",', "    temperature=0,", f'    mistral_api_key="{S0}",', ")"])),
        ("langchain-py-api-key", file("app/graph.py", ["from langchain_mistralai import ChatMistralAI", f'llm = ChatMistralAI(model="open-mistral-nemo", api_key="{S0}")'])),
        ("langchain-embeddings", file("app/index.py", ["from langchain_mistralai import MistralAIEmbeddings",
                                                        f'embeddings = MistralAIEmbeddings(model="mistral-embed", mistral_api_key="{S0}")'])),
        ("langchain-js", file("src/chain.ts", ['import { ChatMistralAI } from "@langchain/mistralai";',
                                               f'const model = new ChatMistralAI({{ model: "mistral-large-latest", apiKey: "{S0}" }});'])),
        ("curl-bearer", file("scripts/mistral-chat.sh", ["#!/bin/sh", "curl https://api.mistral.ai/v1/chat/completions \\", '  -H "Content-Type: application/json" \\',
                                                         '  -H "Accept: application/json" \\', f'  -H "Authorization: Bearer {S0}" \\',
                                                         '  -d \'{"model": "mistral-small-latest", "messages": [{"role": "user", "content": "Bonjour"}]}\''])),
        ("curl-bearer-first", file("scripts/list-models.sh", ["#!/bin/sh", f'curl -s -H "Authorization: Bearer {S0}" https://api.mistral.ai/v1/models | jq ".data[].id"'])),
        ("curl-location", file("docs/api.md", ["# Calling the API", "", "```bash", "curl --location \"https://api.mistral.ai/v1/chat/completions\" \\",
                                               "     --header 'Content-Type: application/json' \\", f"     --header 'Authorization: Bearer {S0}' \\",
                                               "     --data '{\"model\": \"mistral-large-latest\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}'", "```"])),
        ("curl-codestral", file("scripts/fim.sh", ["curl https://codestral.mistral.ai/v1/fim/completions \\", f'  -H "Authorization: Bearer {S0}" \\',
                                                   '  -H "Content-Type: application/json" \\', '  -d \'{"model": "codestral-latest", "prompt": "def fib(n):"}\''])),
        ("yaml-nested", file("config/llm.yaml", ["mistral:", f"  api_key: {S0}", "  model: mistral-large-latest", "  temperature: 0.2"])),
        ("yaml-nested-quoted", file("config/providers.yml", ["llm:", "  provider: mistral", "  mistral:", "    model: open-mistral-nemo", f'    api_key: "{S0}"'])),
        ("yaml-litellm", file("litellm/config.yaml", ["model_list:", "  - model_name: mistral-large", "    litellm_params:",
                                                      "      model: mistral/mistral-large-latest", f"      api_key: {S0}"])),
        ("json-config", lambda rng: ("config/settings.json", json.dumps({"providers": {"mistral": {"apiKey": S0, "model": "mistral-large-latest"}}, "timeoutMs": 30000}, indent=2) + "\n")),
        ("json-config-snake", lambda rng: ("config/llm.json", json.dumps({"default": "mistral", "mistral": {"api_key": S0, "base_url": "https://api.mistral.ai/v1"}}, indent=4) + "\n")),
        ("json-continue", lambda rng: (".continue/config.json", json.dumps({"models": [{"title": "Codestral", "provider": "mistral", "model": "codestral-latest", "apiKey": S0}]}, indent=2) + "\n")),
        ("json-inline", file("config/inline.json", [f'{{"providers": {{"mistral": {{"apiKey": "{S0}"}}}}}}'])),
        ("compose-list", file("docker-compose.yml", ["services:", "  chat:", "    image: acme/chat:1.4", "    environment:", "      - MISTRAL_MODEL=mistral-small-latest",
                                                     f"      - MISTRAL_API_KEY={S0}"])),
        ("compose-map", file("deploy/docker-compose.yml", ["services:", "  worker:", "    build: .", "    environment:", f"      MISTRAL_API_KEY: {S0}", "      QUEUE: rag"])),
        ("k8s-stringdata", file("k8s/mistral-secret.yaml", ["apiVersion: v1", "kind: Secret", "metadata:", "  name: mistral-credentials", "type: Opaque",
                                                            "stringData:", f'  MISTRAL_API_KEY: "{S0}"'])),
        ("github-actions", file(".github/workflows/eval.yml", ["name: eval", "on: [push]", "jobs:", "  eval:", "    runs-on: ubuntu-latest", "    env:",
                                                               f"      MISTRAL_API_KEY: {S0}", "    steps:", "      - uses: actions/checkout@v4"])),
        ("toml", file("config.toml", ["[server]", "port = 8080", "", "[mistral]", f'api_key = "{S0}"', 'model = "mistral-small-latest"'])),
        ("spring-properties", file("src/main/resources/application.properties", ["spring.application.name=assistant", f"spring.ai.mistralai.api-key={S0}",
                                                                                   "spring.ai.mistralai.chat.options.model=mistral-small-latest"])),
        ("notebook-environ", nb("notebooks/mistral-demo.ipynb", f'os.environ["MISTRAL_API_KEY"] = "{S0}"')),
        ("notebook-client", nb("notebooks/rag.ipynb", f'client = Mistral(api_key="{S0}")')),
        ("notebook-env-magic", nb("notebooks/quickstart.ipynb", f"%env MISTRAL_API_KEY={S0}")),
        ("go-client", file("cmd/chat/main.go", ["package main", "", 'import "github.com/gage-technologies/mistral-go"', "", "func main() {",
                                                f'\tclient := mistral.NewMistralClientDefault("{S0}")', "\t_ = client", "}"])),
        ("java-langchain4j", file("src/main/java/com/acme/Assistant.java", ["ChatLanguageModel model = MistralAiChatModel.builder()", f'        .apiKey("{S0}")',
                                                                              "        .modelName(MistralAiChatModelName.MISTRAL_SMALL_LATEST)", "        .build();"])),
        ("log", file("logs/worker.log", ["2024-06-02T10:11:10Z INFO starting rag-worker", f"2024-06-02T10:11:12Z DEBUG mistralai client init api_key={S0}",
                                          "2024-06-02T10:11:13Z INFO ready"])),
        ("markdown", file("docs/mistral.md", ["# Mistral setup", "", "```bash", f"export MISTRAL_API_KEY={S0}", "```"])),
        ("python-getenv-default", file("app/defaults.py", py_head + [f'client = Mistral(api_key=os.getenv("MISTRAL_API_KEY", "{S0}"))'])),
        ("llamaindex", file("app/query.py", ["from llama_index.llms.mistralai import MistralAI", "",
                                             f'llm = MistralAI(api_key="{S0}", model="mistral-large-latest")'])),
        ("haystack", file("app/pipeline.py", ["from haystack.utils import Secret", "from haystack_integrations.components.generators.mistral import MistralChatGenerator",
                                              f'generator = MistralChatGenerator(api_key=Secret.from_token("{S0}"), model="mistral-small-latest")'])),
        ("vercel-ai-sdk", file("src/ai.ts", ['import { createMistral } from "@ai-sdk/mistral";', f"const mistral = createMistral({{ apiKey: '{S0}' }});"])),
        ("docker-run", file("scripts/run.sh", ["#!/bin/sh", f"docker run --rm -p 8080:8080 -e MISTRAL_API_KEY={S0} acme/chat:1.4"])),
        ("kubectl-secret", file("scripts/k8s-secret.sh", [f"kubectl -n prod create secret generic mistral --from-literal=MISTRAL_API_KEY={S0}"])),
        ("gh-secret", file("scripts/ci-secrets.sh", [f'gh secret set MISTRAL_API_KEY --body "{S0}" --repo acme/chat'])),
        ("terraform", file("infra/variables.tf", ['variable "mistral_api_key" {', "  type      = string", "  sensitive = true",
                                                  f'  default   = "{S0}"', "}"])),
        ("helm-values", file("deploy/values.yaml", ["replicaCount: 2", "mistral:", "  enabled: true", f"  apiKey: {S0}", "  model: mistral-small-latest"])),
        ("python-dict", file("app/providers.py", [f'PROVIDERS = {{"openai": None, "mistral": {{"api_key": "{S0}", "model": "mistral-large-latest"}}}}'])),
    ]


# ----------------------------------------------------------------------------------------------------------
# Hard negatives
# ----------------------------------------------------------------------------------------------------------

ALNUM = string.ascii_letters + string.digits


def rhex(rng, n):
    return "".join(rng.choice(HEX_LOWER) for _ in range(n))


def ralnum(rng, n):
    while True:
        s = "".join(rng.choice(ALNUM) for _ in range(n))
        if not is_hex(s):
            return s


def ruuid(rng):
    h = rhex(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


PLACEHOLDERS = ["your-api-key-here", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "<{N}>", "${{{N}}}", 'os.environ["{N}"]', "process.env.{N}",
                "changeme", "REPLACE_ME", "<your-token>", "${{{{ secrets.{N} }}}}", "{{{{ .Values.{n} }}}}", "**********", "your_api_key"]


def build_negatives(corpus: Corpus, rs: RuleSet, rng: random.Random, templates: dict[str, list[Template]]) -> None:
    # hashes, labelled like credentials
    lines = []
    for _ in range(40):
        k = rng.randrange(9)
        md5, sha1, sha256 = rhex(rng, 32), rhex(rng, 40), rhex(rng, 64)
        lines.append([f"token={md5}", f"id={sha1}", f"checksum={sha256}", f"{sha256}  dist/app-2.3.1.tar.gz",
                      f'ETag: "{md5}"', f'"content_hash": "{sha256}",', f"MD5 (build/app.zip) = {md5}",
                      f"cache_key: {sha1}", f"sha1sum={sha1}"][k])
    corpus.add_negative("negatives/hashes/checksums.txt", "\n".join(lines) + "\n", "hashes", len(lines))
    cargo = []
    for _ in range(12):
        name = rng.choice(["serde", "tokio", "regex", "anyhow", "rand", "clap", "hyper", "bytes"]) + rng.choice(["", "_derive", "-util"])
        cargo += ["[[package]]", f'name = "{name}"', f'version = "1.{rng.randint(0, 40)}.{rng.randint(0, 9)}"',
                  'source = "registry+https://github.com/rust-lang/crates.io-index"', f'checksum = "{rhex(rng, 64)}"', ""]
    corpus.add_negative("negatives/hashes/Cargo.lock", "\n".join(cargo), "hashes", 12)
    gosum = []
    for _ in range(15):
        mod = f"github.com/{rng.choice(['acme', 'spf13', 'stretchr', 'google'])}/{rng.choice(['cobra', 'testify', 'uuid', 'pflag'])}"
        h1 = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(32))).decode()
        gosum.append(f"{mod} v1.{rng.randint(0, 9)}.{rng.randint(0, 9)} h1:{h1}")
    corpus.add_negative("negatives/hashes/go.sum", "\n".join(gosum) + "\n", "hashes", len(gosum))

    # git commit ids
    glog = []
    for _ in range(12):
        glog += [f"commit {rhex(rng, 40)}", "Author: Dana Lee <dana@acme.io>", "Date:   Tue May 14 10:02:11 2024 +0200", "",
                 f"    {rng.choice(['Fix flaky test', 'Bump deps', 'Add retry to token refresh', 'Rotate keys via vault'])}", ""]
    glog.append(f"Merge: {rhex(rng, 7)} {rhex(rng, 7)}")
    corpus.add_negative("negatives/git/log.txt", "\n".join(glog) + "\n", "git commit ids", 13)
    refs = [f"{rhex(rng, 40)} refs/heads/{b}" for b in ["main", "release/2.3", "feature/token-refresh", "hotfix/secret-rotation"]]
    refs += [f'git checkout {rhex(rng, 40)}', f'  "sha": "{rhex(rng, 40)}",', f"revision: {rhex(rng, 40)}",
             f"  rev: {rhex(rng, 40)}  # pinned", f"GIT_COMMIT={rhex(rng, 40)}"]
    corpus.add_negative("negatives/git/refs.txt", "\n".join(refs) + "\n", "git commit ids", len(refs))

    # UUIDs
    ulines = [rng.choice(["id: {u}", '"request_id": "{u}",', "correlation-id={u}", "tenant_id = \"{u}\"", "X-Request-ID: {u}",
                          "job {u} completed", "api_key: {u}", "session: {u}"]).format(u=ruuid(rng)) for _ in range(30)]
    corpus.add_negative("negatives/uuids/ids.txt", "\n".join(ulines) + "\n", "uuids", len(ulines))

    # Mistral hard negatives
    mlines = [
        'model = "mistral-large-latest"', 'MISTRAL_MODEL=codestral-2501', '"model": "open-mistral-nemo",', "model: ministral-8b-latest",
        'vision_model = "pixtral-12b-2409"', 'EMBED_MODEL = "mistral-embed"', 'model="ft:open-mistral-7b:587a6b29:20240514:7e773925"',
        "agent_id = 'ag:3996db2b:20240805:french-agent:a8997aab'", "MISTRAL_API_KEY=your-api-key-here", "MISTRAL_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "mistral_api_key: <MISTRAL_API_KEY>", "MISTRAL_API_KEY=${MISTRAL_API_KEY}", 'client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])',
        "const client = new Mistral({ apiKey: process.env.MISTRAL_API_KEY });", "MISTRAL_API_KEY=changeme", 'api_key = os.getenv("MISTRAL_API_KEY")',
        'curl -H "Authorization: Bearer $MISTRAL_API_KEY" https://api.mistral.ai/v1/models',
        "llm = ChatMistralAI(model=\"mistral-large-latest\")  # reads MISTRAL_API_KEY",
        "repo: mistralai/Mistral-7B-Instruct-v0.3", f"revision: {rhex(rng, 40)}  # mistralai/Mistral-7B-v0.1",
        'api_key = getpass.getpass("Mistral API key: ")', 'headers = {"Authorization": f"Bearer {MISTRAL_API_KEY}"}',
        "ollama run mistral:7b-instruct-v0.3-q4_K_M", 'tokenizer = MistralTokenizer.from_file("tekken.json")',
        "mistral_api_key: ${{ secrets.MISTRAL_API_KEY }}", "MISTRAL_API_KEY: {{ .Values.mistral.apiKey | quote }}",
        f'{{"id": "{ruuid(rng)}", "object": "file", "purpose": "fine-tune", "filename": "mistral-train.jsonl"}}',
        f'"fine_tuned_model": "ft:open-mistral-7b:{rhex(rng, 8)}:20240514:{rhex(rng, 8)}",',
        f"mistral-7b-v0.1.safetensors sha256: {rhex(rng, 64)}", f"mistral token checksum: {rhex(rng, 32)}",
    ]
    for _ in range(8):
        mlines.append(json.dumps({"object": "error", "message": "Unauthorized", "type": "invalid_request_error", "request_id": rhex(rng, 32)}) + "  # mistral")
    for _ in range(8):
        mlines.append(f"mistral:\n  api_key: {ruuid(rng)}")
    for _ in range(10):
        mlines.append(rng.choice(["{ts} INFO mistral batch {a} finished", "{ts} INFO mistral job {a} status=SUCCESS",
                                  "{ts} DEBUG mistral chat ok prompt_tokens=12 completion_tokens=80 total_tokens=92 batch={a}",
                                  "{ts} INFO mistral usage total_tokens=431 trace_id={h}", "{ts} INFO codestral fim request id={a} latency=212ms",
                                  "{ts} WARN mistral rate limited, retry_after=2 request={a}"]).format(ts=ts_now(rng), a=ralnum(rng, 32), h=rhex(rng, 32)))
    corpus.add_negative("negatives/mistral/hard-negatives.txt", "\n".join(mlines) + "\n", "mistral near-misses", len(mlines))
    err = json.dumps({"object": "error", "message": "Invalid model: mistral-large-2", "type": "invalid_model", "param": None,
                      "code": "1500", "request_id": rhex(rng, 32)}, indent=2)
    corpus.add_negative("negatives/mistral/error-response.json", err + "\n", "mistral near-misses", 1)

    # lockfiles
    pkgs = {}
    yarn = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""]
    for _ in range(25):
        name = rng.choice(["lodash", "react", "express", "axios", "chalk", "debug", "ms", "semver", "zod", "uuid", "tslib", "ws"]) + rng.choice(["", "-utils", "-core"])
        ver = f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"
        integ = "sha512-" + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(64))).decode()
        pkgs[f"node_modules/{name}"] = {"version": ver, "resolved": f"https://registry.npmjs.org/{name}/-/{name}-{ver}.tgz", "integrity": integ}
        yarn += [f'{name}@^{ver}:', f'  version "{ver}"', f'  resolved "https://registry.yarnpkg.com/{name}/-/{name}-{ver}.tgz#{rhex(rng, 40)}"', f"  integrity {integ}", ""]
    lock = {"name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": True, "packages": pkgs}
    corpus.add_negative("negatives/lockfiles/package-lock.json", json.dumps(lock, indent=2) + "\n", "lockfile integrity", len(pkgs))
    corpus.add_negative("negatives/lockfiles/yarn.lock", "\n".join(yarn), "lockfile integrity", 25)

    # data: URLs
    html = ["<!doctype html>", "<html><body>"]
    css = []
    for i in range(6):
        blob = b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(rng.randint(2048, 4096)))
        b64 = base64.b64encode(blob).decode()
        html.append(f'<img alt="icon {i}" src="data:image/png;base64,{b64}">')
        css.append(f".icon-{i} {{ background-image: url(data:image/png;base64,{b64}); }}")
    html.append("</body></html>")
    corpus.add_negative("negatives/data-urls/icons.html", "\n".join(html) + "\n", "data: URLs", 6)
    corpus.add_negative("negatives/data-urls/icons.css", "\n".join(css) + "\n", "data: URLs", 6)

    # minified JS
    def ident():
        return rng.choice(["", "_", "$"]) + "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(1, 3))) + \
            "".join(rng.choice(ALNUM) for _ in range(rng.randint(0, 10)))
    js = []
    for _ in range(6):
        parts = []
        while sum(map(len, parts)) < 3000:
            a, b, c = ident(), ident(), ident()
            parts.append(rng.choice([f"var {a}={b}({c},{rng.randint(0, 999)});", f"function {a}({b},{c}){{return {b}.{ident()}({c})||{rng.randint(0, 9)}}}",
                                     f"{a}.prototype.{b}=function(){{this.{c}=null}};", f'"{ident()}"in {a}&&({b}={a}["{ident()}"]);',
                                     f'{a}("{rhex(rng, 8)}")', f'import("./chunks/{ident()}.{rhex(rng, 8)}.js").then({a});',
                                     f'{a}["{ident()}{ident()}{ident()}"]={b};']))
        js.append("".join(parts))
    corpus.add_negative("negatives/minified/app.min.js", "\n".join(js) + "\n", "minified JS", len(js))

    # placeholders in the wording of every rule that has an assignment example
    plines = []
    for rid in sorted(templates):
        for t in templates[rid][:1]:
            if t.name and ENV_NAME_RE.match(t.name) and CRED_NAME_RE.search(t.name):
                ph = rng.choice(PLACEHOLDERS).replace("{N}", t.name).replace("{n}", t.name.lower())
                plines.append(f"{t.name}={ph}")
    plines += ["aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
               "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "OPENAI_API_KEY=sk-...", "password: changeme",
               "DATABASE_URL=postgres://user:changeme@localhost:5432/app", "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"]
    for i in range(0, len(plines), 25):  # keep files small so keyword windows do not span unrelated lines
        corpus.add_negative(f"negatives/placeholders/env-{i // 25:02d}.env", "\n".join(plines[i:i + 25]) + "\n", "placeholders", len(plines[i:i + 25]))

    # credential-named code and config whose values are not secrets
    clines = [
        'const TOKEN_STORAGE_KEY = "auth_token";', 'API_KEY_HEADER = "X-API-Key"', 'SECRET_KEY_ENV = "DJANGO_SECRET_KEY"',
        'password_field = "password_confirmation"', 'TOKEN_URL = "https://oauth2.googleapis.com/token"', 'api_key_prefix = "sk-proj-"',
        "def rotate_token(token: str) -> str:", "    password = getpass.getpass()", 'token = request.headers.get("X-Auth-Token")',
        "password_hash VARCHAR(255) NOT NULL,", '"token_expired": "Your session has expired, please sign in again",',
        '<input type="password" name="password" autocomplete="current-password">', "password = var.db_password",
        "aws_secret_access_key = data.vault_generic_secret.aws.data[\"secret_key\"]", "          secretKeyRef: {name: api-secrets, key: api-key}",
        "api_key: !vault |", "client_secret = settings.OAUTH_CLIENT_SECRET", "export GITHUB_TOKEN=$(gh auth token)",
        'secret_name = "prod/checkout/stripe"', "token_type: bearer", "access_token_ttl: 3600", "password_min_length: 12",
        'ACCESS_KEY_ID_PARAM = "/prod/aws/access-key-id"', "jwt_secret_file: /run/secrets/jwt_secret", "private_key_path: ~/.ssh/id_ed25519",
        'auth = ("api", os.environ["MAILGUN_API_KEY"])', "this.apiKey = config.get<string>('apiKey');", "let token = await getAccessToken(scopes);",
        'spring.datasource.password=${DB_PASSWORD}', "  - name: DATABASE_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}",
    ]
    corpus.add_negative("negatives/code/credential-names.txt", "\n".join(clines) + "\n", "credential names, no value", len(clines))

    # random ids in logs without credential context
    llines = []
    for _ in range(40):
        llines.append(rng.choice([
            "{ts} INFO  [http] GET /api/orders 200 trace_id={h} span_id={s}", "{ts} INFO  request_id=req_{a24} status=200 duration=41ms",
            "{ts} DEBUG [worker] job {a} picked from queue orders", "{ts} INFO  [stripe] charge ch_{a24} succeeded for cus_{a14}",
            "{ts} INFO  [upload] stored object {a} ({n} bytes)", "{ts} WARN  [retry] attempt 2 for message {u}",
            "{ts} INFO  [auth] user 4411 logged in from 10.0.3.7 session_started=true", "{ts} INFO  build {h40} deployed to prod",
        ]).format(ts=ts_now(rng), h=rhex(rng, 32), s=rhex(rng, 16), a24=ralnum(rng, 24), a14=ralnum(rng, 14), a=ralnum(rng, 32),
                  n=rng.randint(100, 99999), u=ruuid(rng), h40=rhex(rng, 40)))
    corpus.add_negative("negatives/logs/app.log", "\n".join(llines) + "\n", "ids in logs", len(llines))

    # checksum-failing and test-mode tokens
    bad = []
    for prefix in ["ghp_", "gho_", "ghu_", "ghs_", "npm_"]:
        for _ in range(3):
            body = ralnum(rng, 30)
            good = base62_crc(body)
            wrong = good[:-1] + ("A" if good[-1] != "A" else "B")
            bad.append(f'candidate = "{prefix}{body}{wrong}"  # checksum does not match')
    bad += [f"STRIPE_SECRET_KEY=sk_test_{ralnum(rng, 99)}" for _ in range(3)]
    bad += [f"BRAINTREE_ACCESS_TOKEN=access_token$sandbox${rhex(rng, 16)}${rhex(rng, 32)}" for _ in range(2)]
    corpus.add_negative("negatives/invalid-tokens/tokens.txt", "\n".join(bad) + "\n", "bad checksum / test mode", len(bad))

    # personal-data look-alikes (scanned with --category personal-data)
    if any(r.category == "personal-data" for r in rs.rules):
        pl = []
        for _ in range(8):
            num = "4" + "".join(rng.choice(string.digits) for _ in range(15))
            while luhn_valid(num):
                num = num[:-1] + str((int(num[-1]) + 1) % 10)
            pl.append(rng.choice(["order_number = {n}", "tracking_id: {n}", "INFO shipment {n} dispatched"]).format(n=num))
        for _ in range(5):
            iban = fix_iban("DE00" + "".join(rng.choice(string.digits) for _ in range(18)))
            bad_iban = iban[:2] + f"{(int(iban[2:4]) + 1) % 100:02d}" + iban[4:]
            pl.append(f"reference: {bad_iban}")
        for area in ("000", "666", "912"):
            pl.append(f"ssn_placeholder = {area}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}")
        pl += ['"version": "4.17.21"', "pip install requests==2.31.0", "npm i @types/node@20.11.5", "snmp oid 1.3.6.1.4.1.2021.10.1.3.1",
               f"commit {rhex(rng, 40)}", f"released on 2024-05-14 at 10:14:07 build {rng.randint(1000, 9999)}", f"uuid: {ruuid(rng)}"]
        corpus.add_negative("personal-data/negatives/look-alikes.txt", "\n".join(pl) + "\n", "personal-data look-alikes", len(pl))

    # every rule's own negative examples, one file per rule (keyword windows must not mix rules)
    for rule in rs.rules:
        if not rule.negatives:
            continue
        top = "personal-data/negatives/rule-examples" if rule.category == "personal-data" else "negatives/rule-examples"
        corpus.add_negative(f"{top}/{rule.family}/{rule.id}.txt", "\n\n".join(rule.negatives) + "\n", "rule negative examples", len(rule.negatives))


# ----------------------------------------------------------------------------------------------------------
# Planting
# ----------------------------------------------------------------------------------------------------------

def is_standalone(rule: Rule, factory: SecretFactory, secret: str) -> bool:
    if rule.keywords or rule.pyre is None:
        return False
    t = Template(f"value {S0} end", secret)
    return factory.valid_in(rule, t, secret)


def plant_rules(corpus: Corpus, rs: RuleSet, seed: int, per_rule: int, skipped: list[str],
                templates_out: dict[str, list[Template]], bundle_pool: list) -> None:
    factory = SecretFactory(rs)
    regex_count = collections.Counter(r.regex for r in rs.rules)
    for rule in rs.rules:
        rng = random.Random(f"{seed}:{rule.id}")
        tmpls = templates_for(rule)
        templates_out[rule.id] = tmpls
        if not tmpls:
            skipped.append(f"{rule.id} (no example the regex matches in Python)")
            continue
        if rule.family == MISTRAL_FAMILY:
            continue  # planted by plant_mistral
        top = "personal-data" if rule.category == "personal-data" else rule.family
        used: set[str] = set()
        standalone = None
        made = 0
        options: dict[int, list[tuple[str, str]]] = {}
        pii = rule.category == "personal-data"
        for ti, t in enumerate(tmpls):
            opts = [("verbatim", "native"), ("verbatim", "markdown")]
            if not t.multiline and guess_lang(t.text.replace(S0, "x")) in ("py", "sh"):
                opts.append(("verbatim", "notebook"))
            if pii:
                opts += [("pii", k) for k in PII_CONTAINERS]
            else:
                opts += [("assign", k) for k in assign_containers(t)]
            rng.shuffle(opts)
            options[ti] = opts
        for i in range(per_rule):
            ti = i % len(tmpls)
            t = tmpls[ti]
            secret = factory.make(rule, t, rng, used)
            if secret is None:
                continue
            if standalone is None:
                standalone = not pii and is_standalone(rule, factory, secret)
                if standalone:
                    for opts in options.values():
                        opts += [("standalone", k) for k in ("curl", "log-header", "json-token")]
                        rng.shuffle(opts)
            opts = options[ti]
            how, kind = opts[(i // len(tmpls)) % len(opts)]
            base = f"{top}/{rule.id}/{i + 1:02d}"
            if how == "assign":
                path, text, crlf = build_assign(kind, t, rng, base)
            elif how == "pii":
                path, text, crlf = build_pii(kind, pii_field(rule), rng, base)
            elif how == "standalone":
                path, text, crlf = build_standalone(kind, rng, base)
            else:
                path, text, crlf = build_verbatim(kind, t.text, rng, base)
            extras = [(rule, v, f"{how}:{kind}:example-value") for v in t.extras]
            corpus.add(path, text, [(rule, secret, f"{how}:{kind}")] + extras, crlf=crlf)
            made += 1
        if made == 0:
            skipped.append(f"{rule.id} (no fresh secret passes the rule's regex and checks)")
            continue
        # candidates for mixed files: a named assignment, no keyword gate, a shape no other rule shares
        if rule.category != "personal-data" and not rule.keywords and regex_count[rule.regex] == 1 and not rule.fallback:
            named = [t for t in tmpls if t.name and ENV_NAME_RE.match(t.name) and CRED_NAME_RE.search(t.name)]
            if named:
                bundle_pool.append((rule, named[0]))


def plant_mistral(corpus: Corpus, rs: RuleSet, seed: int, count: int, skipped: list[str]) -> list[str]:
    rules = [r for r in rs.rules if r.family == MISTRAL_FAMILY]
    if not rules:
        return []
    rule = rules[0]
    rng = random.Random(f"{seed}:mistral-contexts")
    factory = SecretFactory(rs)
    tmpl = next(iter(templates_for(rule)), None)
    if tmpl is None:
        skipped.append(f"{rule.id} (no usable example)")
        return []
    ctx = mistral_contexts()
    n = max(count, len(ctx))
    used: set[str] = set()
    names = []
    for i in range(n):
        name, builder = ctx[i % len(ctx)]
        secret = factory.make(rule, tmpl, rng, used)
        if secret is None:
            continue
        path, text = builder(rng)
        corpus.add(f"mistral/{name}/{i // len(ctx) + 1:02d}/{path}", text, [(rule, secret, f"mistral:{name}")])
        names.append(name)
    return sorted(set(names))


def plant_bundles(corpus: Corpus, rs: RuleSet, seed: int, n: int, pool: list) -> None:
    """Mixed files: several providers' keys side by side, as in a real .env or Kubernetes secret."""
    if not pool or n <= 0:
        return
    rng = random.Random(f"{seed}:bundles")
    factory = SecretFactory(rs)
    mistral = next((r for r in rs.rules if r.family == MISTRAL_FAMILY), None)
    mistral_t = next(iter(templates_for(mistral)), None) if mistral else None
    ai_fams = {"ai-providers", "openai", "anthropic"}
    ai_pool = [p for p in pool if p[0].family in ai_fams]
    # keys that look like a Mistral key, or end like one: 32 letters and digits
    near = [p for p in pool if re.search(r"(?:^|[^A-Za-z0-9])[A-Za-z0-9]{32}$", p[1].example_secret)]
    used: set[str] = set()
    for b in range(n):
        with_mistral = mistral_t is not None and b % 2 == 0
        if with_mistral:
            members = rng.sample(ai_pool, min(len(ai_pool), rng.randint(2, 4)))
            members += rng.sample(near, min(len(near), 1)) + rng.sample(pool, min(len(pool), rng.randint(1, 2)))
            members = list({m[0].id: m for m in members}.values())
        else:
            members = rng.sample(pool, min(len(pool), rng.randint(4, 7)))
        entries = []
        for rule, t in members:
            s = factory.make(rule, t, rng, used)
            if s is not None:
                entries.append((rule, s, t.name))
        if with_mistral:
            s = factory.make(mistral, mistral_t, rng, used)
            if s is not None:
                entries.insert(rng.randrange(len(entries) + 1), (mistral, s, "MISTRAL_API_KEY"))
        if not entries:
            continue
        kind = ["env", "k8s", "compose", "env"][b % 4]
        secrets = [(r, s, f"bundle:{kind}") for r, s, _ in entries]
        if kind == "env":
            lines = pick(rng, ENV_FILLER, 1, 4)
            for i, (_, _, name) in enumerate(entries):
                lines.append(f"{name}={PH.format(i)}")
                if rng.random() < 0.3:
                    lines.append(rng.choice(ENV_FILLER))
            path, text = f"bundles/stack-{b + 1:02d}/.env", "\n".join(lines) + "\n"
        elif kind == "k8s":
            lines = ["apiVersion: v1", "kind: Secret", "metadata:", "  name: app-env", "type: Opaque", "stringData:"]
            lines += [f'  {name}: "{PH.format(i)}"' for i, (_, _, name) in enumerate(entries)]
            path, text = f"bundles/stack-{b + 1:02d}/k8s/secret.yaml", "\n".join(lines) + "\n"
        else:
            lines = ["services:", "  app:", "    image: acme/app:3.1", "    environment:"]
            lines += [f"      - {name}={PH.format(i)}" for i, (_, _, name) in enumerate(entries)]
            path, text = f"bundles/stack-{b + 1:02d}/docker-compose.yml", "\n".join(lines) + "\n"
        corpus.add(path, text, secrets)


# ----------------------------------------------------------------------------------------------------------
# Scanning and scoring
# ----------------------------------------------------------------------------------------------------------


def run_keyward(keyward: str, target: Path, extra_rules: list[str], category: str | None) -> list[dict]:
    cmd = [keyward, "scan", ".", "--format", "json", "--no-redact", "--no-ignore", "-j", "2"]
    for r in extra_rules:
        cmd += ["--rules", str(Path(r).resolve())]
    if category:
        cmd += ["--category", category]
    try:
        proc = subprocess.run(cmd, cwd=target, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise UsageError(f"cannot run {keyward}: {e}") from e
    if proc.returncode not in (0, 1):
        raise UsageError(f"keyward exited with {proc.returncode}: {proc.stderr.strip()[:2000]}")
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        raise UsageError(f"keyward printed invalid JSON: {e}") from e
    findings = report.get("findings", [])
    for f in findings:
        p = f.get("path", "")
        if os.path.isabs(p):
            p = os.path.relpath(p, target)
        f["path"] = p[2:] if p.startswith("./") else p
    return findings


def keyward_families(keyward: str, extra_rules: list[str]) -> dict[str, str]:
    cmd = [keyward, "rules", "list", "--format", "json", "--category", "all"]
    for r in extra_rules:
        cmd += ["--rules", str(Path(r).resolve())]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        data = json.loads(proc.stdout) if proc.returncode == 0 else []
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        data = []
    rules = data if isinstance(data, list) else data.get("rules", [])
    return {r["id"]: Path(r.get("source", "unknown")).stem for r in rules if "id" in r}


def redact(secret: str) -> str:
    return (secret[:4] + "…") if len(secret) > 4 else secret


def pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:6.1f}%" if den else "     -"


def score(corpus: Corpus, findings: list[dict], fam_of: dict[str, str]):
    gt = collections.defaultdict(list)
    for p in corpus.plants:
        gt[(p.path, p.line)].append(p)
    fams = sorted({p.family for p in corpus.plants} | {fam_of.get(f["rule_id"], "unknown") for f in findings})
    stats = {f: collections.Counter() for f in fams}
    fps = []
    for p in corpus.plants:
        stats[p.family]["planted"] += 1
    for f in findings:
        fam = fam_of.get(f["rule_id"], "unknown")
        stats[fam]["findings"] += 1
        hit = None
        for p in gt.get((f["path"], f["line"]), []):
            if p.secret == f.get("secret"):
                hit = p
                break
        if hit is not None and hit.family == fam:
            stats[fam]["tp"] += 1
            hit.found_by.append(f["rule_id"])
        else:
            stats[fam]["fp"] += 1
            why = f"planted for {hit.rule}" if hit is not None else \
                ("negative file" if f["path"] in corpus.negative_files else "not a planted secret")
            fps.append((fam, f, why))
    for p in corpus.plants:
        if p.found_by:
            stats[p.family]["found"] += 1
    return fams, stats, fps


def print_report(corpus, fams, stats, fps, skipped, mistral_ctx, elapsed, args, out=sys.stdout) -> tuple[float, float, dict]:
    w = max([len(f) for f in fams] + [12])
    head = f"{'family':<{w}} {'planted':>8} {'found':>7} {'recall':>8} {'findings':>9} {'fp':>5} {'precision':>10}"
    print(head, file=out)
    print("-" * len(head), file=out)
    tot = collections.Counter()
    for fam in fams:
        s = stats[fam]
        tot.update(s)
        print(f"{fam:<{w}} {s['planted']:>8} {s['found']:>7} {pct(s['found'], s['planted']):>8} {s['findings']:>9} {s['fp']:>5} "
              f"{pct(s['tp'], s['findings']):>10}", file=out)
    print("-" * len(head), file=out)
    print(f"{'OVERALL':<{w}} {tot['planted']:>8} {tot['found']:>7} {pct(tot['found'], tot['planted']):>8} {tot['findings']:>9} "
          f"{tot['fp']:>5} {pct(tot['tp'], tot['findings']):>10}", file=out)
    m = stats.get(MISTRAL_FAMILY, collections.Counter())
    print(f"{'MISTRAL':<{w}} {m['planted']:>8} {m['found']:>7} {pct(m['found'], m['planted']):>8} {m['findings']:>9} "
          f"{m['fp']:>5} {pct(m['tp'], m['findings']):>10}", file=out)
    neg_total = sum(corpus.negatives.values())
    print(f"\nnegatives: {neg_total} items in {len(corpus.negative_files)} files ("
          + ", ".join(f"{k} {v}" for k, v in sorted(corpus.negatives.items())) + ")", file=out)
    rules_planted = len({p.rule for p in corpus.plants})
    print(f"corpus: {len(corpus.files)} files, {sum(len(t) for t in corpus.files.values())} bytes, {len(corpus.plants)} planted secrets "
          f"from {rules_planted} rules, seed {args.seed}, {args.per_rule} per rule; scan {elapsed:.2f} s", file=out)
    if mistral_ctx:
        print(f"mistral contexts ({len(mistral_ctx)}): {', '.join(mistral_ctx)}", file=out)
    if skipped:
        print(f"rules without plants ({len(skipped)}): " + "; ".join(skipped), file=out)

    misses = [p for p in corpus.plants if not p.found_by]
    misses.sort(key=lambda p: (p.family != MISTRAL_FAMILY, p.family, p.rule, p.path))
    if misses:
        by_rule = collections.Counter(p.rule for p in misses)
        print(f"\nmisses: {len(misses)} (" + ", ".join(f"{r} {c}" for r, c in by_rule.most_common(12)) + ")", file=out)
        for p in misses[:20]:
            print(f"  {p.path}:{p.line}  {p.rule}  {redact(p.secret)}  [{p.container}]", file=out)
    if fps:
        fps = sorted(fps, key=lambda x: (x[0] != MISTRAL_FAMILY, x[0], x[1]["rule_id"], x[1]["path"], x[1]["line"]))
        by_rule = collections.Counter(f["rule_id"] for _, f, _ in fps)
        print(f"\nfalse positives: {len(fps)} (" + ", ".join(f"{r} {c}" for r, c in by_rule.most_common(12)) + ")", file=out)
        for fam, f, why in fps[:20]:
            print(f"  {f['path']}:{f['line']}  {f['rule_id']}  {redact(f.get('secret', ''))}  ({why})", file=out)
    recall = tot["found"] / tot["planted"] if tot["planted"] else 0.0
    precision = tot["tp"] / tot["findings"] if tot["findings"] else 1.0
    return recall, precision, m


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--per-rule", type=int, default=5, help="planted secrets per rule (default 5)")
    ap.add_argument("--mistral", type=int, default=60, help="planted Mistral keys, at least one per context (default 60)")
    ap.add_argument("--bundles", type=int, default=24, help="mixed multi-provider files (default 24)")
    ap.add_argument("--keyward", default=DEFAULT_KEYWARD, help=f"keyward binary (default {DEFAULT_KEYWARD})")
    ap.add_argument("--rules-dir", default=str(REPO / "rules"), help="rule files the corpus is generated from")
    ap.add_argument("--rules", action="append", default=[], metavar="FILE",
                    help="extra rule file passed to keyward scan --rules (repeatable), to try an edited rule file without a rebuild")
    ap.add_argument("--rules-from-disk", action="store_true",
                    help="pass every rule file of --rules-dir to keyward with --rules, so edits count without a rebuild")
    ap.add_argument("--min-recall", type=float, default=0.98)
    ap.add_argument("--min-precision", type=float, default=0.98)
    ap.add_argument("--keep", action="store_true", help="keep the corpus directory and print where it is")
    ap.add_argument("--json", metavar="FILE", help="also write per-family numbers, misses and false positives as JSON")
    try:
        args = ap.parse_args(argv)
        args.keyward = os.path.abspath(args.keyward)
    except SystemExit as e:
        return 2 if e.code else 0
    if args.per_rule < 1 or args.mistral < 1:
        print("score.py: --per-rule and --mistral must be at least 1", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="keyward-corpus-"))
    try:
        rs = load_rules(Path(args.rules_dir))
        if args.rules_from_disk:
            args.rules = [str(p) for p in sorted(Path(args.rules_dir).glob("*.toml"))] + args.rules
        corpus = Corpus(tmp / "corpus")
        skipped: list[str] = []
        templates: dict[str, list[Template]] = {}
        pool: list = []
        plant_rules(corpus, rs, args.seed, args.per_rule, skipped, templates, pool)
        mistral_ctx = plant_mistral(corpus, rs, args.seed, args.mistral, skipped)
        plant_bundles(corpus, rs, args.seed, args.bundles, pool)
        build_negatives(corpus, rs, random.Random(f"{args.seed}:negatives"), templates)
        corpus.write()
        truth = tmp / "ground-truth.jsonl"
        with truth.open("w") as fh:
            for p in corpus.plants:
                fh.write(json.dumps({"path": p.path, "line": p.line, "rule": p.rule, "family": p.family, "secret": p.secret,
                                     "container": p.container}) + "\n")

        fam_of = {r.id: r.family for r in rs.rules}
        for rid, fam in keyward_families(args.keyward, args.rules).items():
            fam_of.setdefault(rid, fam)
        t0 = time.monotonic()
        findings = run_keyward(args.keyward, corpus.root, args.rules, None)
        if any(r.category == "personal-data" for r in rs.rules) and (corpus.root / "personal-data").is_dir():
            pii = run_keyward(args.keyward, corpus.root / "personal-data", args.rules, "personal-data")
            for f in pii:
                f["path"] = f"personal-data/{f['path']}"
            findings += [f for f in pii if f.get("category") == "personal-data"]
        elapsed = time.monotonic() - t0
        fams, stats, fps = score(corpus, findings, fam_of)
        recall, precision, m = print_report(corpus, fams, stats, fps, skipped, mistral_ctx, elapsed, args)
        mistral_ok = m["planted"] > 0 and m["found"] == m["planted"] and m["fp"] == 0
        ok = recall >= args.min_recall and precision >= args.min_precision and mistral_ok
        print(f"\nresult: {'PASS' if ok else 'FAIL'} (recall {recall:.4f} >= {args.min_recall}, precision {precision:.4f} >= "
              f"{args.min_precision}, mistral recall {m['found']}/{m['planted']} with {m['fp']} false positives)")
        if args.json:
            data = {
                "seed": args.seed, "per_rule": args.per_rule, "recall": recall, "precision": precision, "pass": ok,
                "families": {f: dict(stats[f]) for f in fams}, "negatives": dict(corpus.negatives),
                "misses": [{"path": p.path, "line": p.line, "rule": p.rule, "container": p.container} for p in corpus.plants if not p.found_by],
                "false_positives": [{"path": f["path"], "line": f["line"], "rule": f["rule_id"], "why": why} for _, f, why in fps],
                "skipped_rules": skipped,
            }
            Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
        if args.keep:
            print(f"corpus kept in {corpus.root} (ground truth: {truth})")
        return 0 if ok else 1
    except UsageError as e:
        print(f"score.py: error: {e}", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
