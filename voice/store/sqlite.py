"""`SQLiteStore` (the default): sessions and the audit log in one file, safe across processes.

The file lives under BACKPAIN_DATA_DIR (folder 0700, files 0600), in WAL mode with
secure_delete on (voice/store/sqlite_file.py); a delete or purge checkpoints and truncates
the WAL once it commits, so a deleted conversation is in no file any more. Every turn is a
BEGIN IMMEDIATE transaction, committed before the reply leaves, so killing the server
(even with SIGKILL) between turns loses nothing. synchronous=NORMAL (the default) is
enough for that: a commit is written to the WAL file before it returns, and the kernel
keeps it when the process dies; only a power cut or kernel crash can undo the last
commits (never corrupt the file). synchronous=FULL (BACKPAIN_SQLITE_SYNC=full) also
fsyncs every commit, for power-loss durability, at one fsync per turn: 0.5 ms on an idle
disk here, several ms when other work keeps the disk busy (BENCHMARKS.md). The write
lock of the transaction is what serialises turns across processes sharing the file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from models import DialogueState
from voice.store.audit import AuditEntry, AuditEvent, revised
from voice.store.expiry import Purger
from voice.store.protocol import DEFAULT_LOCK_TIMEOUT, DEFAULT_TTL, SessionBusy, StoreUnavailable
from voice.store.sqlite_file import DB_NAME, begin_immediate, connect, has_room, sqlite_errors

log = logging.getLogger("backpain")


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
        # one connection, used by one thread at a time under `_mutex`
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._mutex = threading.RLock()
        self._purger = Purger(ttl)
        self._wipe = False  # rows were deleted: checkpoint the WAL once the transaction commits
        try:
            self._open()
        except StoreUnavailable as e:  # e.g. a read-only disk: answer 503s, and try again at each request
            log.error("session store unavailable at start (tried again at every request): %s", e)

    def _open(self) -> None:
        self._conn = connect(self.path, self._sync, self.lock_timeout)

    def _c(self) -> sqlite3.Connection:
        """The connection (under `_mutex`), opened again if it could not be at start."""
        if self._closed:
            raise StoreUnavailable("the store is closed")
        if self._conn is None:
            self._open()
        return self._conn

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
            begin_immediate(c)
            try:
                with sqlite_errors():
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

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        """Holds the database write lock: the read-modify-write of a turn is one transaction."""
        with self._write():
            yield

    # --- sessions ---

    def get(self, session_id: str) -> DialogueState | None:
        with self._mutex, sqlite_errors():
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
        with self._mutex, sqlite_errors():
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
            return has_room(self.path.parent)
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
