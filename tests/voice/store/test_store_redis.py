"""Scale-out: the Redis store against a real redis-server, and two real `backpain serve`
processes sharing one conversation."""

from __future__ import annotations

import secrets
import threading
import time

import httpx
import pytest
import redis

from models import DialogueState
from voice.store import RedisStore, SessionBusy, StoreUnavailable
from benchmarks.server import RedisProcess, ServeProcess, clean_env, free_port
from service_harness import answer_for, run_increment_workers


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    if RedisProcess.binary() is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps.sh installs it)")
    server = RedisProcess(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def store(redis_server):
    s = RedisStore(redis_server.url, prefix=f"t{secrets.token_hex(4)}:")
    yield s
    s.close()


def test_processes_sharing_redis_never_lose_an_update(redis_server, store):
    sid = secrets.token_urlsafe(18)
    store.put(DialogueState(session_id=sid))
    # the workers use the default prefix; so does this check
    shared = RedisStore(redis_server.url)
    shared.put(DialogueState(session_id=sid))
    run_increment_workers(redis_server.url, sid, processes=3, times=40)
    assert shared.get(sid).turns == 120
    shared.close()


def test_sessions_expire_in_redis_itself(redis_server, store):
    st = DialogueState(session_id=secrets.token_urlsafe(18))
    store.put(st)
    r = redis.Redis.from_url(redis_server.url)
    pttl = r.pttl(store._key(st.session_id))
    assert 0 < pttl <= 24 * 3600 * 1000  # every write sets the idle expiry
    r.close()


def test_the_lock_of_a_crashed_holder_expires(redis_server):
    store = RedisStore(redis_server.url, prefix=f"t{secrets.token_hex(4)}:", lock_timeout=10)
    sid = secrets.token_urlsafe(18)
    store.put(DialogueState(session_id=sid))
    # a process died holding the lock: its lease runs out and the conversation goes on
    store.r.set(store._lock_key(sid), "dead-process", px=300)
    with store.lock(sid):
        assert store.get(sid) is not None
    assert store.r.get(store._lock_key(sid)) is None  # released
    store.close()


def test_a_writer_whose_lease_ran_out_cannot_overwrite_a_newer_turn(redis_server):
    prefix = f"t{secrets.token_hex(4)}:"
    slow = RedisStore(redis_server.url, prefix=prefix, lock_timeout=0.1, lease=0.1)
    fast = RedisStore(redis_server.url, prefix=prefix, lock_timeout=5)
    sid = secrets.token_urlsafe(18)
    slow.put(DialogueState(session_id=sid))
    with pytest.raises(SessionBusy):
        with slow.lock(sid):
            st = slow.get(sid)
            time.sleep(0.3)  # the lease (100 ms) runs out meanwhile...
            with fast.lock(sid):  # ...and another process takes the conversation
                newer = fast.get(sid)
                newer.turns = 7
                fast.put(newer)
            st.turns = 1
            slow.put(st)  # refused: the lock is no longer ours
    assert fast.get(sid).turns == 7
    slow.close()
    fast.close()


def test_unreachable_redis_is_not_ready_and_fails_cleanly():
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")
    assert store.ping() is False
    with pytest.raises(StoreUnavailable):
        store.get("abc")
    store.close()


@pytest.fixture(scope="module")
def two_servers(redis_server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two-servers")
    env = clean_env(BACKPAIN_SESSION_STORE=redis_server.url, BACKPAIN_DATA_DIR=str(tmp / "data"))
    a = ServeProcess(tmp, env, name="a").start()
    try:
        b = ServeProcess(tmp, env, name="b").start()
    except Exception:
        a.stop()
        raise
    yield a, b
    a.stop()
    b.stop()


def test_two_service_processes_answer_alternate_turns_of_one_conversation(redis_server, two_servers):
    a, b = two_servers
    redis.Redis.from_url(redis_server.url).delete("backpain:audit", "backpain:audit:ts")
    with a.client() as ca, b.client() as cb:
        reply = ca.post("/v1/sessions", json={}).json()
        sid = reply["session_id"]
        clients = [cb, ca]
        turns = 0
        while not reply["done"]:
            c = clients[turns % 2]
            r = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply, {"fever"})})
            assert r.status_code == 200, r.text
            reply = r.json()
            turns += 1
            # both processes see the same latest reply
            assert ca.get(f"/v1/sessions/{sid}").json() == cb.get(f"/v1/sessions/{sid}").json() == reply
            assert turns < 60
        assert turns >= 3
        assert reply["triage"]["urgency"] != "self_care" and "fever" in reply["triage"]["reasons"]
        # "repeat" on the other process repeats the advice and adds no audit entry
        again = clients[turns % 2].post(f"/v1/sessions/{sid}/text", json={"text": "repeat"}).json()
        assert again["done"] and again["triage"] == reply["triage"]
        entries = RedisStore(redis_server.url).audit_entries()
        assert len(entries) == 1 and entries[0].urgency.value == reply["triage"]["urgency"]
        assert entries[0].engine == "text"
        # deleted through one process: gone in the other
        assert cb.delete(f"/v1/sessions/{sid}").status_code == 204
        assert ca.get(f"/v1/sessions/{sid}").status_code == 404


def test_parallel_turns_on_both_processes_never_cross(redis_server, two_servers):
    a, b = two_servers
    sid = httpx.post(a.url + "/v1/sessions", json={}).json()["session_id"]
    statuses: list[int] = []
    replies: list[dict] = []
    guard = threading.Lock()

    def hammer(url: str):
        with httpx.Client(base_url=url, timeout=30) as c:
            for _ in range(8):
                r = c.post(f"/v1/sessions/{sid}/text", json={"text": "what?"})
                with guard:
                    statuses.append(r.status_code)
                    if r.status_code == 200:
                        replies.append(r.json())

    threads = [threading.Thread(target=hammer, args=(s.url,)) for s in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert set(statuses) <= {200, 429}, statuses  # 429 session_busy only if a wait ran out
    assert all(r["session_id"] == sid for r in replies)
    # every answered turn was applied exactly once, one after another
    assert RedisStore(redis_server.url).get(sid).turns == statuses.count(200)
