"""triage.md rules 1-5 and the advice content, on slot values directly."""

import pytest

from intents.advice import render
from intents.model import load
from intents.triage import assess

MODEL = load()
SLOTS = MODEL.slot_ids


def slots(**values):
    base = {s: "no" for s in SLOTS}
    base.update(values)
    return base


def advice(result, number="911"):
    return render(MODEL.advice, result, number)


@pytest.mark.parametrize("slot", SLOTS)
def test_each_sign_alone_gets_its_level(slot):
    weeks = 10 if slot in MODEL.rules.windows else 30  # a sign of early pregnancy, early
    result = assess(MODEL.rules, slots(**{slot: "yes"}), weeks)
    assert result.urgency == MODEL.rules.levels[slot]
    assert result.reasons == [slot]


@pytest.mark.parametrize("weeks,counts", [(13, True), (14, False), (30, False), (None, True)])
def test_a_sign_of_early_pregnancy_counts_only_in_its_window(weeks, counts):
    result = assess(MODEL.rules, slots(ectopic_signs="yes"), weeks)
    assert (result.reasons == ["ectopic_signs"]) is counts
    assert ("ectopic" in result.conditions) is counts


def test_nothing_found_is_self_care_with_measures_and_safety_net():
    result = assess(MODEL.rules, slots(), 30)
    text = advice(result)
    assert result.urgency == "self_care" and result.reasons == []
    for measure in ("warm", "walking", "left side", "pillow between your knees", "high heels", "pharmacist"):
        assert measure in text
    assert "relaxin" in text
    assert "not a doctor" in text and "call 911" in text.lower()


def test_highest_level_wins_and_reasons_are_most_serious_first():
    result = assess(MODEL.rules, slots(persistent="yes", fever="yes", radiating="yes"), 30)
    assert result.urgency == "urgent"
    assert result.reasons == ["fever", "radiating", "persistent"]


@pytest.mark.parametrize("other", ["sudden_severe", "constant_abdominal"])
def test_rule1_bleeding_with_sudden_or_constant_pain_is_emergency(other):
    result = assess(MODEL.rules, slots(vaginal_bleeding="yes", **{other: "yes"}), 30)
    assert result.urgency == "emergency" and "abruption" in result.conditions
    assert "placenta" in advice(result)


@pytest.mark.parametrize("other", ["flank_pain", "urinary_pain"])
def test_rule2_fever_with_urinary_or_flank_stays_urgent_and_names_kidney_infection(other):
    result = assess(MODEL.rules, slots(fever="yes", **{other: "yes"}), 30)
    assert result.urgency == "urgent"
    assert "kidney infection" in advice(result)


def test_rule3_leg_weakness_with_cauda_equina_sign_is_emergency():
    result = assess(MODEL.rules, slots(leg_weakness="yes", bladder_bowel="yes"), 30)
    assert result.urgency == "emergency" and "cauda_equina" in result.conditions


@pytest.mark.parametrize(
    "weeks, signs, words, absent",
    [
        (12, {"vaginal_bleeding": "yes"}, "miscarriage", "preterm"),
        (15, {"contractions": "yes"}, "miscarriage", "preterm"),
        (28, {"contractions": "yes"}, "preterm labor", "miscarriage"),
        (33, {"fluid_leak": "yes"}, "preterm labor", "miscarriage"),
        (38, {"contractions": "yes"}, "labor is starting", "preterm"),
    ],
)
def test_rule4_weeks_change_the_advice(weeks, signs, words, absent):
    result = assess(MODEL.rules, slots(**signs), weeks)
    text = advice(result)
    assert result.urgency == "urgent"
    assert words in text and absent not in text


def test_rule4_unknown_weeks_covers_every_possibility():
    text = advice(assess(MODEL.rules, slots(contractions="yes"), None))
    assert "miscarriage" in text and "preterm" in text


def test_rule5_unsure_counts_as_present_and_is_named():
    result = assess(MODEL.rules, slots(breathing="unsure"), 30)
    assert result.urgency == "emergency" and result.uncertain == ["breathing"]
    assert "weren't sure about trouble breathing" in advice(result)


def test_emergency_advice_uses_the_configured_number():
    text = advice(assess(MODEL.rules, slots(fainting="yes"), 30), number="112")
    assert "Call 112 now" in text and "911" not in text
