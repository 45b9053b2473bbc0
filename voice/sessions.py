"""Moved to voice.store; this shim goes when every importer is updated."""

from voice.store import (  # noqa: F401
    DB_NAME,
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_TTL,
    MemoryStore,
    RedisStore,
    SessionBusy,
    SessionStore,
    SQLiteStore,
    StoreBusy,
    StoreUnavailable,
    describe,
    open_store,
)
