"""Access control and hardening for ``parley serve``: token check, body size cap, headers.

* **Token.** With a token set, every request must carry it: an ``Authorization: Bearer TOKEN``
  header, or the ``parley_token`` cookie that visiting ``/?token=TOKEN`` once sets (HttpOnly,
  SameSite=Strict). Tokens are compared in constant time.
* **Size cap.** A request body larger than ``max_body`` bytes is refused with 413, whether it
  declares its length or streams it.
* **Cross-site requests.** A POST or PUT whose ``Origin`` header names another site is
  refused with 403, so a web page elsewhere cannot drive a server on the visitor's machine.
* **Headers.** Every response carries a Content-Security-Policy allowing scripts and styles
  from the app itself only (plus inline styles, which plotly sets), ``X-Content-Type-Options:
  nosniff``, frame denial (``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``) and
  ``Referrer-Policy: same-origin``.
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from typing import Any
from urllib.parse import parse_qs

__all__ = ["CSP", "MAX_BODY", "SecurityMiddleware", "is_loopback"]

MAX_BODY = 2 * 1024 * 1024
"""Largest request body accepted (bytes): far above any hand-written scenario."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" makes forms send Origin: null
    (b"cross-origin-opener-policy", b"same-origin"),
]

COOKIE = "parley_token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _same_origin(headers: dict[str, str]) -> bool:
    """False for a browser request sent from another site's page (its Origin names another
    host): such a page could otherwise make a visitor's browser post to a local server."""
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    host = origin.split("://", 1)[-1]
    return host == headers.get("host", "")


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine (127.0.0.0/8, ::1 or 'localhost')."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _TooLargeError(Exception):
    pass


class SecurityMiddleware:
    """ASGI middleware: token check (if ``token``), body size cap and security headers."""

    def __init__(self, app: Any, token: str | None = None, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.token = token
        self.max_body = max_body

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *_HEADERS]}
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if scope.get("method") not in SAFE_METHODS and not _same_origin(headers):
            await _respond(send_with_headers, 403, {
                "detail": "cross-site request refused (its Origin is not this server)"
            })
            return
        if self.token is not None:
            ok, set_cookie = self._authorised(scope, headers)
            if not ok:
                await _respond(send_with_headers, 401, {
                    "detail": "a token is required: send 'Authorization: Bearer TOKEN' or open "
                    "/?token=TOKEN once in the browser"
                })
                return
            if set_cookie:
                # the token came in the address: keep it in a cookie, and drop it from the URL
                cookie = (
                    f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                ).encode()
                await send_with_headers({
                    "type": "http.response.start", "status": 303,
                    "headers": [(b"location", scope["path"].encode() or b"/"),
                                (b"set-cookie", cookie), (b"content-length", b"0")],
                })
                await send_with_headers({"type": "http.response.body", "body": b""})
                return
        length = headers.get("content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = True
            if too_big:
                await _respond(send_with_headers, 413, {
                    "detail": f"the request body is larger than the limit of "
                    f"{self.max_body // 1024} KiB"
                })
                return
        seen = 0
        started = False

        async def capped_receive() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLargeError
            return message

        async def tracking_send(message: dict[str, Any]) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, capped_receive, tracking_send)
        except _TooLargeError:
            if not started:
                await _respond(send_with_headers, 413, {
                    "detail": f"the request body is larger than the limit of "
                    f"{self.max_body // 1024} KiB"
                })

    def _authorised(self, scope: dict[str, Any], headers: dict[str, str]) -> tuple[bool, bool]:
        """(allowed, came in the query string)."""
        want = (self.token or "").encode()
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and secrets.compare_digest(
            auth[7:].strip().encode(), want
        ):
            return True, False
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and secrets.compare_digest(value.encode(), want):
                return True, False
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        if given and scope.get("method") == "GET" and secrets.compare_digest(
            given.encode(), want
        ):
            return True, True
        return False, False


async def _respond(send: Any, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(data)).encode())],
    })
    await send({"type": "http.response.body", "body": data})
