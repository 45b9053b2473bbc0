"""Access and limits: API token, CORS, loopback binding, per-client rate limit, slow
bodies, busy conversations, and a server log free of health data."""

from __future__ import annotations

import logging
import socket
import time

import pytest

from voice.cli import build_parser
from voice.http.errors import RedactTracebacks
from voice.http.middleware.ratelimit import TokenBuckets, is_local
from benchmarks.server import ServeProcess, clean_env
from service_harness import answer_for, make_client, make_service, session_held

TOKEN = "s3cret-token-for-tests"


def assert_json_error(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert set(err) == {"code", "message"}
    if code:
        assert err["code"] == code
    return err


# --- API token --------------------------------------------------------------------------


@pytest.fixture
def locked(tmp_path):
    with make_client(tmp_path, "memory", api_token=TOKEN) as c:
        yield c


def test_without_a_token_every_v1_request_is_401(locked):
    for method, path in (("POST", "/v1/sessions"), ("GET", "/v1/sessions/abc"),
                         ("POST", "/v1/sessions/abc/text"), ("DELETE", "/v1/sessions/abc"), ("GET", "/metrics")):
        r = locked.request(method, path)
        assert_json_error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", "Bearer", f"Basic {TOKEN}", TOKEN, "Bearer " + TOKEN[:-1], ""])
def test_a_wrong_token_is_401(locked, header):
    assert_json_error(locked.post("/v1/sessions", headers={"Authorization": header}), 401, "unauthorized")


def test_the_right_token_works_and_health_stays_open(locked):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = locked.post("/v1/sessions", headers=auth)
    assert r.status_code == 201
    sid = r.json()["session_id"]
    assert locked.post(f"/v1/sessions/{sid}/text", json={"text": "my back"}, headers=auth).status_code == 200
    assert locked.post(f"/v1/sessions/{sid}/text", json={"text": "no"}, headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200
    assert locked.get("/healthz").json() == {"status": "ok"}
    assert locked.get("/readyz").status_code == 200
    assert locked.get("/metrics", headers=auth).status_code == 200


def test_no_token_configured_means_no_token_needed(tmp_path):
    with make_client(tmp_path, "memory") as c:
        assert c.post("/v1/sessions").status_code == 201


# --- CORS ---------------------------------------------------------------------------------


def test_cors_is_closed_by_default(tmp_path):
    with make_client(tmp_path, "memory") as c:
        r = c.post("/v1/sessions", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
        pre = c.options("/v1/sessions", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in pre.headers


def test_cors_opens_only_to_the_listed_origins(tmp_path):
    with make_client(tmp_path, "memory", cors_origins=("https://app.example",), api_token=TOKEN) as c:
        pre = c.options("/v1/sessions", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
                                                 "Access-Control-Request-Headers": "authorization, content-type"})
        assert pre.status_code == 200
        assert pre.headers["access-control-allow-origin"] == "https://app.example"
        r = c.post("/v1/sessions", headers={"Origin": "https://app.example", "Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 201 and r.headers["access-control-allow-origin"] == "https://app.example"
        other = c.post("/v1/sessions", headers={"Origin": "https://evil.example", "Authorization": f"Bearer {TOKEN}"})
        assert "access-control-allow-origin" not in other.headers


# --- binding --------------------------------------------------------------------------------


def test_serve_binds_loopback_by_default(monkeypatch):
    monkeypatch.delenv("BACKPAIN_HOST", raising=False)
    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1" and args.log_transcripts is False


def test_session_ids_are_unguessable(tmp_path):
    service = make_service(tmp_path, "memory")
    ids = {service.start().session_id for _ in range(50)}
    assert len(ids) == 50 and all(len(i) >= 24 for i in ids)  # 144 random bits each


# --- rate limit -----------------------------------------------------------------------------


def test_token_bucket_refills_at_the_rate():
    now = [0.0]
    buckets = TokenBuckets(rate=2, burst=3, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(0.5)
    assert buckets.take("b") == 0  # another client has its own bucket
    now[0] += 0.5
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0
    now[0] += 100
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]  # never more than the burst
    assert buckets.take("a") > 0


def test_token_buckets_forget_old_clients():
    buckets = TokenBuckets(rate=1, burst=1, max_clients=100, clock=lambda: 0.0)
    for i in range(1000):
        buckets.take(f"10.0.{i // 256}.{i % 256}")
    assert len(buckets._buckets) == 100


def test_loopback_detection():
    assert is_local("127.0.0.1") and is_local("::1") and is_local("127.8.9.1") and is_local(None)
    assert is_local("testclient")  # in-process test client: no address
    assert not is_local("10.0.0.5") and not is_local("192.168.1.20") and not is_local("2001:db8::1")


def test_a_remote_client_over_its_rate_gets_429_with_retry_after(tmp_path):
    with make_client(tmp_path, "memory", client=("203.0.113.9", 40000), rate_limit=0.01, rate_burst=3) as c:
        assert [c.post("/v1/sessions").status_code for _ in range(3)] == [201] * 3
        r = c.post("/v1/sessions")
        assert_json_error(r, 429, "rate_limited")
        assert int(r.headers["retry-after"]) >= 1
        assert c.get("/healthz").status_code == 200  # health checks are never limited


def test_loopback_clients_are_limited_only_when_asked(tmp_path):
    with make_client(tmp_path, "memory", client=("127.0.0.1", 40000), rate_limit=0.01, rate_burst=2) as c:
        assert all(c.post("/v1/sessions").status_code == 201 for _ in range(10))
    with make_client(tmp_path, "memory", client=("127.0.0.1", 40000), rate_limit=0.01, rate_burst=2,
                     rate_limit_loopback=True) as c:
        assert [c.post("/v1/sessions").status_code for _ in range(3)] == [201, 201, 429]


# --- a conversation busy with another request -------------------------------------------------


def test_waiting_too_long_for_a_busy_conversation_is_429(tmp_path):
    service = make_service(tmp_path, "memory", lock_timeout=0.2)
    from fastapi.testclient import TestClient
    from voice.http.app import create_app

    with TestClient(create_app(service)) as c:
        sid = c.post("/v1/sessions").json()["session_id"]
        with session_held(service.store, sid):
            r = c.post(f"/v1/sessions/{sid}/text", json={"text": "no"})
            assert_json_error(r, 429, "session_busy")
            assert r.headers["retry-after"] == "1"
        assert c.post(f"/v1/sessions/{sid}/text", json={"text": "my back"}).status_code == 200


# --- through a real server: proxies, slow bodies, the log ---------------------------------------


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("guarded")
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp / "data"), BACKPAIN_API_TOKEN=TOKEN, BACKPAIN_RATE_LIMIT="2/min",
                    BACKPAIN_RATE_BURST="3", BACKPAIN_REQUEST_TIMEOUT="1s", BACKPAIN_SQLITE_SYNC="normal")
    with ServeProcess(tmp, env) as s:
        yield s


def test_real_server_needs_the_token(guarded):
    with guarded.client() as c:
        assert_json_error(c.post("/v1/sessions"), 401, "unauthorized")
        assert c.get("/healthz").status_code == 200


def test_clients_behind_a_local_proxy_are_limited_one_by_one(guarded):
    """uvicorn trusts X-Forwarded-For from loopback peers only: a reverse proxy on this
    machine passes the real client address, and each address has its own bucket."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with guarded.client() as c:
        far = {**auth, "X-Forwarded-For": "198.51.100.7"}
        codes = [c.post("/v1/sessions", headers=far).status_code for _ in range(4)]
        assert codes[:3] == [201] * 3 and codes[3] == 429
        other = {**auth, "X-Forwarded-For": "198.51.100.8"}
        assert c.post("/v1/sessions", headers=other).status_code == 201
        assert all(c.post("/v1/sessions", headers=auth).status_code == 201 for _ in range(6))  # local: not limited


def test_a_body_that_arrives_too_slowly_gets_408(guarded):
    head = (f"POST /v1/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
            "Content-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"weeks\":").encode()
    with socket.create_connection(("127.0.0.1", guarded.port), timeout=15) as s:
        s.sendall(head)  # ...and the rest never comes
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    status = int(data.split(b" ", 2)[1])
    assert status == 408, data[:300]
    assert b'"request_timeout"' in data


WORDS = "my back has hurt since the zebra parade"


def run_conversation(server: ServeProcess, headers: dict | None = None) -> str:
    with server.client(headers=headers or {}) as c:
        reply = c.post("/v1/sessions", json={}).json()
        sid = reply["session_id"]
        reply = c.post(f"/v1/sessions/{sid}/text", json={"text": WORDS}).json()
        for _ in range(40):
            if reply["done"]:
                break
            reply = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply)}).json()
        c.post(f"/v1/sessions/{sid}/text", content=b'{"text": "zebra bleeding', headers={"Content-Type": "application/json"})
        return reply["say"]


def test_the_server_log_holds_no_health_data(guarded):
    advice = run_conversation(guarded, {"Authorization": f"Bearer {TOKEN}"})
    time.sleep(0.2)
    log = guarded.logs()
    assert "POST /v1/sessions/" in log  # the access log is there: method, path, status
    for secret in ("zebra", "parade", advice[:30], "bleeding"):
        assert secret not in log


def test_log_transcripts_is_loud_and_logs_what_was_said(tmp_path):
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp_path / "data"), BACKPAIN_SQLITE_SYNC="normal")
    with ServeProcess(tmp_path, env, args=["--log-transcripts"], name="debug") as s:
        run_conversation(s)
        time.sleep(0.2)
        log = s.logs()
    assert "WARNING: --log-transcripts" in log and "never on a service real people use" in log
    assert "zebra parade" in log


def test_tracebacks_are_redacted_in_the_log(caplog):
    logger = logging.getLogger("uvicorn.error.redaction-test")
    logger.addFilter(RedactTracebacks())
    try:
        raise ValueError("I have heavy bleeding")
    except ValueError:
        with caplog.at_level(logging.ERROR, logger=logger.name):
            logger.exception("Exception in ASGI application")
    text = caplog.text
    assert "ValueError" in text and "details withheld" in text
    assert "heavy bleeding" not in text and "Traceback" not in text
