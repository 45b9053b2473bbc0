"""When a store purges expired sessions as a side effect of `put`.

SkillService.start_expiry (voice/service.py) calls `purge_expired` on a timer; `put`
also purges now and then, so a store whose service never started that timer (tests,
`backpain chat`, a second process) still forgets idle conversations. Redis needs neither:
it expires every key itself.
"""

from __future__ import annotations

import time


class Purger:
    """Says when a purge is due: at most once per interval; the interval scales with the
    TTL (a quarter of it, between 50 ms and 5 minutes), so a short TTL in a test is honoured
    and a day-long one costs one DELETE every few minutes."""

    def __init__(self, ttl: float) -> None:
        self.interval = min(max(ttl / 4, 0.05), 300.0)
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.interval
        return True
