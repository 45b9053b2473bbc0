"""Who may talk to the service.

- The service binds 127.0.0.1 unless told otherwise (`backpain serve --host`).
- When BACKPAIN_API_TOKEN is set, every /v1 request (and /metrics, whose counts are about
  people's health) needs `Authorization: Bearer <token>`; otherwise 401 JSON with
  `WWW-Authenticate: Bearer`. /healthz, /readyz and the API docs stay open: they hold no data.
  Without a token, /metrics leaves the health figures out (voice/metrics.py).
- The access log has a short hash of the session id, never the id or a query string
  (voice/http/middleware/access_log.py).
- Session ids are 144 random bits (secrets.token_urlsafe(18)); they are the only key to a
  conversation.
- CORS is closed (no Access-Control-* headers, so browsers keep other sites' pages from
  reading answers) unless BACKPAIN_CORS_ORIGINS lists the origins allowed.
"""

from __future__ import annotations

import hmac

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from voice.http.errors import error_response

PROTECTED_PREFIXES = ("/v1", "/metrics")


class BearerAuth:
    """Pure ASGI middleware: constant-time token check on protected paths."""

    def __init__(self, app: ASGIApp, token: str, prefixes: tuple[str, ...] = PROTECTED_PREFIXES) -> None:
        self.app = app
        self.expected = ("Bearer " + token).encode()
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefixes) and scope["method"] != "OPTIONS":
            given = b""
            for name, value in scope.get("headers") or ():
                if name == b"authorization":
                    given = value
                    break
            # compare the whole header in constant time; the scheme is case-insensitive
            if given[:7].lower() == b"bearer ":
                given = b"Bearer " + given[7:].strip()
            if not hmac.compare_digest(given, self.expected):
                response = error_response(
                    401, "unauthorized", "This service needs an API token: send Authorization: Bearer <token>.",
                    headers={"WWW-Authenticate": 'Bearer realm="backpain"'},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def install_cors(app: FastAPI, origins: tuple[str, ...]) -> None:
    if not origins:
        return
    from starlette.middleware.cors import CORSMiddleware

    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_methods=["GET", "POST", "DELETE"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
