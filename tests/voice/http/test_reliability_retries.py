"""Safe retries (issue 14, item 5): every Reply carries `turn`; a text turn may send it back
(`"turn": N`), an audio turn as `If-Match: N`; a stale one gets 409 turn_conflict with the
current Reply and changes nothing, so a retried request never answers a question twice.
On every store (memory, real SQLite, real Redis) and across a SIGKILL of the server."""

from __future__ import annotations

import pytest

from benchmarks.server import RedisProcess, ServeProcess, clean_env
from service_harness import answer_for, make_client
from asr_support import FIXTURES

WAV = {"Content-Type": "audio/wav"}


@pytest.fixture(params=["memory", "sqlite", "redis"])
def client(request, tmp_path):
    if request.param == "redis":
        if RedisProcess.binary() is None:
            pytest.skip("redis-server is not installed (scripts/install-system-deps.sh --test installs it)")
        with RedisProcess(tmp_path / "redis") as redis, make_client(tmp_path, redis.url) as c:
            yield c
    else:
        with make_client(tmp_path, request.param) as c:
            yield c


def conflict(r) -> dict:
    assert r.status_code == 409, (r.status_code, r.text[:300])
    body = r.json()
    assert body["error"]["code"] == "turn_conflict" and body["error"]["message"]
    return body["reply"]


def test_every_reply_counts_the_answered_turns(client):
    reply = client.post("/v1/sessions").json()
    assert reply["turn"] == 0
    sid = reply["session_id"]
    for n in range(1, 4):
        reply = client.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply), "turn": reply["turn"]}).json()
        assert reply["turn"] == n
    assert client.get(f"/v1/sessions/{sid}").json()["turn"] == 3


def test_a_retried_text_turn_is_not_answered_twice(client):
    opening = client.post("/v1/sessions").json()
    sid = opening["session_id"]
    first = client.post(f"/v1/sessions/{sid}/text", json={"text": "my lower back aches", "turn": 0}).json()
    asked = first["asking"]
    # the reply was lost; the client sends the same request again
    current = conflict(client.post(f"/v1/sessions/{sid}/text", json={"text": "my lower back aches", "turn": 0}))
    assert current == first  # the current Reply: the question the person has not answered yet
    # a "no" meant for the opening question, sent again after its reply was lost, rules nothing out
    conflict(client.post(f"/v1/sessions/{sid}/text", json={"text": "no", "turn": 0}))
    now = client.get(f"/v1/sessions/{sid}").json()
    assert now == first and all(now["slots"][s] is None for s in asked)
    # the right turn goes on; a turn from the future is refused too
    nxt = client.post(f"/v1/sessions/{sid}/text", json={"text": "no", "turn": 1}).json()
    assert nxt["turn"] == 2 and all(nxt["slots"][s] == "no" for s in asked)
    conflict(client.post(f"/v1/sessions/{sid}/text", json={"text": "no", "turn": 7}))
    # without a turn, a request is answered as before (the field is optional)
    assert client.post(f"/v1/sessions/{sid}/text", json={"text": "no"}).json()["turn"] == 3


@pytest.mark.parametrize("bad", [-1, "3", True, 1.5, None])
def test_a_turn_that_is_no_turn_number_is_a_clear_422(client, bad):
    sid = client.post("/v1/sessions").json()["session_id"]
    body = {"text": "my back", "turn": bad}
    r = client.post(f"/v1/sessions/{sid}/text", json=body)
    if bad is None:  # null is the same as leaving it out
        assert r.status_code == 200
    else:
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request" and "turn" in r.text


def test_a_stale_if_match_on_audio_is_409_before_anything_is_decoded(client):
    sid = client.post("/v1/sessions").json()["session_id"]
    client.post(f"/v1/sessions/{sid}/text", json={"text": "my back aches"})
    wav = (FIXTURES / "yesno/no__pyttsx3-en-us+f2.wav").read_bytes()
    for stale in ("0", '"0"', 'W/"0"'):
        current = conflict(client.post(f"/v1/sessions/{sid}/audio", content=wav, headers={**WAV, "If-Match": stale}))
        assert current["turn"] == 1
    r = client.post(f"/v1/sessions/{sid}/audio", content=wav, headers={**WAV, "If-Match": "soon"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request" and "If-Match" in r.text
    assert client.get(f"/v1/sessions/{sid}").json()["turn"] == 1


def test_after_sigkill_a_client_that_retries_stays_in_step(tmp_path):
    """The server dies after committing a turn and before the client read its reply: the
    client's retry gets 409 and the current Reply, and goes on from there."""
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp_path / "data"))
    server = ServeProcess(tmp_path, env, args=["--log-level", "warning"]).start()
    try:
        with server.client() as c:
            reply = c.post("/v1/sessions").json()
            sid = reply["session_id"]
            for _ in range(3):
                reply = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply), "turn": reply["turn"]}).json()
            sent = {"text": answer_for(reply), "turn": reply["turn"]}
            applied = c.post(f"/v1/sessions/{sid}/text", json=sent).json()  # committed; say its reply was lost
        server.kill()
        server.start()
        with server.client() as c:
            current = conflict(c.post(f"/v1/sessions/{sid}/text", json=sent))
            assert current == applied and current["turn"] == sent["turn"] + 1
            reply = current
            while not reply["done"]:
                reply = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply), "turn": reply["turn"]}).json()
                assert reply["turn"] < 60
    finally:
        server.kill()


def test_the_api_docs_name_turn_if_match_and_409(client):
    spec = client.get("/openapi.json").json()
    text_op = spec["paths"]["/v1/sessions/{session_id}/text"]["post"]
    audio_op = spec["paths"]["/v1/sessions/{session_id}/audio"]["post"]
    assert "409" in text_op["responses"] and "409" in audio_op["responses"]
    assert any(p["name"] == "If-Match" for p in audio_op["parameters"])
    assert "turn" in spec["components"]["schemas"]["TurnTextRequest"]["properties"]
    assert "turn" in spec["components"]["schemas"]["Reply"]["properties"]
