"""How far what is said reaches: a fronted "last time," or "my mate,", a question asked
back, a phrase that answers only its own question, a stretch of words across a "not"
(triage.md rules 7 and 10)."""

import pytest


def opening(dialogue, text):
    return dialogue.turn(dialogue.start("t"), text)


def answer(dialogue, question, text):
    state = opening(dialogue, "my back hurts")
    return dialogue.turn(dialogue.asking(state, question), text)


@pytest.mark.parametrize("text", [
    "This is my third. Last time, right about now, I had bleeding and it was a whole thing. This time it's just my back.",
    "With my first, I bled a lot around this time, so I'm nervous.",
    "My sister, she had bleeding at thirty weeks, so I worry.",
    "My mate had a bleed with hers and she went straight in. My back is sore.",
])
def test_a_past_or_someone_elses_sign_said_first_is_not_hers(dialogue, text):
    assert opening(dialogue, text).slots["vaginal_bleeding"] is None


@pytest.mark.parametrize("text", [
    "Last time, I bled, this time I am bleeding too.",  # "this time": about now
    "Last time I had a fever, I have bleeding now.",  # the opener has her own "I had"
    "My friend, I have bleeding.",  # "I" after another person's cue: she speaks of herself
    "Before I was pregnant I had sciatica, I now have bleeding.",
])
def test_her_own_sign_after_such_an_opener_still_counts(dialogue, text):
    assert opening(dialogue, text).slots["vaginal_bleeding"] == "yes"


def test_the_same_as_always_about_the_baby_does_not_rule_out_worsening(dialogue):
    """A phrase that only answers "is it getting worse?" rules nothing out said elsewhere:
    the pain's worsening is still asked (it was ruled out, and a worsening pain missed)."""
    state = answer(dialogue, "fetal_movement", "I feel him moving the same as always.")
    assert state.slots["fetal_movement"] == "no" and state.slots["worsening"] is None
    assert answer(dialogue, "course", "it's the same as always, only started on Monday").slots["worsening"] == "no"


@pytest.mark.parametrize("question, text, slot, expected", [
    ("course", "It started four days ago, and yes, it's worse today than yesterday.", "persistent", "no"),
    ("course", "Worse, yes, but it's only been since Sunday.", "persistent", "no"),
    ("persistent", "about ten days, but now I've got pins and needles in my legs", "persistent", "no"),
    ("course", "it's been a month and nothing helps", "persistent", "yes"),
    # how long the fever has lasted is not how long the back pain has
    ("fever_urine", "I've had a fever since yesterday, peeing's fine", "persistent", None),
    # words of the sign that say the opposite
    ("nerves", "no, no numbness and i'm in full control of my bladder and bowels", "bladder_bowel", "no"),
    ("legs", "no, it's only in my back, nothing in my legs and i'm walking about normally", "walking_difficulty", "no"),
    ("bleeding_or_fluid", "no bleeding and my waters are still intact as far as i can tell", "fluid_leak", "no"),
    ("breathing_fainting", "Breathing is not good, I am puffing very much, also the chest is hurting.", "breathing", "yes"),
    ("weeks", "about nine weeks, it's still early days", "fetal_movement", None),
    ("course", "no, it's not getting worse, it's been a mild ache on and off", "contractions", None),
])
def test_what_one_answer_leaves_in_one_sign(dialogue, question, text, slot, expected):
    """How long it has hurt answers the two-weeks question; words of a sign that say the
    opposite ("in full control of my bladder") rule it out, or in ("breathing is not good")."""
    assert answer(dialogue, question, text).slots[slot] == expected


def test_a_sign_asked_back_waits_for_its_answer(dialogue):
    state = answer(dialogue, "nerves", "Bowels, yes, I've had two accidents today. Numb as well, did you say? No, not numb.")
    assert state.slots["bladder_bowel"] == "yes" and state.slots["saddle_numbness"] == "no"


def test_a_stretch_of_words_does_not_cross_a_denial(dialogue):
    state = answer(dialogue, "constant_abdominal", "There's pain in my tummy but it comes and goes, it's not there all the time.")
    assert state.slots["constant_abdominal"] == "no"
    # a "not" that describes the pain is crossed: "doesn't go away" is the sign
    state = answer(dialogue, "belly_pain", "a really bad pain in my tummy that doesn't go away at all, it's constant")
    assert state.slots["constant_abdominal"] == "yes"


def test_actually_at_the_end_of_a_statement_corrects_nothing(dialogue):
    state = answer(dialogue, "course", "Rest helps loads actually, I feel much better after a lie-down. It's steady, not worse.")
    assert state.slots["worsening"] == "no" and state.slots["persistent"] == "no"
    assert answer(dialogue, "bleeding_or_fluid", "no, actually, there was a bit of blood").slots["vaginal_bleeding"] == "yes"


def test_what_only_looks_like_a_sign_may_still_rule_it_out(dialogue):
    """"both sides" is excluded as a mention of "one side", yet says the pain is not on one side."""
    state = answer(dialogue, "fever_urine", "No fever, no burning. The pain's on both sides, low down.")
    assert state.slots["flank_pain"] == "no"


def test_nearly_falling_is_not_a_fall(dialogue):
    state = answer(dialogue, "onset_trauma", "No, nothing sudden. I nearly tripped over the dog's lead but caught myself.")
    assert state.slots["trauma"] != "yes"


@pytest.mark.parametrize("question, text, slot", [
    ("course", "sometimes it feels worse, but overall it's not getting any worse", "worsening"),
    ("fetal_movement", "he has quiet spells sometimes, but when i sit down he's kicking away, nothing's changed", "fetal_movement"),
])
def test_a_hedged_mention_then_a_denial_is_asked_again_alone(dialogue, question, text, slot):
    """Neither a clear yes nor a clear no (rule 10): the sign is asked on its own."""
    assert answer(dialogue, question, text).slots[slot] is None


def test_not_much_blood_is_some_blood(dialogue):
    assert answer(dialogue, "bleeding_or_fluid", "not much blood, just a bit").slots["vaginal_bleeding"] in ("yes", "unsure")


@pytest.mark.parametrize("question, text, expected", [
    ("legs", "Just the walking's hard. The other two, no.", {"walking_difficulty": "yes", "leg_weakness": "no", "radiating": "no"}),
    ("legs", "Naw, nae pins an needles, it disnae go doon ma legs, an ah can walk fine.", {"radiating": "no"}),
    ("fever_urine", "None of them, but my left leg's gone all weak and wobbly today.", {"flank_pain": "no", "leg_weakness": "yes"}),
    ("breathing_fainting", "No o, my breath is correct, I never faint.", {"breathing": "no", "fainting": "no"}),
])
def test_references_respellings_and_sides_of_the_body(dialogue, question, text, expected):
    slots = answer(dialogue, question, text).slots
    assert {s: slots[s] for s in expected} == expected


@pytest.mark.parametrize("text, expected", [
    # unpunctuated: the "are normal" is the toilet's phrase, not a denial of the numbness
    ("only the tingly numb feeling on the inside of my thighs peeing and pooing are normal",
     {"saddle_numbness": "yes", "bladder_bowel": "no"}),
    # joined by "and", the verdict is both signs'
    ("numbness and bladder are fine", {"saddle_numbness": "no", "bladder_bowel": "no"}),
])
def test_a_verdict_inside_another_signs_phrase(dialogue, text, expected):
    slots = answer(dialogue, "nerves", text).slots
    assert {s: slots[s] for s in expected} == expected


def test_none_of_that_after_another_signs_no_is_still_that_signs(dialogue):
    """ "fever, no, none of that" to the bleeding question rules out the fever only: the
    bleeding and the fluid are still asked (rule 10)."""
    slots = answer(dialogue, "bleeding_or_fluid", "fever, no, none of that").slots
    assert slots["fever"] == "no" and slots["vaginal_bleeding"] is None and slots["fluid_leak"] is None
    assert answer(dialogue, "bleeding_or_fluid", "none of that").slots["vaginal_bleeding"] == "no"


@pytest.mark.parametrize("question, text, slot, expected", [
    ("onset_trauma", "My daughter fell off her bike and I carried her in, but I didn't fall. The pain's been coming on slow.",
     "sudden_severe", "no"),
    ("sudden_severe", "Suddenly, yes - well, no, I tell a lie, it started as a niggle yesterday and got worse.", "sudden_severe", "no"),
    # said to another question, "a dull ache" is no answer about how it came on
    ("course", "it's the same dull ache, not worse", "sudden_severe", None),
    ("legs", "it goes down my left leg to my foot but i can walk alright", "walking_difficulty", "no"),
    ("open", "sore back, it doesn't go down my legs and I can walk okay", "walking_difficulty", "no"),
])
def test_how_it_came_on_and_how_she_walks(dialogue, question, text, slot, expected):
    state = opening(dialogue, text) if question == "open" else answer(dialogue, question, text)
    assert state.slots[slot] == expected
