"""What every session store is: the `SessionStore` interface, its defaults and its errors.

The service (voice/service.py) only ever talks to this interface, so the memory, SQLite
and Redis stores are interchangeable; the HTTP layer (voice/http/errors.py) maps the two
errors below to their status codes, so a store never answers a request itself.
"""

from __future__ import annotations

from typing import Protocol

from models import DialogueState
from voice.store.audit import AuditEntry, AuditEvent

DEFAULT_TTL = 24 * 3600.0  # a conversation idle for a day is gone
DEFAULT_LOCK_TIMEOUT = 10.0  # a turn takes milliseconds; ten seconds of waiting means something is stuck


class SessionBusy(RuntimeError):
    """Another request held this conversation for longer than the lock timeout."""


class StoreUnavailable(RuntimeError):
    """The store cannot be reached (Redis down, database file unwritable)."""


class StoreBusy(StoreUnavailable, SessionBusy):
    """The whole store is held by another process for longer than the lock timeout (an
    SQLite file locked by another program): 503 store_unavailable, not one busy session."""


class SessionStore(Protocol):
    """`get`, `put`, `delete` keep a conversation's `DialogueState`;

    `lock(session_id)` is held around every read-modify-write of a conversation, so two
    requests for one conversation never interleave, in this process or in another one
    sharing the store; waiting longer than the lock timeout raises `SessionBusy`;
    `put(state, audit=event)` writes the state and the audit event in one transaction,
    so a finished check is recorded exactly once, and never without its state;
    `purge_expired` deletes sessions idle for longer than the TTL (which `get` already
    no longer sees); `ping` is the readiness probe: could a turn be written now?
    """

    def get(self, session_id: str) -> DialogueState | None: ...
    def put(self, state: DialogueState, audit: AuditEvent | None = None) -> None: ...
    def delete(self, session_id: str) -> bool: ...
    def lock(self, session_id: str): ...
    def audit_entries(self, since: float | None = None) -> list[AuditEntry]: ...
    def purge_expired(self) -> int: ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...
