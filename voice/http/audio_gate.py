"""Speech uploads never starve text turns: at most N in flight, decoded in their own threads.

- At most BACKPAIN_AUDIO_IN_FLIGHT uploads (default 4) are taken at once, counting those
  being decoded and those waiting for the recogniser. One more gets `503 asr_busy` with a
  `Retry-After` from the recent decode times, at once (its body is read and dropped as it
  streams in, never kept, so the client can read the answer).
- An accepted upload is streamed in and refused as soon as it passes the upload limit
  (10 MB), so memory is bounded by design: N uploads' worth at most.
- Recognition runs in this gate's own thread pool (as many threads as the recogniser has
  worker processes), never in the pool FastAPI runs the text turns, session starts and
  health checks in. Those threads, and the recogniser's worker processes, run at a lower
  CPU priority (nice 10, voice/asr/runtime.py), so a text turn saying "I'm bleeding
  heavily" is answered first even while both cores decode speech.
"""

from __future__ import annotations

import asyncio
import math
import time
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request

from voice import metrics
from voice.asr.runtime import lower_priority
from voice.http.errors import ApiError
from voice.http.middleware.limits import MAX_AUDIO_BYTES


class AudioGate:
    def __init__(self, limit: int, slots: int) -> None:
        self.limit, self.slots = limit, max(1, slots)
        self.in_flight = 0  # touched only on the event loop
        self.decode_seconds = 1.0  # moving average, for Retry-After
        self.executor = ThreadPoolExecutor(max_workers=self.slots, thread_name_prefix="asr", initializer=lower_priority)

    def retry_after(self) -> int:
        return max(1, min(60, math.ceil(self.in_flight * self.decode_seconds / self.slots)))

    def busy(self) -> ApiError:
        return ApiError(503, "asr_busy", f"Speech recognition is busy with {self.in_flight} recordings; try again "
                                         f"shortly, or type the answer (POST .../text).",
                        headers={"Retry-After": str(self.retry_after()), "Connection": "close"})

    def enter(self) -> bool:
        if self.in_flight >= self.limit:
            return False
        self.in_flight += 1
        metrics.AUDIO_IN_FLIGHT.set(self.in_flight)
        return True

    def leave(self) -> None:
        self.in_flight -= 1
        metrics.AUDIO_IN_FLIGHT.set(self.in_flight)

    async def run(self, fn, *args):
        """fn(*args) on the gate's threads; the time it takes there (not the wait for a
        thread) feeds the Retry-After estimate."""

        def timed():
            start = time.monotonic()
            try:
                return fn(*args)
            finally:
                self.decode_seconds = 0.8 * self.decode_seconds + 0.2 * (time.monotonic() - start)

        return await asyncio.get_running_loop().run_in_executor(self.executor, timed)


async def read_capped(request: Request, limit: int = MAX_AUDIO_BYTES) -> bytes:
    """The body as it streams in, refused (413) as soon as it passes `limit`; joined once
    at the end (the chunks go as soon as the joined copy is made)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, "payload_too_large", f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


async def drain(request: Request) -> None:
    """Reads the body and drops it, chunk by chunk (a refused upload), so the client can
    read the refusal instead of a reset connection."""
    async for _ in request.stream():
        pass
