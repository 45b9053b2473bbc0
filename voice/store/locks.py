"""Per-conversation locks inside one process, with a timeout.

The memory store relies on them alone; the Redis store queues this process's threads on
them before racing other processes for the Redis lock key, so one process never sends
Redis a crowd of retries for one conversation. (SQLite needs none: its write transaction
is the lock.)
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

from voice.store.protocol import SessionBusy


class SessionLocks:
    """One lock per conversation in this process, acquired with a timeout; a lock lives
    only while some request holds or waits for it, so the table does not grow."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._locks: dict[str, list] = {}  # session id -> [lock, holders and waiters]
        self._guard = threading.Lock()

    @contextmanager
    def hold(self, session_id: str) -> Iterator[None]:
        with self._guard:
            entry = self._locks.get(session_id)
            if entry is None:
                entry = self._locks[session_id] = [threading.Lock(), 0]
            entry[1] += 1
        try:
            if not entry[0].acquire(timeout=self.timeout):
                raise SessionBusy(session_id)
            try:
                yield
            finally:
                entry[0].release()
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0 and self._locks.get(session_id) is entry:
                    del self._locks[session_id]

    def __len__(self) -> int:
        return len(self._locks)
