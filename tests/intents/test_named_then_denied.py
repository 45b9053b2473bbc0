"""Answers misread at first sight in blind22 (tests/data/), each class said here in other
words than the blind material's: a sign named and then denied, a denial hedged on its word
("as such"), what she read or what a sign is, the baby's usual pattern, a "no" that is
another sign's, how often and how long said with words that look like a denial or a
hedge (triage.md rules 7, 10 and 12)."""

import pytest


def slots(dialogue, question, text):
    state = dialogue.turn(dialogue.start("t"), "my back hurts")
    return dialogue.turn(dialogue.asking(state, question), text).slots


@pytest.mark.parametrize("question, text, slot", [
    # named, then denied, with no correction: neither a clear yes nor a clear no (rule 10)
    ("belly_pain", "Cramps? Only from the curry last night, ha. No cramping in my bump.", "contractions"),
    ("fever_urine", "Hot? It's thirty degrees in this flat. No actual fever though, and no burning.", "fever"),
])
def test_a_sign_named_then_denied_is_asked_alone(dialogue, question, text, slot):
    assert slots(dialogue, question, text)[slot] is None


@pytest.mark.parametrize("question, text, expected", [
    # a denial after the sign named is a no when it is the last word, and a yes when the yes is
    ("fever_urine", "There's no temperature as such, but I'm shivering under two duvets.", {"fever": "yes"}),
    ("onset_trauma", "Not a fall as such. The bus braked hard and I got flung against the rail.", {"trauma": "yes"}),
    # what she read, then "I definitely don't have that"
    ("nerves", "I searched online and found a page about numbness around the bottom being serious, and I definitely "
               "don't have that. My bladder's fine.", {"saddle_numbness": None, "bladder_bowel": "no"}),
    # what a sign is, and then that hers does not do it
    ("legs", "Everyone says sciatica is when it shoots down your leg. Mine doesn't do that. My legs are strong, "
             "I'm walking fine.", {"radiating": "no"}),
    # the baby's usual pattern is what today is compared with
    ("fetal_movement", "He's hardly kicked since breakfast, normally he's very active at this time", {"fetal_movement": "yes"}),
    # the "no" right before another sign is that sign's, not the one named before it
    ("bleeding_or_fluid", "The second one, the leaking. No blood at all.", {"fluid_leak": "yes", "vaginal_bleeding": "no"}),
    # a name with when she feels it is still only a name: the answer follows
    ("fever_urine", "Burning when I pee? No. Temperature, no. And it's not on one side.",
     {"urinary_pain": "no", "fever": "no", "flank_pain": "no"}),
    # how often, not a denial
    ("legs", "It goes into my left buttock now and then, not all the time. Legs feel normal, walking's fine.",
     {"radiating": "yes"}),
    # how long, not how much: "for a bit"
    ("legs", "Not really. Well, actually, after sitting it shoots into my thigh for a bit.", {"radiating": "yes"}),
    # her own emphasis is no correction
    ("breathing_fainting", "No, my breathing's fine and no chest pains, never fainted. I've actually been feeling great otherwise.",
     {"breathing": "no", "fainting": "no"}),
    # a past pregnancy's "really bad" sign is still a past one
    ("legs", "In my first pregnancy I had really bad sciatica. This time, no, it stays in my back and my legs are fine.",
     {"radiating": "no"}),
    # what she could do then and cannot now
    ("course", "A fortnight ago I could still walk the dog, now I can barely get to the shop.", {"worsening": "yes"}),
    # "just the length of time": that one, and not the other
    ("course", "Only the length of time. It's been about a month, and it's no worse than it was.",
     {"persistent": "yes", "worsening": "no"}),
    # sudden: something gave
    ("onset_trauma", "I was reaching for the top shelf and something gave in my back. I couldn't move.", {"sudden_severe": "yes"}),
    # "I can't stand it" is how bad it is, not standing
    ("course", "It's worse every day, I honestly can't stand it any more.", {"worsening": "yes"}),
    # the middle, low down: not the side under the ribs
    ("fever_urine", "no temperature. weeing's fine. the pain is low down in the middle", {"flank_pain": "no"}),
    # "not sure you'd call it sudden" is a doubt about the word
    ("onset_trauma", "I'm not sure you'd call it sudden, it was there when I got up and it's bad. No falls.",
     {"sudden_severe": "unsure", "trauma": "no"}),
    # down there feels as it always has
    ("nerves", "Toilet's normal, and down there feels just the same as always.", {"saddle_numbness": "no", "bladder_bowel": "no"}),
    # a show is bleeding
    ("belly_pain", "Some tightening on and off tonight, and I've lost a bit of brownish jelly, like a plug.",
     {"contractions": "yes", "vaginal_bleeding": "yes"}),
    # nothing has happened to her; an ache that builds up through the day
    ("onset_trauma", "Nothing's happened to me, it just creeps up over the day.", {"trauma": "no", "sudden_severe": "no"}),
    # warm from what she lies on
    ("fever_urine", "I'm a bit warm but that's from the electric blanket. No fever, no shivers, wee's fine, middle of my back.",
     {"fever": "no", "urinary_pain": "no"}),
    # the belly ruled out in other words
    ("belly_pain", "No stomach pains at all. It's all in my back.", {"constant_abdominal": "no", "contractions": "no"}),
    ("belly_pain", "Belly ache of any kind, I have not had.", {"constant_abdominal": "no", "contractions": "no"}),
    ("belly_pain", "My bump's soft, it's all in my back.", {"constant_abdominal": "no", "contractions": "no"}),
    # how long, with no "on": "only started Tuesday"; "only had it like four days"
    ("course", "only started tuesday and it's much the same", {"persistent": "no"}),
    ("course", "worse today. only had it like four days", {"persistent": "no", "worsening": "yes"}),
    # nobody hit her
    ("onset_trauma", "Out of nowhere, really bad. No one knocked me or anything.", {"sudden_severe": "yes", "trauma": "no"}),
    # "none of those things", after what she read
    ("nerves", "I watched a video about cauda equina and panicked, but I haven't got any of those.",
     {"saddle_numbness": "no", "bladder_bowel": "no"}),
    # a reference with "ngl" after it
    ("fever_urine", "just the first one ngl, I've been shivering all night", {"fever": "yes", "urinary_pain": "no", "flank_pain": "no"}),
    # said without a denial word: dry, her normal self, still getting about, "toilet I can go"
    ("bleeding_or_fluid", "Bled a lot with my son, but this time nothing, bone dry.", {"fluid_leak": "no"}),
    ("fetal_movement", "She's as active as ever, kicking away this morning.", {"fetal_movement": "no"}),
    ("legs", "It shoots into my bum when I bend, but I'm still getting about.", {"radiating": "yes", "walking_difficulty": "no"}),
    ("nerves", "Numb no. Pee I can go.", {"saddle_numbness": "no", "bladder_bowel": "no"}),
    # "just that" after a reference
    ("onset_trauma", "The second one, I slipped on the wet floor at work. Just that.", {"trauma": "yes", "sudden_severe": "no"}),
    # light spotting is not heavy bleeding
    ("heavy_bleeding", "Heavy with my last one, but now it's only a bit of pink spotting.", {"heavy_bleeding": "no"}),
    # a little of a sign, with a doubt: not sure, not "ask it alone"
    ("breathing_fainting", "I don't know, I go a little dizzy now and then. My breathing's fine.", {"fainting": "unsure", "breathing": "no"}),
    ("breathing_fainting", "Maybe a bit puffed, but I'm massive, so who knows. Never fainted.", {"breathing": "unsure", "fainting": "no"}),
])
def test_what_she_says_in_her_own_words(dialogue, question, text, expected):
    got = slots(dialogue, question, text)
    assert {s: got.get(s) for s in expected} == expected


def test_bearing_the_pain_is_not_trouble_walking(dialogue):
    assert slots(dialogue, "course", "It's worse every day, I honestly can't stand it any more.")["walking_difficulty"] != "yes"


def test_sparkly_lights_and_a_stinking_headache_are_the_headache_sign(dialogue):
    got = slots(dialogue, "fainting", "Not faint, no. I've had a stinking headache all day though, and twinkly lights in my eyes.")
    assert got["headache_vision"] == "yes"


def test_a_doubt_after_the_sign_is_the_signs(dialogue):
    """"..., but it might have been wee": not sure, so asked again in plainer words (rule 5), not a yes."""
    state = dialogue.turn(dialogue.start("t"), "my back hurts")
    state = dialogue.turn(dialogue.asking(state, "fluid_leak"), "My pants were soaked this morning, but it might have been wee.")
    assert state.slots["fluid_leak"] != "yes" and state.pending_slots == ["fluid_leak"]


@pytest.mark.parametrize("question, text, slot", [
    # another person's sign, with a grandparent or an uncle
    ("nerves", "My granddad couldn't hold his water after his back op, but me, no, all normal.", "bladder_bowel"),
    # still doing her walks is walking fine
    ("legs", "No, nothing goes down my legs and I'm still doing my walks every evening.", "walking_difficulty"),
    # what she is afraid of seeing, and "so far there hasn't been any"
    ("bleeding_or_fluid", "I'm terrified of finding blood every time I wipe, and so far there hasn't been any. Nothing leaking either.",
     "vaginal_bleeding"),
    # someone else's question, answered "they haven't"
    ("bleeding_or_fluid", "My husband keeps asking if my waters have broken, they haven't, and no bleeding.", "fluid_leak"),
    # worse before, better now
    ("course", "It was getting worse last week, but since Monday it's been a lot better.", "worsening"),
    # a denial going on after a comma: "or any ..."
    ("nerves", "No numbness down there, or any trouble with my bladder.", "bladder_bowel"),
    # and after a full stop: "Or blood."
    ("bleeding_or_fluid", "I haven't leaked anything. Or bled.", "vaginal_bleeding"),
    # "as regards ..." opens a topic; its answer follows
    ("nerves", "Numbness, no. Regarding the bladder side of things, nothing has changed at all.", "bladder_bowel"),
    # how it was, in the past tense: "was fine"
    ("breathing_fainting", "I did feel faint at the bus stop yesterday. Breathing was fine though.", "breathing"),
    # another's sign, then "not me though"; a friend's worse, "mine's been steady"
    ("nerves", "My nan had that cauda equina and lost control of her bladder. Not me though, all normal.", "bladder_bowel"),
    ("course", "My cousin's just got worse and worse with hers, but mine's been the same for days.", "worsening"),
    # the chair's numbness, and "not like that"
    ("nerves", "My backside's gone numb from sitting on the bus for an hour, ha, but no, not like that.", "saddle_numbness"),
    # where the tingling is, not pain spreading
    ("legs", "Just the tingling, in my toes, nothing else.", "radiating"),
    # the back that cramps, not the belly
    ("belly_pain", "It's my back that's cramping, my belly's soft and fine.", "contractions"),
    # a polite no, and "yeah, that's fine"
    ("headache_vision", "Can't say I have, no.", "headache_vision"),
    ("breathing", "breathing? yeah it's fine, no chest pains", "breathing"),
    ("legs", "Nah, I'm sweet. No dramas with the legs at all.", "leg_weakness"),
    # "right across" says where exactly, not the right side
    ("ectopic_signs", "It's not on one side, it's right across my lower back, and my shoulders are fine.", "ectopic_signs"),
    # her first baby, and her childhood
    ("fetal_movement", "My eldest went quiet before she came, so I watch closely, and this one's moving as normal.", "fetal_movement"),
    ("trauma", "I came off my bike when I was twelve, but nothing like that lately.", "trauma"),
])
def test_a_denied_sign_is_no_yes(dialogue, question, text, slot):
    assert slots(dialogue, question, text)[slot] not in ("yes", "unsure")


def test_stopping_halfway_is_trouble_walking(dialogue):
    got = slots(dialogue, "legs", "Walking's okay. Well, no, actually it isn't, I had to stop halfway to the shop this morning.")
    assert got["walking_difficulty"] == "yes"


@pytest.mark.parametrize("text", ["Mi really nuh know.", "I really not know, sorry", "me not sure"])
def test_a_doubt_said_without_do_is_not_a_no(dialogue, text):
    """"really" + "not" is a no ("really not"), but not before "know" or "sure": rule 5, not rule 10."""
    state = dialogue.turn(dialogue.start("t"), "my back hurts, I don't know how far along I am")
    state = dialogue.turn(dialogue.asking(state, "fetal_movement"), text)
    assert state.slots["fetal_movement"] != "no"
