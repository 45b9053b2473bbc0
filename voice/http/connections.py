"""Connection hygiene for `backpain serve`: slow, silent and surplus clients are dropped.

uvicorn (h11) closes an idle keep-alive connection after `timeout_keep_alive`, but has no
timeout for the headers of a request: a client that connects and says nothing, or sends
its headers a byte at a time, holds a connection (and a file descriptor) for ever. So:

- Header timeout (BACKPAIN_HEADER_TIMEOUT, 10 s): from the moment the service waits for a
  request (a new connection, or the first byte of the next one on a kept-alive
  connection), the request line and headers must be in within it; else `408
  request_timeout` and the connection is closed. Trickling bytes does not extend it.
  The body has its own limit (BACKPAIN_REQUEST_TIMEOUT, voice/http/middleware/limits.py).
- Idle keep-alive (BACKPAIN_KEEPALIVE_TIMEOUT, 5 s): uvicorn's `timeout_keep_alive`.
- Connection cap (BACKPAIN_MAX_CONNECTIONS, 512, lowered to fit the process's open-file
  limit with FD_HEADROOM descriptors to spare; 135 under a 256-descriptor limit): past
  it, the oldest connection that is waiting for a request (silent, slow or idle) is
  closed to make room, so a flood of silent sockets cannot lock out /healthz or a
  person's next turn; when every connection is busy with a request, the new one gets
  `503 too_many_connections` with `Retry-After` and is closed.
"""

from __future__ import annotations

import json
import logging
import os
import resource

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("backpain")

# asyncio accepts up to `backlog` sockets in one go before any of them can be turned away,
# and a connection turned away keeps its descriptor until the loop's next turn closes it,
# so the descriptors kept free cover two such batches plus the database, the recogniser's
# worker pipes, espeak-ng and the log: a burst never meets "Too many open files" (with one
# batch of headroom it did, now and then, under a 256-descriptor limit).
BACKLOG = 64
FD_HEADROOM = 2 * BACKLOG + 32


def connection_cap(configured: int) -> int:
    """`configured`, lowered so that connections never use the last FD_HEADROOM
    descriptors this process may open (RLIMIT_NOFILE)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return configured
    try:
        used = len(os.listdir("/proc/self/fd"))
    except OSError:
        used = 32
    return max(4, min(configured, soft - used - FD_HEADROOM))


def _raw_error(status: int, reason: str, code: str, message: str, retry_after: int | None = None) -> bytes:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = [f"HTTP/1.1 {status} {reason}", "content-type: application/json", f"content-length: {len(body)}",
            "connection: close"]
    if retry_after is not None:
        head.append(f"retry-after: {retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


_TIMEOUT = _raw_error(408, "Request Timeout", "request_timeout", "The request headers did not arrive in time.")
_FULL = _raw_error(503, "Service Unavailable", "too_many_connections",
                   "The service has too many open connections right now; try again shortly.", retry_after=1)


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header timeout and a connection cap (see module doc)."""

    header_timeout: float = 10.0
    max_connections: int = 512

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer = None
        self._waiting_since = self.loop.time()
        self._arm_header_timer()
        if len(self.connections) > self.max_connections:
            victim = self._oldest_waiting()
            if victim is not None:
                victim._drop(_TIMEOUT)
            else:
                log.warning("refused a connection: %d open, all busy", len(self.connections) - 1)
                self._drop(_FULL)

    def _waiting(self) -> bool:
        """No request in progress: waiting for (the rest of) a request's headers."""
        return self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)

    def _oldest_waiting(self) -> "GuardedH11Protocol | None":
        candidates = [c for c in self.connections
                      if c is not self and isinstance(c, GuardedH11Protocol) and c._waiting()
                      and not c.transport.is_closing()]
        return min(candidates, key=lambda c: c._waiting_since, default=None)

    def _drop(self, response: bytes) -> None:
        self._cancel_header_timer()
        if not self.transport.is_closing():
            try:
                self.transport.write(response)
            except (OSError, RuntimeError):
                pass
            self.transport.close()
        self.connections.discard(self)  # room now, not when the close completes

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._header_timeout)

    def _cancel_header_timer(self) -> None:
        if getattr(self, "_header_timer", None) is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _header_timeout(self) -> None:
        self._header_timer = None
        if self._waiting():
            self._drop(_TIMEOUT)

    def data_received(self, data: bytes) -> None:
        if self._header_timer is None and self._waiting():
            self._waiting_since = self.loop.time()  # the first byte of the next request on a kept-alive connection
            self._arm_header_timer()
        super().data_received(data)
        if not self._waiting():
            self._cancel_header_timer()

    def send_400_response(self, msg: str) -> None:
        """A request h11 cannot parse (bad syntax, headers over 16 KB): a JSON 400 like every
        other error, not uvicorn's plain text."""
        self._drop(_raw_error(400, "Bad Request", "bad_request", "The request is not valid HTTP/1.1 (or its "
                                                                   "headers are larger than 16 KB)."))

    def on_response_complete(self) -> None:
        self._cancel_header_timer()  # the keep-alive timer watches the idle connection now
        self._waiting_since = self.loop.time()
        super().on_response_complete()

    def connection_lost(self, exc) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)


def protocol(header_timeout: float, max_connections: int) -> type[GuardedH11Protocol]:
    """The protocol class for uvicorn's `http=` with these limits."""
    return type("BackpainH11Protocol", (GuardedH11Protocol,),
                {"header_timeout": header_timeout, "max_connections": max_connections})


def uvicorn_options(settings) -> dict:
    """uvicorn.run() keyword arguments for `settings` (voice/config/settings.py)."""
    cap = connection_cap(settings.max_connections)
    return dict(http=protocol(settings.header_timeout, cap), timeout_keep_alive=settings.keepalive_timeout,
                backlog=BACKLOG, access_log=False,  # middleware/access_log.py writes it, without session ids or queries
                h11_max_incomplete_event_size=16 * 1024)
