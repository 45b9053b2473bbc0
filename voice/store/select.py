"""Which store a service uses: the one the settings name, and how to name it aloud.

The only module that knows all three stores, so the service and the command line depend
on the settings and the `SessionStore` interface, never on one store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from voice.store.memory import MemoryStore
from voice.store.protocol import SessionStore
from voice.store.redis import RedisStore
from voice.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from voice.config import Settings


def open_store(settings: "Settings") -> SessionStore:
    """The store BACKPAIN_SESSION_STORE names: memory, sqlite (default) or redis://…"""
    kind = settings.session_store
    if kind == "memory":
        return MemoryStore(ttl=settings.session_ttl, lock_timeout=settings.lock_timeout)
    if kind == "sqlite":
        return SQLiteStore.in_dir(
            settings.data_path, ttl=settings.session_ttl, synchronous=settings.sqlite_sync,
            lock_timeout=settings.lock_timeout,
        )
    if kind.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(kind, ttl=settings.session_ttl, lock_timeout=settings.lock_timeout)
    raise ValueError(f"unknown session store {kind!r}")


def describe(store: SessionStore) -> str:
    """For start-up messages: which store, without secrets (no Redis password)."""
    if isinstance(store, SQLiteStore):
        return f"sqlite {store.path}"
    if isinstance(store, RedisStore):
        u = urlsplit(store.url)
        return f"redis {u.hostname or ''}{':' + str(u.port) if u.port else ''}{u.path or ''}"
    return "memory (sessions are lost when the service stops)"
