"""httpx transports that screen every request body before it is sent: how the Mistral Python SDK and
OpenAI-compatible clients are screened, since they take an httpx client.

    client = httpx.Client(transport=keyward.ScreeningTransport(httpx.HTTPTransport()))

A body keyward blocks raises keyward.Blocked and nothing is sent; a redacted one is sent redacted, with its new
Content-Length; a clean one is sent byte for byte (the very request object). A body keyward cannot screen
(compressed, binary, invalid JSON) raises keyward.InputError and is not sent either: it fails closed."""
from __future__ import annotations

from typing import Optional

import httpx

from keyward._errors import Blocked, InputError
from keyward._filter import Filter

_MIN_CALLER_KEY = 16  # shorter is no API key; blocking every request that holds it would be wrong


def _caller_key(request: httpx.Request) -> Optional[str]:
    value = request.headers.get("authorization", "").strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    value = value or request.headers.get("x-api-key", "").strip()
    return value if len(value) >= _MIN_CALLER_KEY else None


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _screened(keyward_filter: Filter, request: httpx.Request, body: bytes) -> httpx.Request:
    """The request to send: the same one when clean, a redacted copy, or an exception when it may not go."""
    if not body:
        return request
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise InputError(f"keyward cannot screen a body with Content-Encoding: {encoding}, so it was not sent")
    content_type = request.headers.get("content-type", "")
    stripped = body.lstrip(b" \t\r\n")[:1]
    as_json = _is_json(content_type) or (not content_type.strip() and stripped in (b"{", b"["))
    if not as_json:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("keyward screens JSON and text bodies; a binary body was not sent") from None
    screening = keyward_filter.screen(body, caller_key=_caller_key(request), input="json" if as_json else "text")
    if screening.blocked:
        raise Blocked(screening)
    if screening.verdict == "allowed":
        return request
    if not as_json:
        raise Blocked(screening, "keyward blocked this request: its body is not JSON and holds something the policy "
                                 "redacts; only JSON bodies are rewritten")
    headers = request.headers.copy()
    headers.pop("transfer-encoding", None)
    headers["Content-Length"] = str(len(screening.body))
    return httpx.Request(request.method, request.url, headers=headers, content=screening.body,
                         extensions=request.extensions)


class ScreeningTransport(httpx.BaseTransport):
    """An httpx transport that screens every request body with `filter` (default: keyward.Filter()) and then
    hands the request to `inner` (default: httpx.HTTPTransport())."""

    def __init__(self, inner: Optional[httpx.BaseTransport] = None, *, filter: Optional[Filter] = None) -> None:
        self._inner = inner if inner is not None else httpx.HTTPTransport()
        self._filter = filter if filter is not None else Filter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        return self._inner.handle_request(_screened(self._filter, request, body))

    def close(self) -> None:
        self._inner.close()


class AsyncScreeningTransport(httpx.AsyncBaseTransport):
    """The async twin of ScreeningTransport, for httpx.AsyncClient. Screening runs in the event loop's thread: it
    takes microseconds for a chat request (tens of milliseconds only for requests of megabytes)."""

    def __init__(self, inner: Optional[httpx.AsyncBaseTransport] = None, *, filter: Optional[Filter] = None) -> None:
        self._inner = inner if inner is not None else httpx.AsyncHTTPTransport()
        self._filter = filter if filter is not None else Filter()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        return await self._inner.handle_async_request(_screened(self._filter, request, body))

    async def aclose(self) -> None:
        await self._inner.aclose()
