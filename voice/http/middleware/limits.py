"""Request limits, enforced before the body is read into memory.

- Size: JSON bodies up to 64 KB (a sentence or two is < 1 KB), audio uploads up to 10 MB
  (a minute of 16-bit 48 kHz stereo is ~11 MB; the recogniser wants ≤ 60 s of speech at
  16 kHz, ~2 MB). Larger: 413, from the Content-Length header when there is one, else as
  soon as the streamed body passes the limit.
- Content type: a JSON endpoint given a non-empty body that is not declared JSON answers
  415 (so a browser form, a `curl -d` without `-H 'Content-Type: application/json'`, or
  a WAV sent to /text gets a clear message rather than a validation error). A missing
  Content-Type is read as JSON. Audio endpoints check their own types.
- Time: the whole body must arrive within BACKPAIN_REQUEST_TIMEOUT (30 s); a client that
  sends it slower (or stops half-way) gets 408 `request_timeout` and the connection is
  closed. That is the client's doing, so it is a 4xx. Work the server does once the body
  is in is not cut short: a turn takes milliseconds (audio: bounded by the 60 s cap on
  recordings), and abandoning a turn half-way would leave the client unsure whether it
  counted. Waiting for a conversation another request holds is bounded separately
  (BACKPAIN_LOCK_TIMEOUT, 429 `session_busy`).
"""

from __future__ import annotations

import asyncio
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voice.http.errors import error_response

MAX_JSON_BYTES = 64 * 1024
MAX_AUDIO_BYTES = 10 * 1024 * 1024
REQUEST_TIMEOUT = 30.0

_BODY_METHODS = {"POST", "PUT", "PATCH"}


class _TooLarge(HTTPException):
    """Raised while the body streams in; the app's error handlers turn it into a 413."""

    def __init__(self, limit: int):
        super().__init__(413, f"The request body is larger than {limit} bytes.")


class _TooSlow(HTTPException):
    def __init__(self, timeout: float):
        super().__init__(408, f"The request body did not arrive within {timeout:g} s.", headers={"Connection": "close"})


def is_json_type(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class BodySizeLimit:
    """Pure ASGI middleware: 413 when too large, 415 when not JSON, 408 when too slow."""

    def __init__(self, app: ASGIApp, json_limit: int = MAX_JSON_BYTES, audio_limit: int = MAX_AUDIO_BYTES,
                 timeout: float = REQUEST_TIMEOUT):
        self.app, self.json_limit, self.audio_limit, self.timeout = app, json_limit, audio_limit, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        audio = scope["path"].endswith("/audio")
        limit = self.audio_limit if audio else self.json_limit
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        declared = None
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = None
            if declared is not None and declared > limit:
                await self._reject(scope, receive, send, 413, "payload_too_large", f"The request body is larger than {limit} bytes.")
                return
        has_body = (declared or 0) > 0 or b"transfer-encoding" in headers
        if not audio and has_body and scope["path"].startswith("/v1/"):
            ctype = headers.get(b"content-type", b"").decode("latin-1")
            if ctype and not is_json_type(ctype):
                await self._reject(scope, receive, send, 415, "unsupported_media_type",
                                   "This endpoint takes JSON: send Content-Type: application/json.")
                return
        received = 0
        complete = False
        deadline = time.monotonic() + self.timeout

        async def limited_receive() -> Message:
            nonlocal received, complete
            if complete:
                return await receive()  # after the body: only the disconnect message, never timed
            remaining = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), timeout=max(remaining, 0.001))
            except asyncio.TimeoutError:
                raise _TooSlow(self.timeout) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
                if not message.get("more_body", False):
                    complete = True
            else:
                complete = True
            return message

        await self.app(scope, limited_receive, send)

    @staticmethod
    async def _reject(scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str) -> None:
        response = error_response(status, code, message)
        await response(scope, receive, send)


RequestLimits = BodySizeLimit
