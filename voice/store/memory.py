"""`MemoryStore`: conversations in this process only, lost when it stops.

For tests and `backpain chat`, where there is one process and nothing to keep. It keeps
the same contract as the durable stores (serialised states, TTL, per-session locks, the
audit log with revisions), so the tests of the service hold for all three.
"""

from __future__ import annotations

import threading
import time

from models import DialogueState
from voice.store.audit import AuditEntry, AuditEvent, revised
from voice.store.expiry import Purger
from voice.store.locks import SessionLocks
from voice.store.protocol import DEFAULT_LOCK_TIMEOUT, DEFAULT_TTL


class MemoryStore:
    def __init__(self, ttl: float = DEFAULT_TTL, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.ttl = ttl
        self._states: dict[str, tuple[str, float]] = {}
        self._audit: dict[str, AuditEntry] = {}  # insertion-ordered
        self._last_check: dict[str, str] = {}  # session_ref -> id of its latest entry
        self._locks = SessionLocks(lock_timeout)
        self._guard = threading.Lock()
        self._purger = Purger(ttl)

    def get(self, session_id: str) -> DialogueState | None:
        item = self._states.get(session_id)
        if item is None or time.time() - item[1] > self.ttl:
            return None
        return DialogueState.model_validate_json(item[0])

    def put(self, state: DialogueState, audit: AuditEvent | None = None) -> None:
        # stored serialised, as every other store does, so no caller shares live objects
        raw = state.model_dump_json()
        with self._guard:
            self._states[state.session_id] = (raw, time.time())
            if audit is not None:
                self._record(audit)
        if self._purger.due():
            self.purge_expired()

    def _record(self, event: AuditEvent) -> None:
        entry = event.entry
        if event.kind == "revise":
            last = self._last_check.get(entry.session_ref)
            if last in self._audit:
                self._audit[last] = revised(self._audit[last], entry)
                return
        self._audit[entry.id] = entry
        self._last_check[entry.session_ref] = entry.id

    def delete(self, session_id: str) -> bool:
        with self._guard:
            return self._states.pop(session_id, None) is not None

    def lock(self, session_id: str):
        return self._locks.hold(session_id)

    def audit_entries(self, since: float | None = None) -> list[AuditEntry]:
        with self._guard:
            entries = list(self._audit.values())
        return sorted((e for e in entries if since is None or e.ts >= since), key=lambda e: (e.ts, e.id))

    def purge_expired(self) -> int:
        cutoff = time.time() - self.ttl
        with self._guard:
            old = [sid for sid, (_, at) in self._states.items() if at < cutoff]
            for sid in old:
                del self._states[sid]
        return len(old)

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        pass
