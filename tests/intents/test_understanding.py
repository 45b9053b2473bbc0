"""Understanding single utterances: the labelled corpus and the rules behind it."""

import pytest

from benchmarks.corpus import mismatches, utterances
from intents.understanding import understand

CORPUS = utterances()


def test_corpus_is_big_and_varied():
    assert len(CORPUS) >= 300
    contexts = {(c["text"].lower(), c["expecting"], tuple(c.get("asking") or [])) for c in CORPUS}
    assert len(contexts) == len(CORPUS)


@pytest.mark.parametrize("item", CORPUS, ids=[f"{i:03d}:{c['text'][:40]}" for i, c in enumerate(CORPUS)])
def test_corpus_utterance(item):
    got = understand(item["text"], item["expecting"], item.get("asking") or [])
    assert mismatches(item, got) == []


def test_no_emergency_sign_in_the_corpus_is_missed():
    emergency = {"heavy_bleeding", "saddle_numbness", "bladder_bowel", "breathing", "constant_abdominal", "fainting"}
    missed = []
    for item in CORPUS:
        got = understand(item["text"], item["expecting"], item.get("asking") or [])
        for slot, value in (item.get("signs") or {}).items():
            if slot in emergency and value == "yes" and got.signs.get(slot) != "yes":
                missed.append((item["text"], slot))
    assert missed == []


@pytest.mark.parametrize(
    "text",
    [
        "I had bleeding in my last pregnancy",
        "my sister had a fever",
        "what if I get a fever",
        "my mum fainted when she was pregnant with me",
        "should I worry if my waters break?",
    ],
)
def test_rule7_other_times_people_and_what_ifs_fill_nothing(text):
    assert understand(text, "free_text").signs == {}


@pytest.mark.parametrize(
    "text, slot",
    [("no bleeding", "vaginal_bleeding"), ("I haven't had any fever", "fever"), ("my waters haven't broken", "fluid_leak")],
)
def test_rule7_a_negated_sign_fills_no(text, slot):
    assert understand(text, "free_text").signs[slot] == "no"


def test_several_signs_with_one_negated():
    got = understand("I'm bleeding and have chills but no fluid leaking", "free_text")
    assert got.signs["vaginal_bleeding"] == "yes"
    assert got.signs["fever"] == "yes"
    assert got.signs["fluid_leak"] == "no"


def test_answer_no_followed_by_a_sign_keeps_the_sign():
    got = understand("no, but I'm bleeding", "yes_no", ["vaginal_bleeding", "fluid_leak"])
    assert got.signs["vaginal_bleeding"] == "yes"


@pytest.mark.parametrize(
    "text, weeks",
    [("twelve weeks", 12), ("28 weeks", 28), ("about seven months", 30), ("seven and a half months", 32),
     ("I'm in my thirtieth week", 30), ("32 plus 4", 32), ("about 20", 20)],
)
def test_weeks(text, weeks):
    assert understand(text, "weeks", ["weeks"]).weeks == weeks


def test_weeks_out_of_range_is_flagged_not_kept():
    got = understand("50 weeks", "weeks", ["weeks"])
    assert got.weeks is None and got.weeks_out_of_range


def test_how_long_it_hurt_is_not_the_pregnancy():
    got = understand("my back has hurt for three weeks", "free_text")
    assert got.weeks is None
    assert got.signs.get("persistent") == "yes"


@pytest.mark.parametrize(
    "text, command",
    [("repeat that please", "repeat"), ("what do you mean?", "clarify"), ("stop", "stop"),
     ("can we start over", "start_over"), ("help", "help")],
)
def test_commands(text, command):
    assert understand(text, "yes_no", ["fever"]).command == command


def test_command_words_inside_a_sentence_are_not_commands():
    assert understand("the pain won't stop", "yes_no", ["worsening"]).command is None
    assert understand("I need help, I'm bleeding heavily", "free_text").signs["heavy_bleeding"] == "yes"


def test_typos_are_read_but_ordinary_words_are_not_bent_into_symptoms():
    assert understand("bleding alot and contractons", "free_text").signs.get("contractions") == "yes"
    assert understand("I burnt my hand cooking", "free_text").signs == {}


def test_out_of_scope():
    assert understand("I'm not pregnant", "free_text").out_of_scope == "not_pregnant"
    assert understand("what's the weather like?", "yes_no", ["fever"]).out_of_scope == "question"
