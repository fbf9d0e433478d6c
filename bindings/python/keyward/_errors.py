"""The exceptions of the keyward package."""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from keyward._filter import Screening


class KeywardError(Exception):
    """Anything keyward could not do; a request that raises it was not sent."""


class ConfigError(KeywardError):
    """The policy, the config or its rules are bad, or the environment is unknown."""


class InputError(KeywardError, ValueError):
    """What was given cannot be screened: invalid JSON, not UTF-8, over max_input_bytes, compressed or binary."""


class Blocked(KeywardError):
    """A request the policy blocks: raised by the integrations (ScreeningTransport), and nothing was sent.

    `screening` holds why: the findings (rule, JSON pointer) and violations, never the secret itself."""

    def __init__(self, screening: Optional[Screening], message: Optional[str] = None) -> None:
        self.screening = screening
        if message is None and screening is not None:
            reasons = [f"{f.rule} at {f.pointer or '(text)'}" for f in screening.findings if f.action == "block"]
            reasons += [f"{v.limit} at {v.pointer or '(text)'}" for v in screening.violations]
            message = "keyward blocked this request: " + (", ".join(dict.fromkeys(reasons)) or "policy")
        super().__init__(message or "keyward blocked this request")
