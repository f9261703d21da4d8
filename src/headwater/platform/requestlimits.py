"""Server-level request limits: URL length, header size, U+0000 in the target, and how long a body
may stall.

Checked before routing so that every refusal is answered in the owning dialect's error shape (the
app passes `refuse`), not with the HTTP server's empty default. granian's own hard limits
(`serve.run`) sit above these, so only requests beyond both get granian's bare answer.

The body timeout is an idle timeout: each wait for the next part of the body may last at most
`body_timeout` seconds, so a slow but steady upload passes while a truncated `Content-Length` body or a
chunked body that never ends is answered 408 and its connection closed. A client that disconnects
mid-body is let go quietly (nobody is left to answer), not logged as a server error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from headwater.platform.requests import target_holds_nul

log = logging.getLogger("headwater")

Refuse = Callable[[str, int, str], Response]
"""(path, status, message) → the dialect-shaped error response."""


class BodyNotReceived(BaseException):
    """Raised from `receive` when the body will not be completed.

    A BaseException (like `CancelledError`) so that the pipelines' `except Exception`, which turns a
    surprise into a logged 500, lets it through to `RequestLimits`.
    """


class BodyReadTimeout(BodyNotReceived):
    """No part of the body arrived in time: answered 408."""


class BodyAbandoned(BodyNotReceived):
    """The client disconnected before the end of the body: nobody to answer."""


class RequestLimits:
    """ASGI middleware: 414 for long URLs, 400 for U+0000 in the path or query (the NUL rule of
    `platform.requests`, so no identifier or filter value carrying it reaches storage), 431 for large
    headers, 408 for stalled bodies."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        refuse: Refuse,
        max_url_bytes: int,
        max_header_bytes: int,
        body_timeout: float,
    ) -> None:
        self.app = app
        self.refuse = refuse
        self.max_url_bytes = max_url_bytes
        self.max_header_bytes = max_header_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "/")
        if url_bytes(scope) > self.max_url_bytes:
            message = f"The request URL is too long. The maximum length is {self.max_url_bytes} bytes."
            await self.refuse(path, 414, message)(scope, receive, send)
            return
        if target_holds_nul(path, scope.get("query_string", b"")):
            message = "The request URL contains the character U+0000, which is not allowed."
            await self.refuse(path, 400, message)(scope, receive, send)
            return
        size, has_body = header_facts(scope)
        if size > self.max_header_bytes:
            message = f"The request headers are too large. The maximum total size is {self.max_header_bytes} bytes."
            await self.refuse(path, 431, message)(scope, receive, send)
            return
        if has_body:
            await self._guard_body(scope, receive, send)
        else:
            # No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body to wait for,
            # so most GETs skip the guarded `receive` and its per-request closures.
            await self.app(scope, receive, send)

    async def _guard_body(self, scope: Scope, receive: Receive, send: Send) -> None:
        body_done = False
        started = False
        timeout = self.body_timeout if self.body_timeout > 0 else None

        async def guarded_receive() -> Message:
            nonlocal body_done
            # Only the wait for body parts is guarded: after the body (or once answering), `receive`
            # waits for a disconnect, which may rightly take as long as the response does.
            if body_done or started:
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), timeout)
            except TimeoutError:
                raise BodyReadTimeout from None
            if message["type"] == "http.disconnect":
                raise BodyAbandoned
            if not message.get("more_body", False):
                body_done = True
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, guarded_receive, tracking_send)
        except BodyReadTimeout:
            log.info("request body stalled for %ss: %s %s", self.body_timeout, scope.get("method"), scope.get("path"))
            if started:
                return
            message = f"The request body was not received in time: no part of it arrived for {self.body_timeout:g} s."
            response = self.refuse(scope.get("path", "/"), 408, message)
            # The rest of the body may still arrive; the connection cannot be reused.
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
        except BodyAbandoned:
            log.info("client left before the end of the body: %s %s", scope.get("method"), scope.get("path"))


def url_bytes(scope: Scope) -> int:
    """Length of the request target as sent: raw path, plus `?` and the query string."""
    raw_path: bytes | None = scope.get("raw_path")
    size = len(raw_path) if raw_path else len(scope.get("path", "/").encode())
    query: bytes = scope.get("query_string", b"")
    return size + (1 + len(query) if query else 0)


def header_facts(scope: Scope) -> tuple[int, bool]:
    """The headers' total size (what proxies and CDNs bound), and whether they announce a body
    (Content-Length or Transfer-Encoding; HTTP/2 bodies need neither, so HTTP/2 always counts)."""
    size = 0
    has_body = scope.get("http_version") == "2"
    for name, value in scope.get("headers", ()):
        size += len(name) + len(value)
        if name == b"content-length" or name == b"transfer-encoding":
            has_body = True
    return size, has_body
