"""Every session store keeps the same contract: memory, SQLite (a real file) and Redis (a
real redis-server started here)."""

from __future__ import annotations

import secrets
import sqlite3
import threading
import time

import pytest

from models import DialogueState
from voice.store.audit import AuditEvent, entry_for
from voice.store import MemoryStore, RedisStore, SessionBusy, SQLiteStore
from benchmarks.server import RedisProcess
from service_harness import session_held

KINDS = ["memory", "sqlite", "redis"]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    if RedisProcess.binary() is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps.sh installs it)")
    server = RedisProcess(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


@pytest.fixture
def make_store(request, tmp_path):
    """make_store(kind, **kwargs): a fresh store; for sqlite and redis, a second call with
    the same `shared` name opens another handle on the same data (like another process)."""
    made = []
    prefix = f"t{secrets.token_hex(4)}:"

    def make(kind: str, **kwargs):
        if kind == "memory":
            store = MemoryStore(**kwargs)
        elif kind == "sqlite":
            store = SQLiteStore(tmp_path / "sessions.db", synchronous="normal", **kwargs)
        else:
            store = RedisStore(request.getfixturevalue("redis_url"), prefix=prefix, **kwargs)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def state(session_id: str | None = None, **fields) -> DialogueState:
    return DialogueState(session_id=session_id or secrets.token_urlsafe(18), **fields)


def finished(session_id: str, urgency: str = "routine", reasons=("persistent",)) -> DialogueState:
    from models import Reply, Triage

    st = state(session_id, done=True, weeks=30)
    st.slots["persistent"] = "yes"
    st.last_reply = Reply(session_id=session_id, say="advice", done=True,
                          triage=Triage(urgency=urgency, reasons=list(reasons), advice="advice"))
    return st


@pytest.mark.parametrize("kind", KINDS)
def test_put_get_delete_round_trip(make_store, kind):
    store = make_store(kind)
    st = state(weeks=12, turns=3)
    st.slots["fever"] = "unsure"
    assert store.get(st.session_id) is None
    store.put(st)
    got = store.get(st.session_id)
    assert got is not None and got.model_dump() == st.model_dump()
    got.turns = 99  # a copy: changing it changes nothing stored
    assert store.get(st.session_id).turns == 3
    assert store.delete(st.session_id) is True
    assert store.get(st.session_id) is None
    assert store.delete(st.session_id) is False
    assert store.ping() is True


@pytest.mark.parametrize("kind", KINDS)
def test_idle_sessions_expire_and_are_purged(make_store, kind, tmp_path):
    store = make_store(kind, ttl=0.3)
    st = state()
    store.put(st)
    time.sleep(0.7)
    assert store.get(st.session_id) is None
    store.purge_expired()
    if kind == "sqlite":
        with sqlite3.connect(tmp_path / "sessions.db") as db:
            assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_turn_refreshes_the_idle_time(make_store, kind):
    store = make_store(kind, ttl=3600)
    st = state()
    store.put(st)
    with store.lock(st.session_id):
        again = store.get(st.session_id)
        again.turns += 1
        store.put(again)
    assert store.get(st.session_id).turns == 1


@pytest.mark.parametrize("kind", KINDS)
def test_lock_serialises_read_modify_write_across_threads(make_store, kind):
    store = make_store(kind)
    st = state()
    store.put(st)

    def work():
        for _ in range(15):
            with store.lock(st.session_id):
                current = store.get(st.session_id)
                turns = current.turns
                time.sleep(0.0005)
                current.turns = turns + 1
                store.put(current)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert store.get(st.session_id).turns == 60


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_lock_excludes_another_handle_on_the_same_data(make_store, kind):
    """Two handles on one store are what two processes are: the second must wait."""
    first = make_store(kind)
    second = make_store(kind, lock_timeout=0.3)
    st = state()
    first.put(st)
    with session_held(first, st.session_id):
        with pytest.raises(SessionBusy):
            with second.lock(st.session_id):
                pass
    with second.lock(st.session_id):  # free again once released
        assert second.get(st.session_id) is not None


@pytest.mark.parametrize("kind", KINDS)
def test_waiting_too_long_for_a_session_raises_busy(make_store, kind):
    store = make_store(kind, lock_timeout=0.2)
    sid = secrets.token_urlsafe(18)
    store.put(state(sid))
    with session_held(store, sid):
        with pytest.raises(SessionBusy):
            with store.lock(sid):
                pass


@pytest.mark.parametrize("kind", KINDS)
def test_audit_entries_are_appended_revised_and_filtered(make_store, kind):
    store = make_store(kind)
    a, b = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    first = entry_for(finished(a), "text", now=1_000.0)
    store.put(finished(a), audit=AuditEvent(kind="append", entry=first))
    second = entry_for(finished(b, "soon", ["fever"]), "vosk", now=2_000.0)
    store.put(finished(b), audit=AuditEvent(kind="append", entry=second))
    # a new sign after the advice revises the entry of that check, and adds none
    revision = entry_for(finished(a, "urgent", ["leg_weakness"]), "pocketsphinx", now=3_000.0)
    store.put(finished(a), audit=AuditEvent(kind="revise", entry=revision))

    entries = store.audit_entries()
    assert [e.id for e in entries] == [first.id, second.id]
    assert entries[0].urgency.value == "urgent" and entries[0].reasons == ["leg_weakness"]
    assert entries[0].time == first.time and entries[0].revised_at == revision.time
    assert entries[0].engine == "pocketsphinx"
    assert entries[1].engine == "vosk" and entries[1].weeks == 30
    assert [e.id for e in store.audit_entries(since=1_500.0)] == [second.id]
    # the session's own data can go; its audit entries stay
    store.delete(a)
    assert len(store.audit_entries()) == 2


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_per_session_locks_do_not_pile_up(make_store, kind):
    store = make_store(kind)
    locks = store._locks if kind == "memory" else store._local
    for _ in range(50):
        st = state()
        store.put(st)
        with store.lock(st.session_id):
            assert len(locks) == 1
    assert len(locks) == 0
