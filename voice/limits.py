"""Request body size limits, enforced before the body is read into memory."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voice.errors import error_response

# JSON bodies hold a sentence or two; audio turns are short WAV recordings.
MAX_JSON_BYTES = 64 * 1024
MAX_AUDIO_BYTES = 10 * 1024 * 1024


class _TooLarge(HTTPException):
    """Raised while the body streams in; the app's error handlers turn it into a 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"The request body is larger than {limit} bytes.")


class BodySizeLimit:
    """Pure ASGI middleware: 413 when Content-Length or the streamed body exceeds the limit."""

    def __init__(self, app: ASGIApp, json_limit: int = MAX_JSON_BYTES, audio_limit: int = MAX_AUDIO_BYTES):
        self.app, self.json_limit, self.audio_limit = app, json_limit, audio_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.audio_limit if scope["path"].endswith("/audio") else self.json_limit
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                too_big = False
            if too_big:
                await self._reject(scope, receive, send, limit)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        await self.app(scope, limited_receive, send)

    @staticmethod
    async def _reject(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(413, "payload_too_large", f"The request body is larger than {limit} bytes.")
        await response(scope, receive, send)
