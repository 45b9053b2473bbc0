"""Slow, silent and surplus clients are dropped; the small HTTP rules (issue 14, items 2 and 6).

Against a real `backpain serve` (uvicorn) with short timeouts: a silent socket, a client
that sends its headers a byte at a time, and an idle keep-alive connection are all closed;
hundreds of silent sockets under a 256-descriptor limit do not lock out /healthz or a
text turn; HEAD on the health routes, no redirect on a trailing slash, JSON without a
Content-Type read as JSON.
"""

from __future__ import annotations

import socket
import time

import pytest

from benchmarks.server import ServeProcess, clean_env

HEADER_TIMEOUT = 1.5


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("connections")
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp / "data"), BACKPAIN_SESSION_STORE="memory", BACKPAIN_ASR="pocketsphinx",
                    BACKPAIN_ASR_WORKERS="1", BACKPAIN_HEADER_TIMEOUT=f"{HEADER_TIMEOUT}s",
                    BACKPAIN_KEEPALIVE_TIMEOUT="1s")
    with ServeProcess(tmp, env, args=["--log-level", "warning"], max_files=256) as s:
        yield s


def connect(server) -> socket.socket:
    s = socket.create_connection((server.host, server.port), timeout=5)
    s.settimeout(5)
    return s


def closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server closed `sock` within `seconds`, and what it sent before."""
    sock.settimeout(0.2)
    got = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            data = sock.recv(4096)
        except socket.timeout:
            continue
        except ConnectionError:
            return True, got
        if not data:
            return True, got
        got += data
    return False, got


def test_a_silent_connection_is_dropped_after_the_header_timeout(server):
    s = connect(server)
    start = time.monotonic()
    closed, got = closed_within(s, HEADER_TIMEOUT + 3)
    assert closed, "a connection that never sent a request was still open"
    assert HEADER_TIMEOUT - 0.3 < time.monotonic() - start < HEADER_TIMEOUT + 3
    assert got.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in got
    s.close()


def test_headers_sent_a_byte_at_a_time_do_not_keep_a_connection(server):
    s = connect(server)
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 200
    start = time.monotonic()
    closed = False
    for byte in request:  # one byte every 50 ms: ~12 s for all of it, far past the timeout
        try:
            s.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        time.sleep(0.05)
        if time.monotonic() - start > HEADER_TIMEOUT + 3:
            break
    if not closed:
        closed, _ = closed_within(s, 1.0)
    assert closed and time.monotonic() - start < HEADER_TIMEOUT + 3.5
    s.close()


def test_an_idle_keep_alive_connection_is_closed(server):
    s = connect(server)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    closed, got = closed_within(s, 4)
    assert b"200 OK" in got and closed  # answered, then closed after the 1 s keep-alive timeout
    s.close()


def test_hundreds_of_silent_sockets_under_256_descriptors_do_not_lock_anyone_out(server):
    socks = []
    try:
        for _ in range(300):
            try:
                socks.append(connect(server))
            except OSError:
                break
        time.sleep(0.3)
        with server.client(timeout=5) as c:
            for _ in range(5):
                r = c.get("/healthz")
                assert r.status_code == 200
            sid = c.post("/v1/sessions").json()["session_id"]
            r = c.post(f"/v1/sessions/{sid}/text", json={"text": "I'm bleeding heavily"})
            assert r.status_code == 200 and r.json()["triage"]["urgency"] == "emergency"
    finally:
        for s in socks:
            s.close()
    assert "Too many open files" not in server.logs()
    with server.client(timeout=5) as c:
        assert c.get("/healthz").status_code == 200


def test_past_the_connection_cap_the_oldest_waiting_connection_makes_room(tmp_path):
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp_path / "data"), BACKPAIN_SESSION_STORE="memory",
                    BACKPAIN_MAX_CONNECTIONS="10", BACKPAIN_HEADER_TIMEOUT="30s")
    with ServeProcess(tmp_path, env, args=["--log-level", "warning"]) as s:
        first = connect(s)
        others = [connect(s) for _ in range(15)]
        try:
            closed, got = closed_within(first, 3)
            assert closed and b"408" in got  # the oldest silent one went, long before its 30 s
            with s.client(timeout=5) as c:
                assert c.get("/healthz").status_code == 200
        finally:
            for sock in [first, *others]:
                sock.close()


# --- the small ones ---------------------------------------------------------------------------


def test_head_on_the_health_routes(server):
    with server.client() as c:
        for path in ("/healthz", "/readyz"):
            r = c.head(path)
            assert r.status_code in (200, 503) and r.content == b""
        assert c.head("/healthz").status_code == 200


def test_a_trailing_slash_is_a_404_json_error_never_a_redirect(server):
    with server.client(follow_redirects=False) as c:
        for path in ("/healthz/", "/v1/sessions/"):
            r = c.request("GET" if path == "/healthz/" else "POST", path, headers={"Host": "evil.example"})
            assert r.status_code == 404 and "location" not in r.headers
            assert r.json()["error"]["code"] == "not_found"


def test_json_without_a_content_type_is_read_as_json(server):
    s = connect(server)
    try:
        body = b'{"weeks": 30}'
        s.sendall(b"POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        _, got = closed_within(s, 2)
    finally:
        s.close()
    assert got.startswith(b"HTTP/1.1 201") and b'"weeks":30' in got
    with server.client() as c:
        sid = c.post("/v1/sessions").json()["session_id"]
        req = c.build_request("POST", f"/v1/sessions/{sid}/text", content=b'{"text": "my back aches"}')
        req.headers.pop("content-type", None)
        assert c.send(req).status_code == 200


def test_a_request_that_is_not_http_gets_a_json_400(server):
    for raw in (b"HELLO THERE\r\n\r\n", b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"):
        s = connect(server)
        try:
            s.sendall(raw)
            closed, got = closed_within(s, 3)
        finally:
            s.close()
        assert closed and got.startswith(b"HTTP/1.1 400") and b'"code": "bad_request"' in got
