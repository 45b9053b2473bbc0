"""Turn latency for /metrics (`backpain_turn_seconds`): from the request to the start of
the response, for POST .../text and .../audio."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voice.metrics import TURN_SECONDS


def _turn_kind(scope: Scope) -> str | None:
    if scope["type"] != "http" or scope["method"] != "POST":
        return None
    path = scope["path"]
    if not path.startswith("/v1/sessions/"):
        return None
    if path.endswith("/text"):
        return "text"
    if path.endswith("/audio"):
        return "audio"
    return None


class TurnTimer:
    """Pure ASGI middleware: observes turn latency until the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = _turn_kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        observed = False

        async def timed_send(message: Message) -> None:
            nonlocal observed
            if not observed and message["type"] == "http.response.start":
                observed = True
                TURN_SECONDS.labels(kind).observe(time.perf_counter() - start)
            await send(message)

        await self.app(scope, receive, timed_send)
