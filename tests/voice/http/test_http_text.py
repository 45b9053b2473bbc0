"""The text endpoints of interface.md against a real `backpain serve` process."""

from intents.model import load

REPLY_KEYS = {"session_id", "say", "asking", "expecting", "done", "slots", "triage", "turn"}


def error_of(response):
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return body["error"]["code"]


def test_health(api):
    assert api.get("/healthz").json() == {"status": "ok"}


def test_create_session_greets_and_asks(api):
    r = api.post("/v1/sessions")
    assert r.status_code == 201
    reply = r.json()
    assert set(reply) == REPLY_KEYS
    assert reply["expecting"] == "free_text" and reply["triage"] is None and reply["done"] is False
    assert set(reply["slots"]) == set(load().slot_ids) | {"weeks"}
    assert "911" in reply["say"] and reply["turn"] == 0


def test_create_with_weeks(api):
    reply = api.post("/v1/sessions", json={"weeks": 28}).json()
    assert reply["slots"]["weeks"] == 28


def test_text_turn_get_and_delete(api):
    sid = api.post("/v1/sessions").json()["session_id"]
    reply = api.post(f"/v1/sessions/{sid}/text", json={"text": "my back hurts"}).json()
    assert reply["expecting"] == "yes_no" and reply["asking"]
    assert api.get(f"/v1/sessions/{sid}").json() == reply
    assert api.delete(f"/v1/sessions/{sid}").status_code == 204
    gone = api.post(f"/v1/sessions/{sid}/text", json={"text": "no"})
    assert gone.status_code == 404 and error_of(gone) == "session_not_found"
    assert api.delete(f"/v1/sessions/{sid}").status_code == 404


def test_emergency_in_first_sentence(api):
    sid = api.post("/v1/sessions").json()["session_id"]
    reply = api.post(f"/v1/sessions/{sid}/text", json={"text": "I'm bleeding heavily and feel faint"}).json()
    assert reply["done"] and reply["triage"]["urgency"] == "emergency"
    assert "heavy_bleeding" in reply["triage"]["reasons"]
    assert reply["asking"] == [] and reply["expecting"] is None


def test_bad_input_gets_4xx_json_and_the_session_goes_on(api):
    sid = api.post("/v1/sessions").json()["session_id"]
    url = f"/v1/sessions/{sid}/text"
    bad = [
        api.post(url, content=b"{not json", headers={"content-type": "application/json"}),
        api.post(url, json={"text": 42}),
        api.post(url, json={"words": "hello"}),
        api.post(url, json=["text"]),
        api.post(url, content=b'{"text": "\xff\xfe bad utf8"}', headers={"content-type": "application/json"}),
        api.post(url, json={"text": "x" * 3_000_000}),
        api.post(url),
        api.post("/v1/sessions", json={"weeks": 99}),
        api.post("/v1/sessions", json={"weeks": "soon"}),
        api.post("/v1/sessions/does-not-exist/text", json={"text": "hi"}),
        api.get("/v1/sessions/" + "a" * 5000),
    ]
    for r in bad:
        assert 400 <= r.status_code < 500, (r.status_code, r.text[:200])
        error_of(r)
    ok = api.post(url, json={"text": "my back hurts"})
    assert ok.status_code == 200 and ok.json()["expecting"] == "yes_no"


def test_finished_session_repeats_advice_and_can_start_over(api):
    sid = api.post("/v1/sessions").json()["session_id"]
    done = api.post(f"/v1/sessions/{sid}/text", json={"text": "I can't breathe"}).json()
    assert done["done"]
    again = api.post(f"/v1/sessions/{sid}/text", json={"text": "repeat"}).json()
    assert again["triage"] == done["triage"]
    other = api.post(f"/v1/sessions/{sid}/text", json={"text": "ok thanks"}).json()
    # thanks get a brief reply (issue 15), never the whole advice again; the advice stays
    assert done["triage"]["advice"] not in other["say"] and "start over" in other["say"]
    assert other["done"] and other["triage"] == done["triage"]
    fresh = api.post(f"/v1/sessions/{sid}/text", json={"text": "start over"}).json()
    assert not fresh["done"] and fresh["expecting"] == "free_text" and fresh["slots"]["breathing"] is None


def test_openapi_docs(api):
    assert api.get("/docs").status_code == 200
    spec = api.get("/openapi.json").json()
    assert "/v1/sessions/{session_id}/text" in spec["paths"]
