"""The answers and patients written blind (tests/data/blind/), scored as a person would
notice: a sign said read as "no", a denied sign read as "yes", a patient under-triaged.

The floors are the scores measured when the material was first tuned on (BENCHMARKS.md);
a change that reads more of it right may raise them, never lower them. patients_2.yaml was
kept out of the tuning: its score is the held-out one.
"""

import pytest

import blind
from intents.dialogue import Dialogue


@pytest.fixture(scope="module")
def dialogue():
    return Dialogue()


@pytest.fixture(scope="module")
def answers(dialogue):
    return blind.score_answers(dialogue)


def test_enough_material_written_blind():
    assert len(blind.answers()) >= 400
    assert len(blind.patients()) >= 200
    grouped = [a for a in blind.answers() if len(a.get("expect") or {}) > 1]
    assert len(grouped) >= 300


def _listed(failures, key):
    return [f"{i['question']}: {i['text']!r}: {v['wrong']}" for i, v in failures if v[key]]


def test_a_sign_said_or_uncertain_is_rarely_read_as_no(answers):
    assert answers["totals"]["false_no"] <= 1, _listed(answers["failures"], "false_no")


def test_a_denied_sign_is_rarely_read_as_yes(answers):
    assert answers["totals"]["false_yes"] <= 8, _listed(answers["failures"], "false_yes")


def test_most_answers_are_read_exactly(answers):
    t = answers["totals"]
    # training scores; one known miss since ectopic_signs: "the pain's mostly low down on
    # the left" (to the nerves question, weeks not yet known) counts as the ectopic sign, and
    # stops counting once the weeks are 14 or more
    assert t["grouped_exact"] >= 354
    assert t["exact"] >= 667, [f"{i['question']}: {i['text']!r}: {v['wrong']}" for i, v in answers["failures"]][:40]


def test_blind_patients_are_not_under_triaged(dialogue):
    result = blind.score_patients(dialogue)
    under = [f for f in result["failures"] if any("UNDER" in p for p in f[1])]
    assert under == [], under
    assert result["exact"] >= 252, result["failures"]


def test_the_second_blind_set_held_out_of_tuning(dialogue):
    """tests/data/blind2: written after the rules, scored as it came (BENCHMARKS.md)."""
    answers = blind.score_answers(dialogue, blind.held_out_answers())
    assert answers["totals"]["false_no"] <= 1, _listed(answers["failures"], "false_no")
    assert answers["totals"]["exact"] >= 258
    patients = blind.score_patients(dialogue, blind.held_out_patients())
    assert [f for f in patients["failures"] if any("UNDER" in p for p in f[1])] == []
    assert patients["exact"] >= 137


def test_the_ectopic_set(dialogue):
    """tests/data/blind3: answers and early-pregnancy patients written for ectopic_signs
    from the contract and the question's wording; first seen at 49/90 answers and 33/35
    patients, then tuned on (BENCHMARKS.md): a training score now."""
    answers = blind.score_answers(dialogue, blind.ectopic_answers())
    assert answers["totals"]["false_no"] == 0, _listed(answers["failures"], "false_no")
    assert answers["totals"]["exact"] >= 76
    patients = blind.score_patients(dialogue, blind.ectopic_patients())
    assert [f for f in patients["failures"] if any("UNDER" in p for p in f[1])] == []
    assert patients["exact"] >= 34


def test_the_held_out_patients_in_british_english():
    """The same people in en-GB words: never under-triaged (the advice's US spellings the
    writers used, "labor", are the only misses)."""
    from intents.dialogue import Dialogue

    patients = blind.score_patients(Dialogue(locale="en-GB"), blind.held_out_patients())
    assert [f for f in patients["failures"] if any("UNDER" in p for p in f[1])] == []
    assert patients["exact"] >= 136


def test_the_fourth_set(dialogue):
    """tests/data/blind4: 260 answers (192 to grouped questions) and 80 patients, written
    after the rules of issue 11; first seen at 179/260 answers (127/192 grouped, 2 read a
    said sign as "no") and 74/80 patients (1 under-triaged), then tuned on: a training score."""
    answers = blind.score_answers(dialogue, blind.fourth_answers())
    assert answers["totals"]["false_no"] == 0, _listed(answers["failures"], "false_no")
    assert answers["totals"]["exact"] >= 194 and answers["totals"]["grouped_exact"] >= 136
    patients = blind.score_patients(dialogue, blind.fourth_patients())
    assert [f for f in patients["failures"] if any("UNDER" in p for p in f[1])] == []
    assert patients["exact"] >= 80


def test_the_fifth_set_written_last_to_measure_the_rules_held_out(dialogue):
    """tests/data/blind5: 200 answers (150 to grouped questions) and 60 patients, written
    after every rule above and scored as it came (first sight: 141/200 answers, 106/150
    grouped, 2 said signs read as "no"; 57/60 patients, 0 under-triaged). Only its two
    false "no"s were looked at and their classes fixed; the rest is still unseen."""
    answers = blind.score_answers(dialogue, blind.fifth_answers())
    assert answers["totals"]["false_no"] == 0, _listed(answers["failures"], "false_no")
    assert answers["totals"]["exact"] >= 141
    patients = blind.score_patients(dialogue, blind.fifth_patients())
    assert [f for f in patients["failures"] if any("UNDER" in p for p in f[1])] == []
    assert patients["exact"] >= 57
