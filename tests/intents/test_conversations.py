"""Scripted conversations (tests/data/conversations.yaml) through the real HTTP server.

Each case is a person; the driver answers whatever the skill asks. The judgement is the
acceptance test's: never under-triage, exact urgency, every emergency caught, and an
emergency named in the first sentence answered in that same reply.
"""

import pytest

from benchmarks.corpus import conversations
from benchmarks.driver import converse, in_process, problems
from intents.dialogue import Dialogue

CASES = conversations()


def test_enough_cases_covering_every_slot():
    assert len(CASES) >= 60
    present = {s for c in CASES for s in (c.get("yes") or []) + (c.get("unsure") or [])}
    from intents.model import load
    assert set(load().slot_ids) <= present


@pytest.fixture(scope="module")
def http(api):
    def start(weeks):
        r = api.post("/v1/sessions", json={"weeks": weeks} if weeks else None)
        assert r.status_code == 201, r.text
        return r.json()

    def turn(session, text):
        r = api.post(f"/v1/sessions/{session}/text", json={"text": text})
        assert r.status_code == 200, r.text
        return r.json()

    return start, turn


@pytest.fixture(scope="module")
def api(live_server):
    with live_server.client(timeout=30) as client:
        yield client


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conversation_over_http(case, http):
    replies = converse(case, *http)
    assert problems(case, replies) == []
    assert all(set(r["slots"]) >= {"weeks", "heavy_bleeding"} for r in replies)

def test_every_case_also_passes_in_process_with_another_number():
    talk = in_process(Dialogue(emergency_number="112"))
    failures = {c["id"]: p for c in CASES if (p := problems(c, converse(c, *talk)))}
    assert failures == {}


def test_every_case_when_yes_is_said_by_describing_the_sign():
    talk = in_process(Dialogue())
    described = [{**c, "style": "descriptive"} for c in CASES]
    failures = {c["id"]: p for c in described if (p := problems(c, converse(c, *talk)))}
    assert failures == {}


def test_every_case_passes_in_british_english():
    """en-GB: its own words and number (999, A&E, maternity triage), the same triage."""
    start, turn = in_process(Dialogue(locale="en-GB"))

    def turn_us_spelling(session, text):  # the cases name what the advice mentions in US spelling
        reply = turn(session, text)
        if reply["triage"]:
            reply["triage"]["advice"] = reply["triage"]["advice"].replace("labour", "labor")
        return reply

    failures = {c["id"]: p for c in CASES if (p := problems(c, converse(c, start, turn_us_spelling)))}
    assert failures == {}
    assert "999" in start(None)["say"]
