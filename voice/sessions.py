"""Where conversations live between turns, and where the audit log is kept.

`SessionStore` is the one interface every store implements:

- `get`, `put`, `delete` keep a conversation's `DialogueState`;
- `lock(session_id)` is held around every read-modify-write of a conversation, so two
  requests for one conversation never interleave, in this process or in another one
  sharing the store; waiting longer than the lock timeout raises `SessionBusy`;
- `put(state, audit=event)` writes the state and the audit event (voice/audit.py) in one
  transaction, so a finished check is recorded exactly once, and never without its state;
- sessions idle for longer than the TTL are gone: `get` no longer sees them and
  `purge_expired` deletes them (called on a timer by SkillService.start_expiry, and now
  and then by `put`);
- faults of the store itself (disk full, read-only or locked file, Redis down) raise
  `StoreUnavailable` (503 store_unavailable), never a bare database error.

Three stores:

- `MemoryStore`: this process only; for tests and `backpain chat`.
- `SQLiteStore` (the default): one file under BACKPAIN_DATA_DIR (folder 0700, files 0600),
  WAL mode, secure_delete on; a delete or purge checkpoints and truncates the WAL once it
  commits, so a deleted conversation is in no file any more. Every turn is a
  BEGIN IMMEDIATE transaction, committed before the reply leaves, so killing the server
  (even with SIGKILL) between turns loses nothing. synchronous=NORMAL (the default) is
  enough for that: a commit is written to the WAL file before it returns, and the kernel
  keeps it when the process dies; only a power cut or kernel crash can undo the last
  commits (never corrupt the file). synchronous=FULL (BACKPAIN_SQLITE_SYNC=full) also
  fsyncs every commit, for power-loss durability, at one fsync per turn: 0.5 ms on an idle
  disk here, several ms when other work keeps the disk busy (BENCHMARKS.md). The write
  lock of the transaction is what serialises turns across processes sharing the file.
- `RedisStore`: several `backpain serve` processes share sessions. A lock key with an
  expiry (SET NX PX + compare-and-delete) guards each conversation; the state and the
  audit event are written in one MULTI/EXEC that WATCHes the lock key, so a writer whose
  lock expired cannot overwrite a newer turn.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Protocol

from models import DialogueState
from voice.audit import AuditEntry, AuditEvent, revised

if TYPE_CHECKING:
    from voice.config import Settings

log = logging.getLogger("backpain")

DEFAULT_TTL = 24 * 3600.0
DEFAULT_LOCK_TIMEOUT = 10.0


class SessionBusy(RuntimeError):
    """Another request held this conversation for longer than the lock timeout."""


class StoreUnavailable(RuntimeError):
    """The store cannot be reached (Redis down, database file unwritable)."""


class StoreBusy(StoreUnavailable, SessionBusy):
    """The whole store is held by another process for longer than the lock timeout (an
    SQLite file locked by another program): 503 store_unavailable, not one busy session."""


MIN_FREE_BYTES = 1024 * 1024  # below this much free disk, the store is not ready for turns


def _has_room(folder: Path, need: int = MIN_FREE_BYTES) -> bool:
    st = os.statvfs(folder)
    return st.f_bavail * st.f_frsize >= need


def _private_dir(folder: Path) -> None:
    """The data folder: created 0700; an existing one of ours is narrowed to 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if folder.stat().st_mode & 0o077 and folder.stat().st_uid == os.getuid():
            folder.chmod(0o700)
    except OSError:
        pass


@contextmanager
def _sqlite_errors() -> Iterator[None]:
    """SQLite failures that are no fault of the request (disk full, read-only file, I/O
    error, locked by another program) become StoreUnavailable: 503, never a 500."""
    try:
        yield
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise StoreBusy(str(e)) from e
        raise StoreUnavailable(str(e)) from e
    except sqlite3.DatabaseError as e:
        raise StoreUnavailable(f"{type(e).__name__}: {e}") from e


class SessionStore(Protocol):
    def get(self, session_id: str) -> DialogueState | None: ...
    def put(self, state: DialogueState, audit: AuditEvent | None = None) -> None: ...
    def delete(self, session_id: str) -> bool: ...
    def lock(self, session_id: str): ...
    def audit_entries(self, since: float | None = None) -> list[AuditEntry]: ...
    def purge_expired(self) -> int: ...
    def ping(self) -> bool: ...
    def close(self) -> None: ...


class _SessionLocks:
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


class _Purger:
    """Calls `purge` at most once per interval; the interval scales with the TTL."""

    def __init__(self, ttl: float) -> None:
        self.interval = min(max(ttl / 4, 0.05), 300.0)
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.interval
        return True


# --- memory ----------------------------------------------------------------------------


class MemoryStore:
    def __init__(self, ttl: float = DEFAULT_TTL, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.ttl = ttl
        self._states: dict[str, tuple[str, float]] = {}
        self._audit: dict[str, AuditEntry] = {}  # insertion-ordered
        self._last_check: dict[str, str] = {}  # session_ref -> id of its latest entry
        self._locks = _SessionLocks(lock_timeout)
        self._guard = threading.Lock()
        self._purger = _Purger(ttl)

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


# --- SQLite ----------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated_at);
CREATE TABLE IF NOT EXISTS audit (
    id TEXT PRIMARY KEY,
    ts REAL NOT NULL,
    session_ref TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_ts ON audit(ts);
CREATE INDEX IF NOT EXISTS audit_ref ON audit(session_ref, ts);
"""
_SCHEMA_VERSION = 1
DB_NAME = "backpain.db"


class SQLiteStore:
    """Sessions and audit in one SQLite file (WAL), safe across processes."""

    def __init__(
        self,
        path: str | os.PathLike,
        ttl: float = DEFAULT_TTL,
        synchronous: str = "normal",
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        self.path = Path(path)
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self._sync = {"full": "FULL", "normal": "NORMAL"}[synchronous.lower()]
        # one connection, used by one thread at a time under `_mutex`; autocommit mode,
        # transactions are explicit (BEGIN IMMEDIATE) so the write lock is taken up front
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._mutex = threading.RLock()
        self._purger = _Purger(ttl)
        self._wipe = False  # rows were deleted: checkpoint the WAL once the transaction commits
        try:
            self._open()
        except StoreUnavailable as e:  # e.g. a read-only disk: answer 503s, and try again at each request
            log.error("session store unavailable at start (tried again at every request): %s", e)

    def _open(self) -> None:
        try:
            _private_dir(self.path.parent)
            if not self.path.exists():
                # health data: readable by this user only
                os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            c = sqlite3.connect(str(self.path), timeout=self.lock_timeout, isolation_level=None,
                                check_same_thread=False)
        except (OSError, sqlite3.Error) as e:
            raise StoreUnavailable(f"{self.path}: {e}") from e
        try:
            with _sqlite_errors():
                mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StoreUnavailable(f"{self.path}: cannot use WAL mode (got {mode})")
                c.execute(f"PRAGMA synchronous={self._sync}")
                c.execute(f"PRAGMA busy_timeout={int(self.lock_timeout * 1000)}")
                c.execute("PRAGMA secure_delete=ON")  # a deleted conversation's bytes are zeroed, not left in free pages
                c.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}PRAGMA user_version={_SCHEMA_VERSION};COMMIT;")
        except BaseException:
            if c.in_transaction:
                c.execute("ROLLBACK")
            c.close()
            raise
        self._conn = c
        self._private_files()

    def _c(self) -> sqlite3.Connection:
        """The connection (under `_mutex`), opened again if it could not be at start."""
        if self._closed:
            raise StoreUnavailable("the store is closed")
        if self._conn is None:
            self._open()
        return self._conn

    def _private_files(self) -> None:
        """The database and its -wal and -shm files: this user only (0600), also when an
        older version or another umask made them wider."""
        for suffix in ("", "-wal", "-shm"):
            f = Path(str(self.path) + suffix)
            try:
                if f.exists() and f.stat().st_mode & 0o077:
                    f.chmod(0o600)
            except OSError:
                pass

    @classmethod
    def in_dir(cls, data_dir: str | os.PathLike, **kwargs) -> "SQLiteStore":
        return cls(Path(data_dir) / DB_NAME, **kwargs)

    # --- transactions ---

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: joins the one `lock` opened, else opens its own."""
        if not self._mutex.acquire(timeout=self.lock_timeout):
            raise SessionBusy("store")
        try:
            c = self._c()
            if c.in_transaction:
                yield c
                return
            self._begin()
            try:
                with _sqlite_errors():
                    yield c
                    c.execute("COMMIT")
                if self._wipe:  # a conversation was deleted: out of the WAL too, now
                    self._wipe = False
                    self.checkpoint()
            except BaseException:
                if c.in_transaction:  # also when COMMIT itself failed: never leave one open
                    try:
                        c.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise
        finally:
            self._mutex.release()

    def _begin(self) -> None:
        try:
            self._c().execute("BEGIN IMMEDIATE")  # waits up to busy_timeout for other processes
        except sqlite3.OperationalError as e:
            if "locked" in str(e) or "busy" in str(e):
                raise StoreBusy("the database is locked by another process") from e
            raise StoreUnavailable(str(e)) from e
        except sqlite3.Error as e:
            raise StoreUnavailable(str(e)) from e

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        """Holds the database write lock: the read-modify-write of a turn is one transaction."""
        with self._write():
            yield

    # --- sessions ---

    def get(self, session_id: str) -> DialogueState | None:
        with self._mutex, _sqlite_errors():
            row = self._c().execute(
                "SELECT state, updated_at FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
        if row is None or time.time() - row[1] > self.ttl:
            return None
        return DialogueState.model_validate_json(row[0])

    def put(self, state: DialogueState, audit: AuditEvent | None = None) -> None:
        raw = state.model_dump_json()
        with self._write() as c:
            c.execute(
                "INSERT INTO sessions (id, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (state.session_id, raw, time.time()),
            )
            if audit is not None:
                self._record(c, audit)
            if self._purger.due():
                self._purge(c)

    def _record(self, c: sqlite3.Connection, event: AuditEvent) -> None:
        entry = event.entry
        if event.kind == "revise":
            row = c.execute(
                "SELECT entry FROM audit WHERE session_ref = ? ORDER BY ts DESC, id DESC LIMIT 1",
                (entry.session_ref,),
            ).fetchone()
            if row is not None:
                updated = revised(AuditEntry.model_validate_json(row[0]), entry)
                c.execute("UPDATE audit SET entry = ? WHERE id = ?", (updated.model_dump_json(), updated.id))
                return
        c.execute(
            "INSERT INTO audit (id, ts, session_ref, entry) VALUES (?, ?, ?, ?)",
            (entry.id, entry.ts, entry.session_ref, entry.model_dump_json()),
        )

    def delete(self, session_id: str) -> bool:
        with self._write() as c:
            gone = c.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0
            self._wipe = self._wipe or gone
        return gone

    def _purge(self, c: sqlite3.Connection) -> int:
        purged = c.execute("DELETE FROM sessions WHERE updated_at < ?", (time.time() - self.ttl,)).rowcount
        self._wipe = self._wipe or purged > 0
        return purged

    def purge_expired(self) -> int:
        with self._write() as c:
            return self._purge(c)

    def checkpoint(self) -> bool:
        """Copies the WAL into the database and truncates it to 0 bytes: the WAL keeps every
        earlier version of a changed page (a deleted conversation included) until then.
        With secure_delete the deleted rows are zeroes in the database file too. False when
        another process's reader kept part of the WAL (the next checkpoint finishes it)."""
        try:
            with self._mutex:
                if self._conn is None or self._conn.in_transaction:
                    return False
                busy, _, _ = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            return not busy
        except sqlite3.Error:
            return False

    # --- audit and health ---

    def audit_entries(self, since: float | None = None) -> list[AuditEntry]:
        with self._mutex, _sqlite_errors():
            rows = self._c().execute(
                "SELECT entry FROM audit WHERE ts >= ? ORDER BY ts, id", (since if since is not None else float("-inf"),)
            ).fetchall()
        return [AuditEntry.model_validate_json(r[0]) for r in rows]

    def ping(self) -> bool:
        """True when a conversation could be written now: a write transaction that is rolled
        back (it takes the write lock and writes a page), and room on the disk."""
        try:
            with self._mutex:
                c = self._c()
                if c.in_transaction:
                    return True  # a turn is being written right now
                c.execute(f"PRAGMA busy_timeout={int(min(self.lock_timeout, 1.0) * 1000)}")  # a probe answers fast
                try:
                    c.execute("BEGIN IMMEDIATE")
                    try:
                        c.execute("INSERT OR REPLACE INTO sessions (id, state, updated_at) VALUES ('~ping', '', 0)")
                    finally:
                        c.execute("ROLLBACK")
                finally:
                    c.execute(f"PRAGMA busy_timeout={int(self.lock_timeout * 1000)}")
            return _has_room(self.path.parent)
        except (sqlite3.Error, OSError, StoreUnavailable):
            return False

    def pragma(self, name: str):
        with self._mutex:
            return self._c().execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        with self._mutex:
            self._closed = True
            if self._conn is not None:
                self._conn.close()


# --- Redis -----------------------------------------------------------------------------

# release only the lock we hold: delete when the value is still our token
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisStore:
    """Sessions and audit in Redis, shared by any number of service processes."""

    def __init__(
        self,
        url: str,
        ttl: float = DEFAULT_TTL,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        prefix: str = "backpain:",
        lease: float = 30.0,
    ) -> None:
        import redis

        self._redis_mod = redis
        self.r = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=30)
        self.url = url
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self.lease_ms = int(max(lease, lock_timeout) * 1000)  # a turn holds the lock for milliseconds
        self.p = prefix
        self._local = _SessionLocks(lock_timeout)
        self._held = threading.local()
        self._release = self.r.register_script(_RELEASE)

    def _key(self, session_id: str) -> str:
        return f"{self.p}s:{session_id}"

    def _lock_key(self, session_id: str) -> str:
        return f"{self.p}lock:{session_id}"

    def _tokens(self) -> dict[str, str]:
        tokens = getattr(self._held, "tokens", None)
        if tokens is None:
            tokens = self._held.tokens = {}
        return tokens

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        # threads of this process queue on a local lock; processes race for the Redis key
        with self._local.hold(session_id):
            key, token = self._lock_key(session_id), secrets.token_hex(16)
            deadline = time.monotonic() + self.lock_timeout
            pause = 0.001
            while not self._call(self.r.set, key, token, nx=True, px=self.lease_ms):
                if time.monotonic() >= deadline:
                    raise SessionBusy(session_id)
                time.sleep(pause)
                pause = min(pause * 2, 0.02)
            self._tokens()[session_id] = token
            try:
                yield
            finally:
                self._tokens().pop(session_id, None)
                try:
                    self._release(keys=[key], args=[token])
                except self._redis_mod.RedisError:
                    pass  # the lease expires on its own

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except self._redis_mod.RedisError as e:
            raise StoreUnavailable(f"redis: {type(e).__name__}") from e

    def get(self, session_id: str) -> DialogueState | None:
        raw = self._call(self.r.get, self._key(session_id))
        return DialogueState.model_validate_json(raw) if raw is not None else None

    def put(self, state: DialogueState, audit: AuditEvent | None = None) -> None:
        sid = state.session_id
        raw = state.model_dump_json()
        token = self._tokens().get(sid)
        ttl_ms = max(1, int(self.ttl * 1000))
        try:
            with self.r.pipeline(transaction=True) as pipe:
                if token is not None:
                    # we hold the lock: make sure we still do when the write lands
                    pipe.watch(self._lock_key(sid))
                    if pipe.get(self._lock_key(sid)) != token.encode():
                        raise SessionBusy(sid)
                audit_ops = self._audit_ops(pipe, audit) if audit is not None else None
                pipe.multi()
                pipe.set(self._key(sid), raw, px=ttl_ms)
                if audit_ops:
                    audit_ops(pipe)
                pipe.execute()
        except self._redis_mod.WatchError as e:
            raise SessionBusy(sid) from e
        except self._redis_mod.RedisError as e:
            raise StoreUnavailable(f"redis: {type(e).__name__}") from e

    def _audit_ops(self, pipe, event: AuditEvent):
        """Reads what a revision needs now (before MULTI); returns the queued writes."""
        entry = event.entry
        last_key = f"{self.p}audit:last:{entry.session_ref}"
        if event.kind == "revise":
            last_id = pipe.get(last_key) if pipe.watching else self.r.get(last_key)
            old = self.r.hget(f"{self.p}audit", last_id) if last_id else None
            if old is not None:
                updated = revised(AuditEntry.model_validate_json(old), entry)
                return lambda p: p.hset(f"{self.p}audit", updated.id, updated.model_dump_json())

        def append(p) -> None:
            p.hset(f"{self.p}audit", entry.id, entry.model_dump_json())
            p.zadd(f"{self.p}audit:ts", {entry.id: entry.ts})
            p.set(last_key, entry.id, px=max(1, int(self.ttl * 1000)))

        return append

    def delete(self, session_id: str) -> bool:
        return bool(self._call(self.r.delete, self._key(session_id)))

    def audit_entries(self, since: float | None = None) -> list[AuditEntry]:
        ids = self._call(self.r.zrangebyscore, f"{self.p}audit:ts", "-inf" if since is None else since, "+inf")
        if not ids:
            return []
        raws = self._call(self.r.hmget, f"{self.p}audit", ids)
        entries = [AuditEntry.model_validate_json(r) for r in raws if r is not None]
        return sorted(entries, key=lambda e: (e.ts, e.id))

    def purge_expired(self) -> int:
        return 0  # Redis expires sessions itself (PX on every write)

    def ping(self) -> bool:
        """True when Redis takes a write now (not only a PING: a full disk under
        appendonly, maxmemory or a failed save answers writes with an error)."""
        try:
            return bool(self.r.set(f"{self.p}ping", "1", px=10_000))
        except self._redis_mod.RedisError:
            return False

    def close(self) -> None:
        self.r.close()


# --- choosing one ----------------------------------------------------------------------


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
        from urllib.parse import urlsplit

        u = urlsplit(store.url)
        return f"redis {u.hostname or ''}{':' + str(u.port) if u.port else ''}{u.path or ''}"
    return "memory (sessions are lost when the service stops)"


__all__ = [
    "SessionStore", "MemoryStore", "SQLiteStore", "RedisStore", "SessionBusy", "StoreUnavailable", "StoreBusy",
    "open_store", "describe", "DB_NAME",
]
