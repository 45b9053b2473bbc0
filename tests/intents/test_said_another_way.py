"""Answers misread at first sight in blind17 and blind18 (tests/data/), each a class said
here in other words than the blind material's: a sign named and then a story, an exception
after "apart from", another sense of a word, a child's temperature, a verb denied with "no"
(triage.md rules 7, 10 and 12)."""

import pytest


def slots(dialogue, question, text):
    state = dialogue.turn(dialogue.start("t"), "my back hurts")
    return dialogue.turn(dialogue.asking(state, question), text).slots


@pytest.mark.parametrize("question, text, expected", [
    # a sign named, then a story of its own: the name is said, not left for a denial further on
    ("onset_trauma", "Yes, all at once. I bent to get the washing out and then there it was, bang. Nobody hit me, no accident.",
     {"sudden_severe": "yes", "trauma": "no"}),
    # "that's it" after a sign: that one, and none of the others
    ("bleeding_or_fluid", "A bit of spotting. That's all.", {"vaginal_bleeding": "yes", "fluid_leak": "no"}),
    # a sign named as the exception to a "no"
    ("fever_urine", "Other than a pounding headache that won't go, no, nothing like that.",
     {"fever": "no", "urinary_pain": "no", "flank_pain": "no", "headache_vision": "yes"}),
    ("legs", "no, none of those, except I limp a little when I first get up", {"walking_difficulty": "yes"}),
    # doubt on the word is not a denial of the sign; asleep is numb
    ("nerves", "I wouldn't say numb exactly, it's more like it's gone to sleep down there. Wee's normal.",
     {"saddle_numbness": "yes", "bladder_bowel": "no"}),
    ("nerves", "I can't say it's numb exactly, it just feels odd. Toilet's all fine.", {"saddle_numbness": "unsure", "bladder_bowel": "no"}),
    # the second half of a doubt is doubt, not a what-if
    ("bleeding_or_fluid", "I can't tell if it's discharge or if it's water coming out. No blood.",
     {"vaginal_bleeding": "no", "fluid_leak": "unsure"}),
    # not measured is not denied
    ("fever", "I feel a bit shivery but I haven't taken my temperature", {"fever": "yes"}),
])
def test_each_sign_as_she_says_it(dialogue, question, text, expected):
    got = slots(dialogue, question, text)
    assert {s: got[s] for s in expected} == expected


@pytest.mark.parametrize("question, text, slot", [
    ("nerves", "ha, you'll have me wetting myself laughing. no, none of that", "bladder_bowel"),
    ("bleeding_or_fluid", "No. The only thing leaking in this house is the kitchen tap.", "fluid_leak"),
    ("bleeding_or_fluid", "No blood, no. Only the water I've been drinking all day.", "fluid_leak"),
    ("fever_urine", "No fever. The only thing hot round here is my tea. No stinging either.", "fever"),
    ("legs", "my ankles are puffy like balloons but nothing goes down my legs and they aren't weak", "radiating"),
    ("breathing_fainting", "No. The pain took my breath away for a second, but that's just a saying. Never fainted.", "breathing"),
    ("breathing_fainting", "I do the breathing they taught us when it hurts, but I breathe fine and I haven't fainted", "breathing"),
    ("belly_pain", "it's my back that won't let up, the belly itself is fine, no tightening", "constant_abdominal"),
    ("onset_trauma", "No, it came on over days. I've been up and down the stairs with the washing, that's all.", "trauma"),
    ("fever_urine", "My little one's had a fever since Tuesday, poor thing, but me, no, none of that.", "fever"),
    ("course", "it's worse by the end of the day, but it isn't getting worse", "worsening"),
])
def test_a_sign_word_in_another_sense_or_of_another_is_no_yes(dialogue, question, text, slot):
    assert slots(dialogue, question, text)[slot] != "yes"


@pytest.mark.parametrize("question, text, slot, expected", [
    ("belly_pain", "Me belle dey pain me since morning and e no dey stop", "constant_abdominal", "yes"),
    ("legs", "the pain goes down to my knee and my leg is sleeping since morning", "leg_weakness", "yes"),
    ("nerves", "I keep trying to wee and nothing comes out at all", "bladder_bowel", "yes"),
    ("nerves", "I had an accident earlier, didn't feel it coming, my knickers were wet through", "bladder_bowel", "yes"),
    ("walking_difficulty", "I can get about, but I'm holding on to the furniture", "walking_difficulty", "yes"),
    ("onset_trauma", "I took a tumble in the garden and landed on my bottom", "trauma", "yes"),
    ("course", "every day it's a little worse than the day before", "worsening", "yes"),
    ("fetal_movement", "since breakfast I've only felt her once", "fetal_movement", "yes"),
    ("fetal_movement", "he kicks loads, like always", "fetal_movement", "no"),
    ("nerves", "no numbness, I open my bowels like normal and I'm going to the loo normally", "bladder_bowel", "no"),
    ("weeks", "thirty one weeks with my second", "weeks", 31),
    # sudden and severe, said as what it was like
    ("onset_trauma", "I reached for the kettle and felt something go, sharp as anything", "sudden_severe", "yes"),
    ("onset_trauma", "it came on all of a sudden while I was hoovering the stairs and it's really bad", "sudden_severe", "yes"),
    ("onset_trauma", "it hit me like a ton of bricks on the bus this morning", "sudden_severe", "yes"),
    # knocks and falls said other ways
    ("onset_trauma", "my nephew's head butted me square in the tummy", "trauma", "yes"),
    ("onset_trauma", "I went over on the curb yesterday and sat down hard", "trauma", "yes"),
    ("bleeding_or_fluid", "no blood, but there's lots of fluid coming and my leggings are all wet", "fluid_leak", "yes"),
    ("fetal_movement", "I don't feel her so much since last night. Before she kicks all evening, now quiet.", "fetal_movement", "yes"),
    # "it comes and goes" to the constant-pain question says the waves
    ("constant_abdominal", "no, it comes and goes, it's not there the whole time", "contractions", "yes"),
    # tingling in the saddle area is the saddle sign, not the legs'; with the legs named it is theirs too
    ("nerves", "it's gone all tingly between my legs, like pins and needles", "leg_weakness", None),
    ("nerves", "my bottom and my legs have both gone tingly", "leg_weakness", "yes"),
    # her weeks corrected in the answer to another question (rule 12); the answer still counts
    ("onset_trauma", "No, it crept up on me. Oh, back to the weeks, I told you nineteen, I'm actually twenty-six now.", "weeks", 26),
    ("onset_trauma", "No, it crept up on me. Oh, back to the weeks, I told you nineteen, I'm actually twenty-six now.", "trauma", "no"),
    ("fetal_movement", "I don't think she's kicked much today. Usually she goes mad after lunch but today, nothing.",
     "fetal_movement", "yes"),
    ("weeks", "I lost one at 12 weeks with my first, now I'm 22", "weeks", 22),
])
def test_what_she_says_in_her_own_words(dialogue, question, text, slot, expected):
    state = dialogue.turn(dialogue.asking(dialogue.turn(dialogue.start("t"), "my back hurts"), question), text)
    assert (state.weeks if slot == "weeks" else state.slots.get(slot)) == expected


@pytest.mark.parametrize("text, slot", [
    ("My sister had terrible sciatica, right down both legs, she couldn't walk for weeks. Mine's just low in my back.",
     "walking_difficulty"),
    ("With our Ellie I had a bleed at eighteen weeks. This time it's only my back.", "vaginal_bleeding"),
    ("My mama had sciatica bad when she was carrying me. Mine's only an ache.", "radiating"),
    ("Early on I had some cramping, around seven weeks, but that settled. Now it's my back.", "contractions"),
])
def test_what_another_had_or_she_had_before_is_not_hers_now(dialogue, text, slot):
    assert dialogue.turn(dialogue.start("t"), text).slots[slot] != "yes"


@pytest.mark.parametrize("text, slot", [
    ("my back's been aching for about a month, it's not bad, it's just always there", "persistent"),
    ("Wait o, water just rush come out as I stand, my wrapper don wet", "fluid_leak"),
])
def test_an_opening_sign_said_with_how_bad_it_is_is_not_denied(dialogue, text, slot):
    assert dialogue.turn(dialogue.start("t"), text).slots[slot] == "yes"


def test_a_list_of_denials_rules_each_out(dialogue):
    state = dialogue.turn(dialogue.start("t"), "It's only a backache: no bleeding, no fever, no pain in my belly.")
    assert (state.slots["vaginal_bleeding"], state.slots["fever"], state.slots["constant_abdominal"]) == ("no", "no", "no")


def test_a_correction_after_the_advice_can_take_a_fever_back(dialogue):
    state = dialogue.turn(dialogue.start("t"), "my back hurts, I'm 25 weeks")
    state = dialogue.turn(dialogue.asking(state, "fever"), "I had a temperature last week with a cold, now it's fine")
    assert state.slots["fever"] == "no"
