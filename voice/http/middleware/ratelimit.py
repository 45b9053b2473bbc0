"""Per-client rate limit: a token bucket per client address (BACKPAIN_RATE_LIMIT).

Each client address gets `burst` tokens that refill at `rate` per second; a /v1 request
takes one, and a client with none left gets 429 `rate_limited` with Retry-After.

Clients on this machine (loopback addresses, and in-process test clients that have no
address) are not limited unless BACKPAIN_RATE_LIMIT_LOOPBACK=1: the service binds to
127.0.0.1 by default, where the only clients are local programs (the voice loop, tests,
benchmarks) that already have the data directory, and the limit is there to protect
against other machines once the service is exposed. Behind a reverse proxy on this
machine, uvicorn takes the client address from X-Forwarded-For (it trusts the proxy
headers of loopback peers only), so remote clients are still told apart and limited.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from typing import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from voice.http.errors import error_response


class TokenBuckets:
    """Token buckets keyed by client; bounded: the least recently seen are forgotten."""

    def __init__(self, rate: float, burst: float, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst, self.max_clients, self.clock = rate, float(burst), max_clients, clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Takes a token: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        tokens, last = self._buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (tokens, now)
            wait = (1.0 - tokens) / self.rate
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)  # forgotten clients start again with a full bucket
        return wait


def is_local(host: str | None) -> bool:
    if not host:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return True  # not an IP address: unix socket or in-process test client


class RateLimit:
    """Pure ASGI middleware; runs on the event loop, so the buckets need no lock."""

    def __init__(self, app: ASGIApp, rate: float, burst: float, include_loopback: bool = False,
                 prefixes: tuple[str, ...] = ("/v1",)) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate, burst) if rate > 0 else None
        self.include_loopback = include_loopback
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is not None and scope["type"] == "http" and scope["path"].startswith(self.prefixes):
            client = scope.get("client")
            host = client[0] if client else None
            if self.include_loopback or not is_local(host):
                wait = self.buckets.take(host or "local")
                if wait > 0:
                    retry = max(1, math.ceil(wait))
                    response = error_response(
                        429, "rate_limited",
                        f"Too many requests from this address; try again in {retry} s.",
                        headers={"Retry-After": str(retry)},
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
