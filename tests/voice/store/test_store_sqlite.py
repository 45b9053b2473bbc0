"""The default store: one SQLite file, WAL, durable, shared safely between processes."""

from __future__ import annotations

import os
import secrets
import sqlite3
import stat

from models import DialogueState
from voice.config import Settings
from voice.store import DB_NAME, SQLiteStore, open_store
from service_harness import run_increment_workers


def test_wal_mode_and_synchronous_setting(tmp_path):
    normal = SQLiteStore(tmp_path / "a.db")
    assert normal.pragma("journal_mode") == "wal"
    assert normal.pragma("synchronous") == 1  # NORMAL (default): survives the process being killed
    normal.close()
    full = SQLiteStore(tmp_path / "b.db", synchronous="full")
    assert full.pragma("synchronous") == 2  # FULL: a committed turn survives a power cut too
    full.close()


def test_default_store_is_a_private_file_in_the_data_dir(tmp_path):
    data = tmp_path / "data" / "backpain"
    settings = Settings(data_dir=data)
    assert settings.session_store == "sqlite"
    store = open_store(settings)
    try:
        assert isinstance(store, SQLiteStore) and store.path == data / DB_NAME
        assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(data / DB_NAME).st_mode) == 0o600
    finally:
        store.close()


def test_data_dir_defaults_to_the_per_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("BACKPAIN_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Settings.from_env().data_path == tmp_path / "xdg" / "backpain"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings.from_env().data_path == tmp_path / "home" / ".local" / "share" / "backpain"
    monkeypatch.setenv("BACKPAIN_DATA_DIR", str(tmp_path / "mine"))
    assert Settings.from_env().data_path == tmp_path / "mine"


def test_sessions_survive_reopening_the_file(tmp_path):
    path = tmp_path / "s.db"
    st = DialogueState(session_id=secrets.token_urlsafe(18), weeks=20, turns=4)
    first = SQLiteStore(path)
    first.put(st)
    first.close()  # no clean shutdown needed: every put is committed before it returns
    again = SQLiteStore(path)
    assert again.get(st.session_id).model_dump() == st.model_dump()
    again.close()


def test_purge_deletes_only_sessions_idle_past_the_ttl(tmp_path):
    path = tmp_path / "s.db"
    store = SQLiteStore(path, ttl=3600)
    old, fresh = DialogueState(session_id="old-one"), DialogueState(session_id="fresh-one")
    store.put(old)
    store.put(fresh)
    with sqlite3.connect(path) as db:  # make one of them idle for two hours
        db.execute("UPDATE sessions SET updated_at = updated_at - 7200 WHERE id = 'old-one'")
    assert store.get("old-one") is None  # invisible at once, even before the purge
    assert store.purge_expired() == 1
    assert store.get("fresh-one") is not None
    with sqlite3.connect(path) as db:
        assert [r[0] for r in db.execute("SELECT id FROM sessions")] == ["fresh-one"]
    store.close()


def test_processes_sharing_the_file_never_lose_an_update(tmp_path):
    path = tmp_path / "shared.db"
    store = SQLiteStore(path)
    sid = secrets.token_urlsafe(18)
    store.put(DialogueState(session_id=sid))
    run_increment_workers(f"sqlite:{path}", sid, processes=3, times=40)
    assert store.get(sid).turns == 120
    store.close()
