"""Per-question grammars: what the recogniser may hear is always what the NLU understands."""

import pytest

from intents.grammar import _data, answer_phrases, number_words, phrases_for, sign_phrases
from intents.understanding import understand


def test_open_question_is_free_speech():
    assert phrases_for("free_text", []) is None


def test_after_the_advice_commands_and_emergencies_are_heard():
    grammar = phrases_for(None, [])
    assert {"repeat", "start over", "stop"} <= set(grammar) and "i can't breathe" in grammar


@pytest.mark.parametrize("answer", ["yes", "no", "unsure"])
def test_every_answer_phrase_means_its_answer(answer):
    """Said alone or as head + tail ("nope" + "not at all"): always read back as `answer`."""
    wrong = [p for p in answer_phrases(answer) if understand(p, "yes_no", ["fever"]).answer != answer]
    assert wrong == []


def test_a_small_amount_is_yes_to_any_and_no_to_heavy():
    """ "Just a little" is heard at every yes/no question and read by the question asked."""
    small = _data()["small_amounts"]
    assert set(small) <= set(phrases_for("yes_no", ["vaginal_bleeding", "fluid_leak"]))
    assert set(small) <= set(phrases_for("yes_no", ["heavy_bleeding"]))
    assert [understand(p, "yes_no", ["vaginal_bleeding", "fluid_leak"]).answer for p in small] == ["yes"] * len(small)
    assert [understand(p, "yes_no", ["fetal_movement"]).answer for p in small] == ["yes"] * len(small)
    assert [understand(p, "yes_no", ["heavy_bleeding"]).answer for p in small] == ["no"] * len(small)


def test_answers_are_built_from_heads_and_tails():
    grammar = set(phrases_for("yes_no", ["fever"]))
    assert {"yeah a wee bit", "nope not at all", "no i'm fine", "yes i have", "nah"} <= grammar
    assert "yes i'm fine" not in grammar and "no a little" not in grammar


def test_commands_and_emergency_phrases_are_in_every_yes_no_grammar():
    grammar = phrases_for("yes_no", ["persistent"])
    assert {"repeat", "stop", "help", "start over"} <= set(grammar)
    assert "i can't breathe" in grammar and "i'm bleeding heavily" in grammar
    assert all(understand(p, "yes_no", ["fever"]).command for p in _data()["commands"])


def test_sign_phrases_belong_to_their_question_and_are_understood():
    """A sign named as present reads back as yes for its question, as absent as no, also
    when echoed after "yes" / "no" ("no, my waters haven't broken")."""
    assert "no my waters haven't broken" in phrases_for("yes_no", ["vaginal_bleeding", "fluid_leak"])
    assert "my waters broke" not in phrases_for("yes_no", ["persistent"])
    wrong = []
    for slot in _data()["signs"]:
        for side, want in (("present", "yes"), ("absent", "no")):
            for p in sign_phrases(slot)[side]:
                got = understand(p, "yes_no", [slot])
                if got.answer != want and got.signs.get(slot) != want:
                    wrong.append((slot, p, got.answer, got.signs))
    assert wrong == []


def test_weeks_grammar_reads_back_as_the_right_number():
    grammar = phrases_for("weeks", ["weeks"])
    for n in (4, 9, 20, 28, 36, 42):
        assert understand(f"{number_words(n)} weeks", "weeks", ["weeks"]).weeks == n
        assert f"about {number_words(n)} weeks" in grammar
    assert understand("seven months", "weeks", ["weeks"]).weeks == 30
    # nobody is one to three weeks pregnant, or "one months": not listened for, as they
    # were what "nine weeks" and "four months" were misheard as
    assert "one month pregnant" in grammar and "one months" not in grammar
    assert not {"one week", "one weeks", "two weeks", "three weeks pregnant"} & set(grammar)
    assert understand("three weeks", "weeks", ["weeks"]).weeks == 3  # typed, still understood
    unknown = [p for p in _data()["weeks"]["unknown"] if understand(p, "weeks", ["weeks"]).answer != "unsure"]
    assert unknown == []
