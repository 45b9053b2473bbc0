"""The answers and patients written blind (tests/data/blind/), scored as a person would
notice: a sign said read as "no", a denied sign read as "yes", a patient under-triaged.

The floors are the scores measured when the material was first tuned on (BENCHMARKS.md);
a change that reads more of it right may raise them, never lower them. patients_2.yaml was
kept out of the tuning: its score is the held-out one.
"""

import pytest

from benchmarks import blind
from intents.dialogue import Dialogue


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
    assert answers["totals"]["false_yes"] <= 4, _listed(answers["failures"], "false_yes")


def test_most_answers_are_read_exactly(answers):
    t = answers["totals"]
    # training scores; one known miss since ectopic_signs: "the pain's mostly low down on
    # the left" (to the nerves question, weeks not yet known) counts as the ectopic sign, and
    # stops counting once the weeks are 14 or more. One more since a sign said with its own
    # "not" keeps it: "it came on all at once, couldn't even stand up" now reads walking
    # difficulty too, which its writer left out
    assert t["grouped_exact"] >= 382
    assert t["exact"] >= 713, [f"{i['question']}: {i['text']!r}: {v['wrong']}" for i, v in answers["failures"]][:40]


def test_blind_patients_are_not_under_triaged(dialogue):
    result = blind.score_patients(dialogue)
    under = [f for f in result["failures"] if any("UNDER" in p for p in f[1])]
    assert under == [], under
    assert result["exact"] >= 267, result["failures"]


# The later sets (BENCHMARKS.md says how each was written and what it scored at first sight):
#   blind2: after issue 11's rules; first seen 234/324 answers, 133/143 patients (2 under)
#   blind3: for ectopic_signs; first seen 49/90, 33/35
#   blind4: composite answers; first seen 179/260 (127/192 grouped, 2 false no), 74/80 (1 under)
#   blind5: written last; first seen 141/200 (106/150 grouped, 2 false no), 57/60 (0 under);
#           only its two false no's were looked at
#   blind6: written at the start of the round after; first seen 326/424 (183/240 grouped, 8 false
#           no), 132/149 (1 under)
#   blind7: written after blind6's rules, kept held out; first seen 140/209 (99/156 grouped, 2 false
#           no), 80/94 (3 under); only those five were looked at in its round, the rest of its
#           failures in the round after (so it is training material now)
#   blind8: written at the start of the round after; first seen 308/392 (197/264 grouped, 3 false
#           no), 101/120 (0 under); kept held out for a round, then a few lines seen in diffs
#   blind9: written in the round after; first seen 277/396 (175/268 grouped, 4 false no), 112/120
#           (1 under); its answers and p10_001-060 tuned on, of p10_061-120 two cases looked at
#   blind10: written at the start of the round after; first seen 291/399 (176/246 grouped, 8 false
#           no, 14 false yes), 111/120 (0 under); its grouped answers and the false no's and yes's of
#           the rest tuned on, its patients kept held out (112/120 after that round)
#   blind11: written in that round after its first rules; first seen 165/220 (132/180 grouped, 0
#           false no, 9 false yes), 77/80 (0 under); its answers tuned on, its patients held out
#   blind13: written late in that round; first seen 155/200 grouped (2 false no, 5 false yes), 77/80
#           (1 under, looked at and fixed); kept held out otherwise
#   blind14: written at the start of the round after; first seen 150/220 (110/162 grouped, 1 false
#           no, 6 false yes), 64/80 (1 under, looked at and its class fixed); its answers tuned on,
#           its patients held out for that round, then tuned on in the round after
#   blind15: written at the start of that round; first seen 138/220 (108/177 grouped, 6 false no,
#           13 false yes), 75/80 (1 under, looked at and its class fixed); its answers tuned on, its
#           patients held out
#   blind16: patients only, written late in that round; first seen 68/80 (3 under, looked at and
#           their classes fixed: 71/80), then tuned on
#   blind17: written at the start of the round after, from scripts/blind_brief.py's brief; first seen
#           197/260 (149/200 grouped, 2 false no, 13 false yes), 73/80 (3 under); tuned on
#   blind18: written in that round after its first rules; first seen 182/260 (135/200 grouped, 8 false
#           no, 12 false yes), 67/80 (3 under); tuned on
#   blind19: written late in that round; first seen 178/260 (132/200 grouped, 6 false no, 16 false
#           yes), 71/80 (2 under, looked at and their classes fixed); held out otherwise
#   blind20: written at the end of that round; first seen 194/260 (142/200 grouped, 1 false no, 14
#           false yes), 73/80 (1 under, looked at and its class fixed); its failure list was seen once,
#           by mistake, in a diff at the very end of the round, and nothing was changed after that
#   blind21: written after that round (ordinary callers); first seen 215/260 (159/200 grouped, 1 false
#           no, 9 false yes), 74/80 (3 under, looked at and their classes fixed); held out otherwise
#   blind22, blind23: written at the start of the round after, two halves of one set; blind22 (130
#           answers) first seen 93/130 (71/100 grouped, 1 false no, 8 false yes), tuned on; blind23 (130
#           answers, 80 patients) first seen 93/130 (68/100 grouped, 3 false no, 4 false yes), 75/80 (0
#           under), held out
#   blind24: written late in that round; first seen 113/160 (97/140 grouped, 2 false no, 3 false yes),
#           47/50 (1 under, looked at and its class fixed); held out otherwise
# All but blind5, blind19, blind20, blind21, blind23, blind24 and the patients of blind10, blind11 and blind15 were tuned on since, so their floors are training scores.
# In blind22's round a sign named and then denied in one answer, without a correction, is asked alone
# instead of taken as a yes ("Tight? Only my jeans, ha. No cramps"): false yes fell by 3 to 6 a set, and
# a few exact answers were lost where the denial was the misreading (blind7, 9, 10, 17, 19, 21).
LATER_SETS = {  # set: (false "no" at most, false "yes" at most, answers exact, grouped answers exact, patients exact)
    # one patient fewer: p3_139's correction after the advice, "I tripped but I caught myself",
    # keeps the trip as a possible blow (urgent, not routine): two writers label a caught trip
    # unsure, and that is the safe side
    "blind2": (0, 0, 292, 191, 142),
    "blind3": (0, 0, 79, 0, 34),
    # one fewer: "tender, but it's not bad" now reads as a no to "severe and constant" pain
    # (its label left it to ask); the severity is denied, so that is what a clinician writes
    "blind4": (0, 0, 222, 158, 80),
    # one grouped answer fewer since a sign's name then a "not" is not a yes: "my leg's not weak,
    # but it never stops aching down the back of it" leaves the spreading to ask
    "blind5": (0, 0, 167, 125, 60),
    # one fewer: "I've changed my pad twice in the last hour" to the heavy-bleeding question now reads
    # the sign itself, and heavy bleeding is bleeding (its writer left vaginal_bleeding out)
    "blind6": (0, 1, 385, 220, 149),
    "blind7": (0, 1, 166, 120, 93),
    "blind8": (0, 3, 347, 230, 119),  # one fewer, as blind6: "I've changed my pad twice in the last hour"
    "blind9": (0, 3, 352, 235, 118),
    # one false no left: "Walking's fine. Well, actually, no, it's not, I had to stop ..."
    "blind10": (0, 1, 331, 203, 116),
    "blind11": (0, 2, 186, 149, 78),
    "blind12": (0, 0, 170, 0, 0),  # opening sentences only
    # held out but for its false no's: "a clear trickle ..., like I've wet myself, but I haven't"
    # (the retraction reaches the trickle), "Braxton Hicks ... they don't really hurt"
    "blind13": (2, 2, 169, 169, 79),
    "blind14": (0, 1, 180, 128, 79),
    # held out but for its under-triage flag; two false no's left in its answers: "it does be
    # going down the back of me leg alright" (an Irish yes read as "alright", a no) and Taglish
    "blind15": (2, 1, 166, 131, 77),
    "blind16": (0, 0, 0, 0, 80),
    "blind17": (0, 0, 229, 174, 80),
    # two false no's left: "Numb, like pins and needles? In my legs yes, but down there no" (the legs'
    # yes goes to the numbness), "I don't know if this counts, I feel light head ..., but I never faint"
    "blind18": (1, 1, 225, 171, 78),
    "blind19": (5, 10, 183, 134, 74),  # held out: its false no's not looked at
    "blind20": (1, 10, 200, 146, 75),  # held out
    "blind21": (1, 6, 213, 158, 77),  # held out
    "blind22": (0, 1, 109, 84, 0),  # half A of the round's first set: tuned on
    "blind24": (2, 3, 114, 98, 48),  # held out (but for its under-triage flag)
    "blind23": (3, 2, 94, 69, 77),  # half B and its patients: held out
}


@pytest.mark.parametrize("name", LATER_SETS)
def test_the_later_sets(dialogue, name):
    false_no, false_yes, exact, grouped, patients_exact = LATER_SETS[name]
    answers = blind.score_answers(dialogue, blind.set_answers(name))
    assert answers["totals"]["false_no"] <= false_no, _listed(answers["failures"], "false_no")
    assert answers["totals"]["false_yes"] <= false_yes, _listed(answers["failures"], "false_yes")
    assert answers["totals"]["exact"] >= exact and answers["totals"].get("grouped_exact", 0) >= grouped
    patients = blind.score_patients(dialogue, blind.set_patients(name))
    assert [f for f in patients["failures"] if any("UNDER" in p for p in f[1])] == []
    assert patients["exact"] >= patients_exact


def test_the_held_out_patients_in_british_english():
    """The same people in en-GB words: never under-triaged (the advice's US spellings the
    writers used, "labor", are the only misses)."""
    from intents.dialogue import Dialogue

    patients = blind.score_patients(Dialogue(locale="en-GB"), blind.set_patients("blind2"))
    assert [f for f in patients["failures"] if any("UNDER" in p for p in f[1])] == []
    assert patients["exact"] >= 136


def test_emergencies_in_the_opening_are_advised_at_once(dialogue):
    """blind12: an emergency described in her own words in the first sentence gets the
    emergency advice in the reply to it (rule 6); the traps (denied, past, someone else's,
    another sense of the word) do not. First sight 77/120 and 7/80; tuned on since."""
    result = blind.score_openings(dialogue, blind.set_answers("blind12"))
    assert result["emergencies"] == 120 and result["caught"] >= 119, result
    assert result["false_emergencies"] == 0, result


@pytest.mark.parametrize("name", blind.SETS)
def test_every_later_set_says_how_it_was_written_and_first_scored(name):
    """BENCHMARKS.md's table for each set comes from its about.yaml: every row names a score
    the benchmark has ("now"), so a new set cannot be added without its first-sight numbers."""
    about = blind.set_about(name)
    assert about["intro"].strip() and about["first_header"].strip()
    scores = {"exact", "grouped_exact", "single_exact", "open_exact", "weeks_exact", "false_no", "false_yes", "patients", "openings"}
    assert about["rows"] and all(r["key"] in scores and str(r["first"]).strip() for r in about["rows"])
