"""The access log: one line per request, written by the service itself (uvicorn's own
access log is off, since it writes the full path with the session id and the query string).

    127.0.0.1 "POST /v1/sessions/~3f9a1c2e/text" 200 4.1ms

- A session id is replaced by `~` and the first 8 hex digits of its SHA-256: enough to
  follow one conversation through the log, never enough to open it (with no token set,
  the id alone is the key to a conversation).
- The query string is never written (a token or anything else someone put there).
- Never a body, header or transcript.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("backpain.access")

_SESSION_PATH = re.compile(r"^(/v1/sessions/)([^/]+)(.*)$")


def session_ref(session_id: str) -> str:
    return "~" + hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def short_path(path: str) -> str:
    """`path` with any session id hashed; other long or odd segments are cut."""
    m = _SESSION_PATH.match(path)
    if m:
        path = m.group(1) + session_ref(m.group(2)) + m.group(3)
    path = path if len(path) <= 120 else path[:117] + "..."
    return "".join(ch if 32 < ord(ch) < 127 else "?" for ch in path)


class AccessLog:
    """Pure ASGI middleware: logs client address, method, hashed path, status, time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def logged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client") or ("-", 0)
                access_log.info('%s "%s %s" %d %.1fms', client[0], scope["method"], short_path(scope["path"]),
                                status or 500, (time.perf_counter() - start) * 1000)
