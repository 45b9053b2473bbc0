"""The SQLite database file: where it lives, who may read it, how it is opened, and
what its errors mean to a request.

Apart from the store (voice/store/sqlite.py) because this is the part about the file and
the connection (modes, pragmas, schema); the store is the part about conversations.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from voice.store.protocol import StoreBusy, StoreUnavailable

DB_NAME = "backpain.db"  # inside BACKPAIN_DATA_DIR
MIN_FREE_BYTES = 1024 * 1024  # below this much free disk, the store is not ready for turns

SCHEMA = """
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
SCHEMA_VERSION = 1


def has_room(folder: Path, need: int = MIN_FREE_BYTES) -> bool:
    st = os.statvfs(folder)
    return st.f_bavail * st.f_frsize >= need


def private_dir(folder: Path) -> None:
    """The data folder: created 0700; an existing one of ours is narrowed to 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if folder.stat().st_mode & 0o077 and folder.stat().st_uid == os.getuid():
            folder.chmod(0o700)
    except OSError:
        pass


def private_files(path: Path) -> None:
    """The database and its -wal and -shm files: this user only (0600), also when an
    older version or another umask made them wider."""
    for suffix in ("", "-wal", "-shm"):
        f = Path(str(path) + suffix)
        try:
            if f.exists() and f.stat().st_mode & 0o077:
                f.chmod(0o600)
        except OSError:
            pass


@contextmanager
def sqlite_errors() -> Iterator[None]:
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


def begin_immediate(c: sqlite3.Connection) -> None:
    """Takes the write lock up front; waits up to busy_timeout for other processes."""
    try:
        c.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise StoreBusy("the database is locked by another process") from e
        raise StoreUnavailable(str(e)) from e
    except sqlite3.Error as e:
        raise StoreUnavailable(str(e)) from e


def connect(path: Path, synchronous: str, lock_timeout: float) -> sqlite3.Connection:
    """A connection to the database at `path`, created 0600 in a 0700 folder if need be:
    WAL mode, `synchronous` (NORMAL or FULL), secure_delete on, the schema in place.
    Autocommit mode: transactions are explicit (BEGIN IMMEDIATE), so the write lock is
    taken up front. Any failure is StoreUnavailable."""
    try:
        private_dir(path.parent)
        if not path.exists():
            # health data: readable by this user only
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        c = sqlite3.connect(str(path), timeout=lock_timeout, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as e:
        raise StoreUnavailable(f"{path}: {e}") from e
    try:
        with sqlite_errors():
            mode = c.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreUnavailable(f"{path}: cannot use WAL mode (got {mode})")
            c.execute(f"PRAGMA synchronous={synchronous}")
            c.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
            c.execute("PRAGMA secure_delete=ON")  # a deleted conversation's bytes are zeroed, not left in free pages
            c.executescript(f"BEGIN IMMEDIATE;{SCHEMA}PRAGMA user_version={SCHEMA_VERSION};COMMIT;")
    except BaseException:
        if c.in_transaction:
            c.execute("ROLLBACK")
        c.close()
        raise
    private_files(path)
    return c
