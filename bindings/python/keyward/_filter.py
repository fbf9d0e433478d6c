"""keyward.Filter: screens a chat request (or plain text) before it is sent, through libkeyward_c."""
from __future__ import annotations

import ctypes
import json
import os
from dataclasses import dataclass, field
from typing import Any, Literal, Optional, Union

from keyward import _native
from keyward._errors import ConfigError, InputError, KeywardError

Request = Union[dict, list, str, bytes]
InputKind = Literal["auto", "json", "text"]


@dataclass(frozen=True)
class Finding:
    """Something a rule found: which rule, where (an RFC 6901 JSON pointer, "" for plain text), and what the policy
    did with it. Never the text found: `start` and `end` are byte offsets in the decoded string it was in."""

    rule: str
    category: str  # "secret" or "personal-data"
    pointer: str
    action: str  # "block", "redact", "mask" or "allow"
    start: int
    end: int


@dataclass(frozen=True)
class Violation:
    """A request limit the request breaks (model, max_tokens, max_messages, max_text_bytes), the caller's own key
    ("key"), or an internal error; always a block."""

    limit: str
    pointer: str
    message: str


@dataclass(frozen=True)
class Screening:
    """The outcome of Filter.screen.

    verdict: "allowed" (nothing to change), "redacted" (something was replaced) or "blocked".
    request: the screened request, of the type given (a dict for a dict, str for str, bytes for bytes); None
        when blocked, since nothing may be sent.
    body: the screened request as the UTF-8 bytes to send (b"" when blocked).
    audit: the audit record, as `keyward filter --audit-log` writes it (names, pointers, counts; never text)."""

    verdict: str
    request: Any
    body: bytes
    findings: tuple[Finding, ...] = ()
    violations: tuple[Violation, ...] = ()
    audit: dict = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return self.verdict == "blocked"


def _looks_like_json(data: bytes) -> bool:
    stripped = data.lstrip(b" \t\r\n")
    return stripped[:1] in (b"{", b"[")


class Filter:
    """keyward's content filter: every secret and personal-data rule, and a policy saying what to do with each
    finding (block, redact, mask, allow) and what a request may ask for.

    config: a .keyward.toml (or .gitleaks.toml) whose rules and allowlists are added to the built-in ones; its
        [filter] table is the policy unless `policy` is given.
    policy: TOML text holding a [filter] table, or a path (os.PathLike) to a file holding one. Neither: secrets
        block, personal data is redacted.
    env: the [filter.env.NAME] whose request limits apply (default: the policy's default_env).

    A Filter is immutable and may be shared by threads; screening releases the GIL."""

    def __init__(self, config: Optional[Union[str, os.PathLike]] = None,
                 policy: Optional[Union[str, os.PathLike]] = None, env: Optional[str] = None) -> None:
        self._lib = _native.library()
        self._handle = ctypes.c_void_p()
        if isinstance(policy, os.PathLike):
            with open(policy, encoding="utf-8") as f:
                policy = f.read()
        policy_bytes = policy.encode() if policy is not None else None
        env_bytes = env.encode() if env else None
        if config is not None:
            status = self._lib.kw_filter_new_with_config(os.fsencode(config), policy_bytes, env_bytes,
                                                         ctypes.byref(self._handle))
        else:
            status = self._lib.kw_filter_new(policy_bytes, env_bytes, ctypes.byref(self._handle))
        if status != _native.KW_OK:
            message = _native.last_error(self._lib)
            self._handle = ctypes.c_void_p()
            raise (ConfigError if status == _native.KW_ERROR_CONFIG else KeywardError)(message)

    def screen(self, request: Request, *, caller_key: Optional[str] = None,
               input: InputKind = "auto") -> Screening:
        """Screens a request: a dict (or list) is a JSON request body; bytes and str are a JSON request when they
        start with '{' or '[' (or when input="json"), else plain text (input="text" forces it).

        caller_key: the caller's own API key (from the request's Authorization header): anywhere in the request,
        it blocks whatever the policy says.

        Raises InputError when the input cannot be screened (invalid JSON, not UTF-8, too large)."""
        if self._handle.value is None:
            raise KeywardError("this Filter is closed")
        if isinstance(request, (dict, list)):
            data, kind, as_json = json.dumps(request, ensure_ascii=False).encode("utf-8"), dict, True
        elif isinstance(request, str):
            data, kind = request.encode("utf-8", "surrogatepass"), str
            as_json = input == "json" or (input == "auto" and _looks_like_json(data))
        elif isinstance(request, (bytes, bytearray, memoryview)):
            data, kind = bytes(request), bytes
            as_json = input == "json" or (input == "auto" and _looks_like_json(data))
        else:
            raise TypeError(f"keyward: cannot screen a {type(request).__name__}: give a dict, str or bytes")
        return self._screen(data, as_json, kind, caller_key)

    def _screen(self, data: bytes, as_json: bool, kind: type, caller_key: Optional[str]) -> Screening:
        lib = self._lib
        result = ctypes.c_void_p()
        key = caller_key.encode("utf-8") if caller_key else b""
        function = lib.kw_filter_screen_request_key if as_json else lib.kw_filter_screen_key
        status = function(self._handle, data, len(data), key, len(key), ctypes.byref(result))
        if status != _native.KW_OK:
            message = _native.last_error(lib)
            raise (InputError if status == _native.KW_ERROR_INPUT else KeywardError)(message)
        try:
            verdict = _native.VERDICTS.get(lib.kw_result_verdict(result), "blocked")
            text, size = ctypes.c_void_p(), ctypes.c_size_t()
            if lib.kw_result_text(result, ctypes.byref(text), ctypes.byref(size)) != _native.KW_OK:
                raise KeywardError(_native.last_error(lib))
            body = ctypes.string_at(text, size.value) if size.value else b""
            findings_json, audit_json = ctypes.c_void_p(), ctypes.c_void_p()
            if lib.kw_result_findings_json(result, ctypes.byref(findings_json)) != _native.KW_OK:
                raise KeywardError(_native.last_error(lib))
            report = json.loads(_native.take_string(lib, findings_json))
            if lib.kw_result_audit_json(result, ctypes.byref(audit_json)) != _native.KW_OK:
                raise KeywardError(_native.last_error(lib))
            audit = json.loads(_native.take_string(lib, audit_json))
        finally:
            lib.kw_result_free(result)
        blocked = verdict == "blocked"
        if blocked:
            screened: Any = None
        elif kind is dict:
            screened = json.loads(body)
        elif kind is str:
            screened = body.decode("utf-8")
        else:
            screened = body
        return Screening(
            verdict=verdict,
            request=screened,
            body=body,
            findings=tuple(Finding(rule=f["rule"], category=f["category"], pointer=f["pointer"],
                                   action=f["action"], start=f["start"], end=f["end"]) for f in report["findings"]),
            violations=tuple(Violation(limit=v["limit"], pointer=v["pointer"], message=v["message"])
                             for v in report["violations"]),
            audit=audit,
        )

    def close(self) -> None:
        """Frees the native filter (also done when the Filter is garbage-collected)."""
        if self._handle.value is not None:
            self._lib.kw_filter_free(self._handle)
            self._handle = ctypes.c_void_p()

    def __enter__(self) -> Filter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle is not None and handle.value is not None:
            self.close()
