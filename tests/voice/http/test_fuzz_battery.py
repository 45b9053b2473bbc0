"""A hand-written battery of bad requests against a real `backpain serve`: each one gets
a 4xx with the JSON error shape, and the conversation it was aimed at is unharmed."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from benchmarks.server import ServeProcess, clean_env

JSON = {"Content-Type": "application/json"}
MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("battery")
    with ServeProcess(tmp, clean_env(BACKPAIN_DATA_DIR=str(tmp / "data"), BACKPAIN_SQLITE_SYNC="normal")) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    with server.client(timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def session(client):
    reply = client.post("/v1/sessions", json={}).json()
    return client.post(f"/v1/sessions/{reply['session_id']}/text", json={"text": "my back hurts"}).json()


def assert_error(r: httpx.Response, *statuses: int) -> dict:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    if statuses:
        assert r.status_code in statuses, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def assert_unharmed(client, session) -> None:
    latest = client.get(f"/v1/sessions/{session['session_id']}")
    assert latest.status_code == 200 and latest.json() == session


def chunks(data: bytes, size: int = 256 * 1024):
    for i in range(0, len(data), size):
        yield data[i:i + size]


BAD_TEXT_BODIES = {
    "malformed json": (b'{"text": "no"', JSON, 400),
    "trailing garbage": (b'{"text": "no"} xyz', JSON, 400),
    "not an object": (b'["no"]', JSON, 422),
    "a bare string": (b'"no"', JSON, 422),
    "null": (b"null", JSON, 422),
    "number for text": (b'{"text": 5}', JSON, 422),
    "null text": (b'{"text": null}', JSON, 422),
    "list for text": (b'{"text": ["no"]}', JSON, 422),
    "object for text": (b'{"text": {"no": 1}}', JSON, 422),
    "missing text": (b"{}", JSON, 422),
    "unknown field": (b'{"text": "no", "urgency": "self_care"}', JSON, 422),
    "text too long": (json.dumps({"text": "no " * 1000}).encode(), JSON, 422),
    "1 MB of text": (json.dumps({"text": "a" * MB}).encode(), JSON, 413),
    "5 MB of text": (json.dumps({"text": "a" * (5 * MB)}).encode(), JSON, 413),
    "invalid utf-8": (b'{"text": "\xff\xfe\xc3\x28 no"}', JSON, 400),
    "lone surrogate escape": (b'{"text": "\\ud800"}', JSON, None),
    "deeply nested": (b'{"text": ' + b"[" * 20000 + b"]" * 20000 + b"}", JSON, 400),
    "huge number": (b'{"text": 1e999999}', JSON, 422),
    "empty body": (b"", JSON, 422),
    "empty body, no type": (b"", {}, 422),
    "plain text": (b"no", {"Content-Type": "text/plain"}, 415),
    "form": (b"text=no", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
    "multipart": (b"--x\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nno\r\n--x--\r\n",
                  {"Content-Type": "multipart/form-data; boundary=x"}, 415),
    "wav to the text endpoint": (b"RIFF\x24\x00\x00\x00WAVEfmt ", {"Content-Type": "audio/wav"}, 415),
    "json but a lie": (b"\x00\x01\x02binary", JSON, 400),
}


@pytest.mark.parametrize("name", list(BAD_TEXT_BODIES))
def test_bad_text_turns_get_a_json_4xx_and_the_session_goes_on(client, session, name):
    body, headers, status = BAD_TEXT_BODIES[name]
    r = client.post(f"/v1/sessions/{session['session_id']}/text", content=body, headers=headers)
    if status is None and r.status_code == 200:
        pytest.skip("accepted: a valid request, not an error case")  # e.g. a lone surrogate
    assert_error(r, *([status] if status else []))
    assert_unharmed(client, session)


def test_streamed_5_mb_without_content_length_is_cut_off(client, session):
    big = json.dumps({"text": "a" * (5 * MB)}).encode()
    r = client.post(f"/v1/sessions/{session['session_id']}/text", content=chunks(big), headers=JSON)
    assert_error(r, 413)
    assert_unharmed(client, session)


ODD_IDS = {
    "unknown": "x" * 24,
    "very long": "a" * 5000,
    "unicode": "s\u00e9ssion-\U0001f600",
    "dot dot slash": "..%2F..%2Fetc%2Fpasswd",
    "dot dot": "..",
    "encoded nul": "abc%00def",
    "spaces": "a%20b",
    "quotes": "%22%3Cscript%3E",
    "sql": "x'%20OR%20'1'%3D'1",
}


@pytest.mark.parametrize("name", list(ODD_IDS))
def test_odd_session_ids_are_404_json(client, session, name):
    sid = ODD_IDS[name]
    for method, path, kwargs in (
        ("GET", f"/v1/sessions/{sid}", {}),
        ("POST", f"/v1/sessions/{sid}/text", {"json": {"text": "no"}}),
        ("DELETE", f"/v1/sessions/{sid}", {}),
    ):
        r = client.request(method, path, **kwargs)
        assert_error(r, 404, 405)
    assert_unharmed(client, session)


BAD_STARTS = {
    "weeks zero": b'{"weeks": 0}',
    "weeks too many": b'{"weeks": 99}',
    "weeks as words": b'{"weeks": "ten"}',
    "weeks fraction": b'{"weeks": 12.5}',
    "weeks negative": b'{"weeks": -3}',
    "weeks huge": b'{"weeks": 1e400}',
    "unknown field": b'{"weeks": 20, "name": "Ann"}',
    "malformed": b'{"weeks": ',
    "array": b"[20]",
}


@pytest.mark.parametrize("name", list(BAD_STARTS))
def test_bad_session_starts_are_4xx_json(client, name):
    assert_error(client.post("/v1/sessions", content=BAD_STARTS[name], headers=JSON))


def test_wrong_methods_and_paths_are_4xx_json(client, session):
    sid = session["session_id"]
    for method, path in (("PUT", f"/v1/sessions/{sid}"), ("PATCH", f"/v1/sessions/{sid}"),
                         ("GET", f"/v1/sessions/{sid}/text"), ("DELETE", "/v1/sessions"),
                         ("GET", "/v2/sessions"), ("POST", "/healthz"), ("GET", "/nowhere")):
        r = client.request(method, path)
        assert_error(r, 404, 405)
        if r.status_code == 405:
            assert r.headers["allow"]
    assert_unharmed(client, session)


def test_raw_socket_oddities_get_4xx(server, client, session):
    """What an HTTP client library would not send: a lying Content-Length, a bare LF."""
    host, port = "127.0.0.1", server.port
    path = f"/v1/sessions/{session['session_id']}/text"
    payloads = [
        # the declared length is larger than what is sent, then the client gives up
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{{\"text\"".encode(),
        # a non-numeric Content-Length
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n".encode(),
        b"NOT-HTTP\r\n\r\n",
    ]
    for payload in payloads:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            data = b""
            try:
                while chunk := s.recv(65536):
                    data += chunk
            except OSError:
                pass
        if data:  # the server may also just close the connection; it must never answer 5xx
            status = int(data.split(b" ", 2)[1])
            assert 400 <= status < 500, data[:200]
    assert_unharmed(client, session)


def test_the_conversation_still_works_after_the_battery(client, session, server):
    r = client.post(f"/v1/sessions/{session['session_id']}/text", json={"text": "no"})
    assert r.status_code == 200 and r.json()["session_id"] == session["session_id"]
    log = server.logs()
    assert "Traceback" not in log and '" 5' not in log
