"""Where conversations live between turns, and where the audit log is kept.

    from voice.store import open_store, SessionBusy, StoreUnavailable
    store = open_store(settings)          # memory, sqlite (default) or redis://…
    with store.lock(sid):                 # one turn of a conversation at a time
        state = store.get(sid)
        store.put(new_state, audit=event) # the state and its audit entry, in one transaction

The rooms of this folder:

- protocol.py: the `SessionStore` interface every store implements, its defaults, and
  its errors: `SessionBusy` (429 session_busy in voice/http/errors.py: one conversation held too long)
  and `StoreUnavailable` (503 store_unavailable: disk full, read-only or locked file,
  Redis down; never a bare database error);
- memory.py: `MemoryStore`, this process only (tests, `backpain chat`);
- sqlite.py and sqlite_file.py: `SQLiteStore`, the default, one private WAL file;
- redis.py: `RedisStore`, shared by several `backpain serve` processes;
- locks.py: per-conversation locks inside one process (memory and Redis stores);
- expiry.py: when `put` purges idle sessions (the service also purges on a timer);
- select.py: `open_store(settings)` and `describe(store)`;
- audit.py and audit_export.py: the audit log's entries, and its JSON/CSV export.
"""

from voice.store.memory import MemoryStore
from voice.store.protocol import DEFAULT_LOCK_TIMEOUT, DEFAULT_TTL, SessionBusy, SessionStore, StoreBusy, StoreUnavailable
from voice.store.redis import RedisStore
from voice.store.select import describe, open_store
from voice.store.sqlite import SQLiteStore
from voice.store.sqlite_file import DB_NAME

__all__ = [
    "SessionStore", "MemoryStore", "SQLiteStore", "RedisStore", "SessionBusy", "StoreUnavailable", "StoreBusy",
    "open_store", "describe", "DB_NAME", "DEFAULT_TTL", "DEFAULT_LOCK_TIMEOUT",
]
