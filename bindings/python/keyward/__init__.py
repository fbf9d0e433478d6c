"""keyward for Python: screen chat requests for secrets and personal data before they are sent to an LLM API.

    import keyward
    screening = keyward.Filter().screen({"model": "mistral-small-latest", "messages": [...]})
    screening.verdict    # "allowed", "redacted" or "blocked"
    screening.request    # the request to send (None when blocked)
    screening.findings   # rule, JSON pointer, action; never the secret

    # Every request an httpx client sends (the Mistral SDK's, an OpenAI-compatible client's), screened:
    client = httpx.Client(transport=keyward.ScreeningTransport(httpx.HTTPTransport()))

A pure-Python package over libkeyward_c (ctypes); see keyward._native for where the library is looked for. The
transports need httpx; the rest does not."""
from __future__ import annotations

from typing import Any

from keyward._errors import Blocked, ConfigError, InputError, KeywardError
from keyward._filter import Filter, Finding, Screening, Violation

__version__ = "0.1.0"

__all__ = [
    "AsyncScreeningTransport",
    "Blocked",
    "ConfigError",
    "Filter",
    "Finding",
    "InputError",
    "KeywardError",
    "Screening",
    "ScreeningTransport",
    "Violation",
    "library_version",
]


def library_version() -> str:
    """The version of the libkeyward_c in use."""
    from keyward import _native

    return _native.library().kw_version().decode()


def __getattr__(name: str) -> Any:
    # The transports import httpx: only when they are asked for.
    if name in ("ScreeningTransport", "AsyncScreeningTransport"):
        from keyward import _transport

        return getattr(_transport, name)
    raise AttributeError(f"module 'keyward' has no attribute {name!r}")
