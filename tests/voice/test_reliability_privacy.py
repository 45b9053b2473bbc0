"""Nothing health-related at rest beyond what the audit promises (issue 14, item 4).

Real `backpain serve` on real SQLite files, and a real redis-server: no transcript in the
session store; a deleted or expired conversation is gone from every file of the data
folder (the database, its -wal and -shm); expiry runs on a timer with no request to
trigger it; the folder is 0700 and its files 0600; the access log has a short hash of the
session id and no query string; /metrics shows health figures only behind the token.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from asr_support import FIXTURES
from benchmarks.server import RedisProcess, ServeProcess, clean_env
from service_harness import answer_for, make_service
from voice.http.middleware.access_log import session_ref

WAV = {"Content-Type": "audio/wav"}


def files_holding(folder: Path, needle: str) -> list[str]:
    """The files under `folder` whose bytes contain `needle`."""
    return [p.name for p in sorted(folder.iterdir()) if p.is_file() and needle.encode() in p.read_bytes()]


def talk(c, turns: int = 3) -> str:
    reply = c.post("/v1/sessions", json={"weeks": 31}).json()
    sid = reply["session_id"]
    for _ in range(turns):
        reply = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply)}).json()
    return sid


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("privacy")
    data = tmp / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)  # as an older version or a wide umask left it
    env = clean_env(BACKPAIN_DATA_DIR=str(data), BACKPAIN_ASR="pocketsphinx", BACKPAIN_ASR_WORKERS="1")
    with ServeProcess(tmp, env) as s:  # log level info: the access log is on
        s.data = data
        yield s


def test_the_data_folder_and_its_files_are_this_users_only(server):
    with server.client() as c:
        talk(c)
    assert stat.S_IMODE(server.data.stat().st_mode) == 0o700
    names = sorted(p.name for p in server.data.iterdir())
    assert {"backpain.db", "backpain.db-wal", "backpain.db-shm"} <= set(names)
    for p in server.data.iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name


def test_a_deleted_conversation_is_gone_from_every_file(server):
    with server.client() as c:
        sid = talk(c)
        assert files_holding(server.data, sid)  # it is on disk while it lasts
        assert c.delete(f"/v1/sessions/{sid}").status_code == 204
        assert files_holding(server.data, sid) == []
        assert c.get(f"/v1/sessions/{sid}").status_code == 404


def test_the_transcript_of_an_audio_turn_is_not_stored(server):
    wav = (FIXTURES / "opening" / "i-have-a-fever-and-chills__flite-rms.wav").read_bytes()
    with server.client(timeout=60) as c:
        server.wait_ready()
        sid = c.post("/v1/sessions").json()["session_id"]
        r = c.post(f"/v1/sessions/{sid}/audio", content=wav, headers=WAV)
        assert r.status_code == 200 and "chills" in r.json()["transcript"]  # the caller gets it
        assert "transcript" not in c.get(f"/v1/sessions/{sid}").json()
    db = sqlite3.connect(server.data / "backpain.db")
    state = json.loads(db.execute("SELECT state FROM sessions WHERE id = ?", (sid,)).fetchone()[0])
    db.close()
    assert state["last_reply"]["transcript"] is None
    assert files_holding(server.data, "chills") == []


def test_the_access_log_has_a_hash_of_the_session_id_and_no_query_string(server):
    with server.client() as c:
        sid = talk(c, turns=1)
        c.get(f"/v1/sessions/{sid}?token=sekrit-in-the-query")
        c.get("/healthz?api_key=another-sekrit")
    time.sleep(0.3)
    log = server.logs()
    assert f"/v1/sessions/{session_ref(sid)}/text" in log and '" 200 ' in log
    assert sid not in log and sid[:12] not in log
    assert "sekrit" not in log and "?" not in "".join(l for l in log.splitlines() if "/v1/" in l)


def test_an_expired_conversation_is_deleted_on_a_timer(tmp_path):
    data = tmp_path / "data"
    env = clean_env(BACKPAIN_DATA_DIR=str(data), BACKPAIN_SESSION_TTL="2s")
    with ServeProcess(tmp_path, env, args=["--log-level", "warning"]) as s:
        with s.client() as c:
            sid = talk(c)
        assert files_holding(data, sid)
        deadline = time.monotonic() + 8  # 2 s of idleness, then the next tick (every 0.5 s)
        while files_holding(data, sid) and time.monotonic() < deadline:
            time.sleep(0.25)  # no request at all: nothing but the timer can delete it
        assert files_holding(data, sid) == []


def test_metrics_show_no_health_figures_without_a_token(tmp_path):
    from fastapi.testclient import TestClient
    from voice.http.app import create_app

    for token in ("", "t0ken"):
        app = create_app(make_service(tmp_path / (token or "open"), "memory", api_token=token))
        with TestClient(app) as c:
            auth = {"Authorization": f"Bearer {token}"} if token else {}
            reply = c.post("/v1/sessions", headers=auth).json()
            c.post(f"/v1/sessions/{reply['session_id']}/text", json={"text": "I'm bleeding heavily"}, headers=auth)
            if token:
                assert c.get("/metrics").status_code == 401
            text = c.get("/metrics", headers=auth).text
            assert "backpain_turns_total" in text
            assert ("backpain_triage_total" in text) == bool(token)


def test_redis_keeps_no_transcript(tmp_path):
    if RedisProcess.binary() is None:
        pytest.skip("redis-server is not installed (scripts/install-system-deps.sh --test installs it)")
    import redis

    with RedisProcess(tmp_path / "redis") as server:
        service = make_service(tmp_path, server.url)
        sid = service.start().session_id
        reply = service.turn(sid, "i have a fever and chills", transcript="i have a fever and chills")
        assert reply.transcript == "i have a fever and chills"
        raw = redis.Redis.from_url(server.url).get(service.store._key(sid))
        assert b"chills" not in raw and json.loads(raw)["last_reply"]["transcript"] is None
        assert service.latest(sid).transcript is None
