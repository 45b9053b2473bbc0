"""Issue 15: a conversation made for the ear. The advice leads with the urgency and the one
action, is short to hear, never contradicts itself, is worded for the stage of pregnancy
and the country, and what people say after it gets a fitting short reply."""

import re

import pytest

from benchmarks.spoken_bench import advice_cases, over_limits, run, spoken_advice
from benchmarks.corpus import conversations
from benchmarks.driver import converse, in_process, problems
from intents.advice import compose
from intents.dialogue import Dialogue
from intents.model import locales
from intents.triage import assess

LOCALES = locales()
DIALOGUES = {loc: Dialogue(locale=loc) for loc in LOCALES}


def talk(dialogue, *turns, weeks=None):
    state = dialogue.start("t", weeks)
    for text in turns:
        state = dialogue.turn(state, text)
    return state


def to_advice(dialogue, opening="my back aches", weeks=None, answer="no"):
    state = talk(dialogue, opening, weeks=weeks)
    while not state.done:
        state = dialogue.turn(state, "I don't know" if state.last_reply.expecting == "weeks" else answer)
    return state


def first_sentence(text):
    return re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]


def cases(locale):
    d = DIALOGUES[locale]
    return [(name, result, stopped, compose(d.model.advice, result, d.emergency_number, stopped))
            for name, result, stopped in advice_cases(d)]


# --- speech first ------------------------------------------------------------------

def test_every_reply_is_short_to_hear_in_every_locale():
    """Spoken by the project's own TTS: questions under 8 s, help under 10 s, advice at
    most 25 s (emergency 12 s), every reply after the advice and every part of "more" too."""
    assert over_limits(run(LOCALES)) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_first_sentence_of_every_advice_is_the_urgency_and_the_action(locale):
    d = DIALOGUES[locale]
    for name, result, stopped, words in cases(locale):
        assert first_sentence(words.spoken) == words.headline == first_sentence(words.full), name
        if result.urgency == "emergency":
            assert f"Call {d.emergency_number} now" in words.headline, name
        elif result.urgency == "urgent":
            assert words.headline.startswith("Call") and "now" in words.headline, name
        # the whole advice stays on the screen and in the audit
        assert len(words.full) > len(words.spoken), name


def test_an_emergency_says_the_number_within_the_first_seconds():
    state = talk(DIALOGUES["en-US"], "I'm soaking a pad every hour")
    assert state.last_reply.say.startswith("That's an emergency. Call 911 now")


# --- never contradicts itself -------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
def test_the_safety_net_names_only_signs_not_already_found(locale):
    net = DIALOGUES[locale].model.advice.safety_net
    checked = 0
    for name, result, stopped, words in cases(locale):
        when = dict(words.parts)["when_to_call"]
        for sign in net.signs:
            if set(sign.slots) & set(result.reasons):
                assert sign.say not in when, f"{name}: safety net names {sign.say!r}, already found"
                checked += 1
        if set(net.worse.slots) & set(result.reasons):  # the pain is already worse
            assert net.worse.say not in when, name
    assert checked > 20  # the rule was exercised, not vacuously true


@pytest.mark.parametrize("locale", LOCALES)
def test_no_all_clear_unless_the_check_was_finished_and_found_nothing(locale):
    for name, result, stopped, words in cases(locale):
        all_clear = "didn't find any warning signs" in words.full
        assert all_clear == (not result.reasons and not stopped), name
        if stopped:
            assert "finished" in words.full or "stopped the check" in words.full, name


def test_stop_before_any_answer_says_the_check_was_not_finished_and_what_to_do():
    reply = talk(DIALOGUES["en-US"], "stop").last_reply
    assert reply.done and "didn't find" not in reply.say
    assert "isn't finished" in reply.say and "if you're worried, call" in reply.say


# --- stage of pregnancy -------------------------------------------------------------

@pytest.mark.parametrize("locale", LOCALES)
def test_advice_is_worded_for_the_stage_of_pregnancy(locale):
    for name, result, stopped, words in cases(locale):
        text = words.full
        if result.weeks is None:
            for sentence in ("Before 20 weeks", "Between 20 and 36 weeks", "From 37 weeks"):
                assert sentence not in text, name
        elif result.weeks < 20:
            for place in ("labor and delivery", "maternity triage", "assessment unit"):
                assert place not in text, name
        if result.urgency == "urgent" and result.weeks is not None:
            assert ("early pregnancy unit" in words.headline) == (result.weeks < 20), name


@pytest.mark.parametrize("weeks, waters", [(9, False), (16, False), (30, True), (None, True)])
def test_no_waters_question_before_20_weeks(weeks, waters):
    d = DIALOGUES["en-US"]
    state = talk(d, "my back hurts", "yes", weeks=weeks)  # yes to bleeding or fluid: each asked
    asked = [state.last_reply]
    while not state.done and len(asked) < 5:
        state = d.turn(state, "no")
        asked.append(state.last_reply)
    fluid = next(r for r in asked if r.asking == ["fluid_leak"])
    assert ("waters" in fluid.say) is waters


def test_urgent_advice_at_9_weeks_sends_to_the_early_pregnancy_unit():
    state = to_advice(DIALOGUES["en-US"], "my back hurts and I have some spotting", weeks=9)
    assert state.last_reply.triage.urgency == "urgent"
    assert "early pregnancy unit" in first_sentence(state.last_reply.say)
    assert "labor and delivery" not in state.last_reply.triage.advice


# --- after the advice ---------------------------------------------------------------

@pytest.fixture(scope="module")
def advised():
    return to_advice(DIALOGUES["en-US"], weeks=30)


def after(state, text):
    return DIALOGUES["en-US"].turn(state, text).last_reply


@pytest.mark.parametrize("text, words", [
    ("thank you", "welcome"),
    ("bye", "Take care"),
    ("is paracetamol ok?", "pharmacist"),
    ("can I use a heating pad?", "warm, not hot"),
    ("how should I sleep?", "left side"),
    ("is swimming ok?", "walking, swimming"),
    ("when should I go in?", "don't need to go in"),
    ("should I drive myself?", "drive safely"),
    ("what's the weather like", "Say repeat"),
])
def test_what_people_say_after_the_advice_gets_a_short_fitting_reply(advised, text, words):
    reply = after(advised, text)
    assert words in reply.say
    assert reply.done and reply.triage == advised.last_reply.triage
    assert advised.last_reply.triage.advice not in reply.say and len(reply.say) < 160


def test_after_an_emergency_driving_yourself_is_a_no():
    state = talk(DIALOGUES["en-GB"], "I fainted and my back hurts")
    reply = DIALOGUES["en-GB"].turn(state, "should I drive myself there?").last_reply
    assert "don't drive yourself" in reply.say and "999" in reply.say


def test_repeat_says_the_spoken_advice_and_more_walks_through_the_rest(advised):
    d = DIALOGUES["en-US"]
    assert after(advised, "repeat").say == advised.last_reply.say
    state, heard = advised, []
    for _ in range(8):
        state = d.turn(state, "tell me more")
        heard.append(state.last_reply.say)
    result = assess(d.model.rules, advised.slots, advised.weeks)
    parts = [text for _, text in compose(d.model.advice, result, d.emergency_number).parts]
    for text in parts:  # every part once, in order, then "that's all"
        assert sum(text in h for h in heard) == 1
    assert heard[len(parts):] == [d.model.advice.more.all_said] * (8 - len(parts))


def test_a_correction_after_the_advice_still_changes_it(advised):
    reply = after(advised, "oh and now I'm bleeding heavily")
    assert reply.triage.urgency == "emergency"


# --- feelings -----------------------------------------------------------------------

def test_fear_gets_a_kind_sentence_then_the_check_goes_on():
    d = DIALOGUES["en-US"]
    reply = talk(d, "I'm really scared I'm losing the baby, my back hurts").last_reply
    assert reply.say.startswith(d.model.questions.feelings["scared"]) and reply.expecting == "yes_no"
    calm = talk(d, "my back hurts").last_reply
    assert d.model.questions.feelings["scared"] not in calm.say
    again = talk(d, "my back hurts", "I'm panicking").last_reply
    assert again.say.startswith(d.model.questions.feelings["panic"]) and again.asking == calm.asking


def test_the_emergency_path_stays_immediate_with_feelings():
    reply = talk(DIALOGUES["en-US"], "I'm so scared, I'm bleeding heavily").last_reply
    assert reply.done and reply.say.startswith("That's an emergency. Call 911 now")


# --- locales ------------------------------------------------------------------------

US_WORDS = r"\b(?:911|emergency room|labor|OB|pee|peeing|prenatal|physical therapy)\b"
GB_WORDS = r"\b(?:999|A&E|labour|wee|weeing|antenatal|GP)\b"


def all_texts(d):
    texts = [d.start("t").last_reply.say]
    for name, result, stopped in advice_cases(d):
        words = compose(d.model.advice, result, d.emergency_number, stopped)
        texts += [words.spoken, words.full]
    q = d.model.questions
    texts += [x for w in [q.open, q.weeks, *q.slot_questions.values()] for x in (w.say, w.plain)]
    texts += [x for qq in q.questions for x in (qq.say or "", qq.plain or "")]
    texts += list(q.phrases.values()) + [d._text(a) for a in d.model.advice.answers.values() if isinstance(a, str)]
    return texts


@pytest.mark.parametrize("locale, foreign", [("en-US", GB_WORDS), ("en-GB", US_WORDS)])
def test_each_locale_speaks_its_own_words(locale, foreign):
    found = {m for t in all_texts(DIALOGUES[locale]) for m in re.findall(foreign, t)}
    assert found == set()


def test_the_locale_sets_the_number_unless_one_is_configured(monkeypatch):
    from voice.config import ConfigError, Settings

    monkeypatch.setenv("BACKPAIN_LOCALE", "en-GB")
    monkeypatch.delenv("BACKPAIN_EMERGENCY_NUMBER", raising=False)
    assert Settings.from_env().emergency_number == "999"
    monkeypatch.setenv("BACKPAIN_EMERGENCY_NUMBER", "112")
    assert Settings.from_env().emergency_number == "112"
    assert "call 112 now" in Dialogue(locale="en-GB", emergency_number="112").start("t").last_reply.say
    monkeypatch.setenv("BACKPAIN_LOCALE", "fr-FR")
    with pytest.raises(ConfigError, match="BACKPAIN_LOCALE"):
        Settings.from_env()


# the conversation suite, in every locale: the same urgency; the advice in that locale's words
SPELLING = {"en-GB": {"labor": "labour"}}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_conversation_case_in_every_locale(locale):
    talker = in_process(DIALOGUES[locale])
    failures = {}
    for case in conversations():
        words = SPELLING.get(locale, {})
        expect = {**case["expect"], "advice_mentions": [words.get(w, w) for w in case["expect"].get("advice_mentions") or []]}
        found = problems({**case, "expect": expect}, converse(case, *talker))
        if found:
            failures[case["id"]] = found
    assert failures == {}
