"""ectopic_signs (triage.md rule 4), added through the data only: asked before 14 weeks or
with the weeks unknown, urgent, the advice names a possible ectopic pregnancy and the early
pregnancy unit; by text and by voice."""

import pytest

from asr_support import FIXTURES
from service_harness import voice_server
from intents.dialogue import Dialogue
from intents.model import load
from intents.triage import assess

NO = "yesno/no__pyttsx3-en-us+f2.wav"
YES = "yesno/yes__flite-awb.wav"
OPENING = "opening/my-lower-back-aches-when-i-stand__espeak-en+m3.wav"


def _check(dialogue: Dialogue, weeks, opening="my lower back aches", yes=("ectopic_signs",)):
    """Answer every question: yes when it asks about a sign in `yes`, else no."""
    state = dialogue.turn(dialogue.start("e", weeks), opening)
    asked = []
    while not state.done:
        asking = state.last_reply.asking
        asked += asking
        state = dialogue.turn(state, "yes" if set(asking) & set(yes) else "no")
    return state, asked


@pytest.mark.parametrize("weeks", [6, 13, None])
def test_asked_early_or_with_the_weeks_unknown_and_urgent_with_the_early_pregnancy_unit(weeks):
    state, asked = _check(Dialogue(), weeks)
    assert "ectopic_signs" in asked
    triage = state.last_reply.triage
    assert triage.urgency.value == "urgent" and triage.reasons == ["ectopic_signs"]
    assert "ectopic pregnancy" in triage.advice and "early pregnancy unit" in state.last_reply.say


@pytest.mark.parametrize("weeks", [14, 30])
def test_not_asked_from_14_weeks(weeks):
    state, asked = _check(Dialogue(), weeks)
    assert "ectopic_signs" not in asked and state.last_reply.triage.urgency.value == "self_care"


def test_pain_low_on_one_side_said_at_30_weeks_is_not_an_ectopic_pregnancy():
    state, _ = _check(Dialogue(), 30, opening="my back hurts and I have a pain low on my left side", yes=())
    assert "ectopic" not in state.last_reply.triage.advice.lower()


def test_said_in_the_opening_it_is_not_asked_again_and_fainting_makes_it_an_emergency():
    dialogue = Dialogue()
    state = dialogue.turn(dialogue.start("e", 8), "my back aches and the tip of my shoulder hurts")
    assert state.slots["ectopic_signs"] == "yes"
    state, asked = _check(dialogue, 8, opening="my back aches and the tip of my shoulder hurts", yes=())
    assert "ectopic_signs" not in asked and state.last_reply.triage.urgency.value == "urgent"
    rules = dialogue.model.rules
    both = assess(rules, {"ectopic_signs": "yes", "fainting": "yes"}, 8)
    assert both.urgency.value == "emergency" and "ectopic" in both.conditions


def test_british_words():
    state, _ = _check(Dialogue(locale="en-GB"), 9)
    assert "tummy" in load("en-GB").questions.slot_questions["ectopic_signs"].say
    assert "999" not in state.last_reply.say and "ectopic pregnancy" in state.last_reply.triage.advice
    assert "GP" in state.last_reply.triage.advice


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ectopic-voice")
    with voice_server(tmp, 60, BACKPAIN_ASR="pocketsphinx") as server:
        yield server


def test_by_voice(server):
    with server.client(timeout=60) as client:
        reply = client.post("/v1/sessions", json={"weeks": 9}).json()
        sid, asked = reply["session_id"], []
        for turn in range(20):
            if reply["done"]:
                break
            wav = OPENING if turn == 0 else YES if reply["asking"] == ["ectopic_signs"] else NO
            r = client.post(f"/v1/sessions/{sid}/audio", content=(FIXTURES / wav).read_bytes(),
                            headers={"Content-Type": "audio/wav"})
            assert r.status_code == 200, r.text
            reply = r.json()
            asked += reply["asking"]
    assert "ectopic_signs" in asked and reply["done"]
    assert reply["slots"]["ectopic_signs"] == "yes" and reply["triage"]["urgency"] == "urgent"
    assert "ectopic" in reply["triage"]["advice"]
