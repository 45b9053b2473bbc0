"""Store faults are 503s (issue 14, item 3): a locked, full or read-only database answers
`503 store_unavailable` with Retry-After, never a 500; /readyz says not ready while the
store cannot write; and it all recovers without a restart.

Disk full and read-only use a small tmpfs of their own, so they run only as root (mount);
otherwise they are skipped, saying why."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time

import pytest

from benchmarks.server import ServeProcess, clean_env
from service_harness import answer_for, make_client


def assert_store_unavailable(r) -> None:
    assert r.status_code == 503, (r.status_code, r.text[:300])
    assert r.json()["error"]["code"] == "store_unavailable" and int(r.headers["retry-after"]) >= 1


def test_a_database_locked_by_another_program_is_503_then_recovers(tmp_path):
    with make_client(tmp_path, "sqlite", lock_timeout=0.5) as c:
        sid = c.post("/v1/sessions").json()["session_id"]
        other = sqlite3.connect(tmp_path / "data" / "backpain.db", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # e.g. someone's sqlite3 shell, or a backup tool
        try:
            assert_store_unavailable(c.post(f"/v1/sessions/{sid}/text", json={"text": "I'm bleeding heavily"}))
            assert_store_unavailable(c.post("/v1/sessions"))
            assert c.get("/readyz").status_code == 503
            assert c.get("/healthz").status_code == 200
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert c.get("/readyz").status_code == 200
        r = c.post(f"/v1/sessions/{sid}/text", json={"text": "I'm bleeding heavily"})
        assert r.status_code == 200 and r.json()["triage"]["urgency"] == "emergency"


@pytest.fixture
def small_disk(tmp_path):
    """A 8 MB tmpfs of our own (root only)."""
    if os.geteuid() != 0:
        pytest.skip("disk full and read-only need a tmpfs of their own: mount needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mnt)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def fill(folder) -> None:
    """Writes a file until the disk is full."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (65536, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)


def turns_until_refused(c, sid, reply, limit=40):
    """Turns until one is refused (a turn may still fit in pages the WAL already has)."""
    for _ in range(limit):
        r = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply), "turn": reply["turn"]})
        if r.status_code != 200:
            return r, reply
        reply = r.json()
        if reply["done"]:
            reply = c.post(f"/v1/sessions/{sid}/text", json={"text": "start over"}).json()
    raise AssertionError("the store kept taking turns on a full disk")


def test_disk_full_is_503_not_ready_and_recovers_when_space_returns(small_disk, tmp_path):
    env = clean_env(BACKPAIN_DATA_DIR=str(small_disk / "data"), BACKPAIN_ASR="pocketsphinx", BACKPAIN_ASR_WORKERS="1")
    with ServeProcess(tmp_path, env, args=["--log-level", "warning"]) as s, s.client() as c:
        s.wait_ready()  # the recogniser is in: /readyz now says only what the store can do
        reply = c.post("/v1/sessions").json()
        sid = reply["session_id"]
        fill(small_disk)
        r, reply = turns_until_refused(c, sid, reply)
        assert_store_unavailable(r)
        assert_store_unavailable(c.post("/v1/sessions"))
        assert c.get("/readyz").status_code == 503
        assert c.get("/healthz").status_code == 200
        os.remove(small_disk / "filler")  # space returns: no restart
        assert c.get("/readyz").status_code == 200
        r = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply), "turn": reply["turn"]})
        assert r.status_code == 200  # the refused turn was not applied: the same turn goes through
        assert c.post("/v1/sessions").status_code == 201
    assert "Traceback" not in s.logs() and "internal_error" not in s.logs()


def test_a_read_only_disk_is_503_and_recovers_when_writable_again(small_disk, tmp_path):
    data = small_disk / "data"
    from voice.store import SQLiteStore

    SQLiteStore.in_dir(data).close()  # the data of an earlier run
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    env = clean_env(BACKPAIN_DATA_DIR=str(data), BACKPAIN_ASR="pocketsphinx", BACKPAIN_ASR_WORKERS="1")
    try:
        with ServeProcess(tmp_path, env, args=["--log-level", "warning"]) as s, s.client() as c:
            assert c.get("/healthz").status_code == 200  # up, and saying what is wrong
            assert_store_unavailable(c.post("/v1/sessions"))
            assert c.get("/readyz").status_code == 503
            subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
            s.wait_ready(timeout=60)  # no restart
            reply = c.post("/v1/sessions").json()
            assert c.post(f"/v1/sessions/{reply['session_id']}/text", json={"text": "my back aches"}).status_code == 200
        assert "Traceback" not in s.logs()
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], capture_output=True)


def test_redis_down_is_503_and_what_a_restart_without_appendonly_loses(tmp_path):
    from benchmarks.server import RedisProcess

    if RedisProcess.binary() is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps.sh --test installs it)")
    redis = RedisProcess(tmp_path / "redis").start()
    try:
        with make_client(tmp_path, redis.url) as c:
            sid = c.post("/v1/sessions").json()["session_id"]
            redis.stop()
            assert_store_unavailable(c.post(f"/v1/sessions/{sid}/text", json={"text": "I'm bleeding heavily"}))
            assert_store_unavailable(c.post("/v1/sessions"))
            assert c.get("/readyz").status_code == 503
            redis.start()  # the same port, no persistence (appendonly no: docs/service.md)
            assert c.get("/readyz").status_code == 200
            assert c.get(f"/v1/sessions/{sid}").status_code == 404  # lost with Redis's memory
            assert c.post("/v1/sessions").status_code == 201
    finally:
        redis.stop()
