"""Answers and simulated patients written blind (tests/data/blind/), and how they are scored.

Written by helper sessions that read only the questions' wording and the clinical contract,
before the understanding rules were changed for them (BENCHMARKS.md reports the first-sight
and the current score). Shared by the tests and `make bench`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

BLIND = Path(__file__).resolve().parent.parent / "tests" / "data" / "blind"
ANSWER_FILES = ("answers_grouped.yaml", "answers_single.yaml")
PATIENT_FILES = ("patients_1.yaml", "patients_2.yaml")
DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
# The later sets, one folder each (answers.yaml, patients.yaml); BENCHMARKS.md says how each
# was written and scored:
#   blind2: written after the rules of issue 11      blind3: written for ectopic_signs
#   blind4: composite answers, after more rules      blind5: written last, to measure them held out
#   blind6: answers and patients written blind at the start of the round after blind5
#   blind7: written in that round after its rules, to measure them held out (tuned on in the next)
#   blind8: written at the start of the round after, kept held out
#   blind9: written in the round after; blind10 and blind11: in the round after that (patients held out)
#   blind12: opening sentences only, 120 emergencies in own words and 80 traps
#   blind13: written late in that round, to measure its rules held out
#   blind14: written at the start of the round after (patients held out that round)
#   blind15: written at the start of the round after that (patients held out)
#   blind16: patients only, written late in blind15's round (first sight held out, then tuned on)
#   blind17: written at the start of the round after, from the brief of scripts/blind_brief.py
#   blind18: written in that round after its first rules, from the same brief
#   blind19: written late in that round, kept held out (but for its two under-triage flags)
#   blind20: written at the end of that round, kept held out (but for its one under-triage flag)
#   blind21: written after that round, ordinary callers, kept held out (but for its under-triage flags)
#   blind22 and blind23: written at the start of the round after; blind22's answers tuned on, blind23's
#   answers and patients kept held out
#   blind24: written late in that round, kept held out (but for its under-triage flag)
SETS = ("blind2", "blind3", "blind4", "blind5", "blind6", "blind7", "blind8", "blind9", "blind10", "blind11", "blind12", "blind13",
        "blind14", "blind15", "blind16", "blind17", "blind18", "blind19", "blind20", "blind21",
        "blind22", "blind23", "blind24")
DANGER = ("yes", "unsure")  # a sign said, or said to be uncertain


def _load(names, folder: Path = BLIND) -> list[dict]:
    items = []
    for name in names:
        path = folder / name
        if path.exists():
            items += yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return items


def answers() -> list[dict]:
    return _load(ANSWER_FILES)


def patients() -> list[dict]:
    return _load(PATIENT_FILES)


def set_answers(name: str) -> list[dict]:
    """The labelled answers of one of SETS."""
    return _load(["answers.yaml"], DATA / name)


def set_patients(name: str) -> list[dict]:
    """The simulated patients of one of SETS."""
    return _load(["patients.yaml"], DATA / name)


def set_about(name: str) -> dict:
    """How one of SETS was written and what it scored at first sight (its about.yaml: intro,
    first_header, rows of label / key / first), for BENCHMARKS.md."""
    return yaml.safe_load((DATA / name / "about.yaml").read_text(encoding="utf-8"))


def read(dialogue, item: dict):
    """The dialogue state after `item["text"]` answers its question, the first time it is
    asked (opening: after the greeting). Plain wording when the item says so; an "unsure"
    counts at once (as after the plainer re-ask), so that it shows in the slots."""
    state = dialogue.start("blind")
    question = item["question"]
    if question != "open":
        state = dialogue.asking(state, question)
        state.rephrased = True
    return dialogue.turn(state, item["text"])


def judge(item: dict, state, implies=()) -> dict:
    """What the reading got wrong: {"exact": bool, "false_no": [...], "false_yes": [...],
    "spurious": [...], "wrong": [...]}. false_no: a sign said (or uncertain) read as "no";
    false_yes: a sign denied read as "yes"; spurious: a "yes" on a sign not mentioned, other
    than one the interaction model's `implies` gives (heavy bleeding is bleeding: writers
    often label only the sign asked about)."""
    expected = {**(item.get("expect") or {}), **(item.get("other") or {})}
    if "weeks" in expected:  # some writers put stated weeks under `other`
        item = {**item, "weeks": expected.pop("weeks")}
    slots = state.slots
    verdict = {"false_no": [], "false_yes": [], "spurious": [], "wrong": []}
    for slot, want in expected.items():
        got = slots.get(slot)
        if got != want:
            verdict["wrong"].append(f"{slot}: expected {want}, got {got}")
        if want in DANGER and got == "no":
            verdict["false_no"].append(slot)
        if want == "no" and got in DANGER:
            verdict["false_yes"].append(slot)
    implied = {second for first, second in implies if expected.get(first) in DANGER}
    for slot, got in slots.items():
        if slot not in expected and got in DANGER and slot not in implied:
            verdict["spurious"].append(slot)
            verdict["wrong"].append(f"{slot}: unexpected {got}")
    if "weeks" in item or item["question"] == "weeks":
        want = item.get("weeks")
        if state.weeks != want:
            verdict["wrong"].append(f"weeks: expected {want}, got {state.weeks}")
    verdict["exact"] = not verdict["wrong"]
    return verdict


def score_answers(dialogue, items: list[dict] | None = None) -> dict:
    items = answers() if items is None else items
    totals: Counter = Counter(dict.fromkeys(("false_no", "false_yes", "spurious"), 0))  # a set may have no answers
    failures = []
    for item in items:
        v = judge(item, read(dialogue, item), dialogue.model.vocabulary.implies)
        group = "open" if item["question"] == "open" else "weeks" if item["question"] == "weeks" else (
            "grouped" if len(item.get("expect") or {}) > 1 else "single")
        totals[f"{group}_items"] += 1
        totals[f"{group}_exact"] += v["exact"]
        for k in ("false_no", "false_yes", "spurious"):
            totals[k] += bool(v[k])
        if not v["exact"]:
            failures.append((item, v))
    totals["items"] = len(items)
    totals["exact"] = sum(totals[f"{g}_exact"] for g in ("open", "weeks", "grouped", "single"))
    return {"totals": dict(totals), "failures": failures}


EMERGENCY_OPENINGS = ("emergency_described", "emergency_named", "combination")


def score_openings(dialogue, items: list[dict]) -> dict:
    """Opening sentences (blind12): how many that describe an emergency get the emergency
    advice in the reply to them (rule 6), and how many of the others wrongly do."""
    emergencies = traps = caught = false = 0
    for item in items:
        reply = dialogue.turn(dialogue.start("blind"), item["text"]).last_reply
        emergency = reply.done and reply.triage is not None and reply.triage.urgency == "emergency"
        if item.get("class") in EMERGENCY_OPENINGS:
            emergencies += 1
            caught += emergency
        else:
            traps += 1
            false += emergency
    return {"emergencies": emergencies, "caught": caught, "traps": traps, "false_emergencies": false}


def score_patients(dialogue, cases: list[dict] | None = None) -> dict:
    """Every blind patient through the dialogue in process: exact (urgency and every
    expectation), under-triaged, questions per case; failures with their problems."""
    from benchmarks.driver import converse_natural, in_process, natural_problems

    cases = patients() if cases is None else cases
    group_ids = {frozenset(q.slots): q.id for q in dialogue.model.questions.questions if len(q.slots) > 1}
    start, turn = in_process(dialogue)

    exact = under = questions = 0
    failures = []
    for case in cases:
        replies, ends = converse_natural(case, group_ids, start, turn)
        found = natural_problems(case, replies, ends)
        questions += next(i for i, r in enumerate(replies) if r["done"]) - 1
        exact += not found
        under += any("UNDER" in f for f in found)
        if found:
            failures.append((case["id"], found))
    return {"cases": len(cases), "exact": exact, "under": under,
            "questions_per_case": questions / max(1, len(cases)), "failures": failures}
