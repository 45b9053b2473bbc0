"""A simulated person: answers whatever the skill asks, the way people do.

Used by the conversation tests (in process and through the real HTTP server) and by the
benchmarks, so that all of them judge the skill by one notion of "a person".
"""

from __future__ import annotations

import itertools
from typing import Callable

PHRASES = {
    "terse": {"yes": ["yes", "yep", "yeah"], "no": ["no", "nope", "nah"], "unsure": ["not sure", "dunno"]},
    "casual": {
        "yes": ["yeah", "yes I do", "yep, I have", "uh huh", "I think so"],
        "no": ["nope", "not really", "no", "no I don't think so", "nah not that I've noticed"],
        "unsure": ["I'm not sure", "I don't know", "maybe, I can't tell"],
    },
    "chatty": {
        "yes": ["yes, I have actually", "yeah, a bit, now that you mention it", "yes, unfortunately"],
        "no": ["no, nothing like that", "no, not at all", "no, thankfully not"],
        "unsure": ["hmm, I'm really not sure", "I honestly don't know", "hard to say really"],
    },
}


# How a person says "yes" by describing the sign instead ("descriptive" style).
DESCRIBED = {
    "heavy_bleeding": "yes, I'm soaking a pad every hour",
    "saddle_numbness": "yes, it's numb around my bottom",
    "bladder_bowel": "yes, I can't pee",
    "breathing": "yes, I'm short of breath",
    "constant_abdominal": "yes, my belly hurts all the time and it's severe",
    "fainting": "yes, I fainted earlier",
    "vaginal_bleeding": "yes, there's some spotting",
    "fluid_leak": "yeah I think my waters are leaking",
    "contractions": "yeah, it comes and goes in waves",
    "fever": "yes, I've got chills",
    "leg_weakness": "yes, my legs feel weak",
    "sudden_severe": "yes, it came on suddenly and it's terrible",
    "trauma": "yes, I fell over yesterday",
    "fetal_movement": "yes, the baby's been really quiet",
    "headache_vision": "yes, I've got a terrible headache",
    "urinary_pain": "yes, it burns when I pee",
    "flank_pain": "yes, it's on my right side under the ribs",
    "radiating": "yes, it goes down my leg",
    "worsening": "yes, it's getting worse",
    "walking_difficulty": "yes, it's hard to walk",
    "persistent": "yes, it's been going on for a month",
}


def described(slot: str) -> str:
    """Her own description of a sign; for a sign added since (the slot list is data), the
    first phrase the data gives the recognisers for it."""
    if slot in DESCRIBED:
        return DESCRIBED[slot]
    from intents.grammar import sign_phrases

    return "yes, " + sign_phrases(slot)["present"][0]


class Person:
    def __init__(self, case: dict):
        self.case = case
        self.yes = set(case.get("yes") or [])
        self.unsure = set(case.get("unsure") or [])
        phrases = PHRASES.get(case.get("style") or "casual", PHRASES["casual"])
        self._cycles = {k: itertools.cycle(v) for k, v in phrases.items()}

    def answer(self, reply: dict) -> str:
        if reply["expecting"] == "weeks":
            return self.case.get("weeks_phrase") or "I don't know"
        asking = set(reply["asking"])
        if asking & self.yes:
            if self.case.get("style") == "descriptive":
                return described(sorted(asking & self.yes)[0])
            return next(self._cycles["yes"])
        if asking & self.unsure:
            return next(self._cycles["unsure"])
        return next(self._cycles["no"])


def in_process(dialogue):
    """start/turn callables for the driver, on a Dialogue without HTTP."""
    states = {}

    def start(weeks):
        state = dialogue.start(f"s{len(states)}", weeks)
        states[state.session_id] = state
        return state.last_reply.model_dump(mode="json")

    def turn(session, text):
        states[session] = dialogue.turn(states[session], text)
        return states[session].last_reply.model_dump(mode="json")

    return start, turn


def converse(case: dict, start: Callable[[int | None], dict], turn: Callable[[str, str], dict], max_turns: int = 40) -> list[dict]:
    """Run one case; returns every reply, greeting first."""
    replies = [start(case.get("start_weeks"))]
    replies.append(turn(replies[0]["session_id"], case["opening"]))
    return _until_advice(case, Person(case), replies, turn, max_turns)


def _until_advice(case, person, replies: list[dict], turn, max_turns: int) -> list[dict]:
    """The person answers every question until the advice; `replies` extended."""
    session = replies[0]["session_id"]
    while not replies[-1]["done"]:
        if len(replies) > max_turns:
            raise AssertionError(f"{case['id']}: no advice after {max_turns} turns")
        replies.append(turn(session, person.answer(replies[-1])))
    return replies


def problems(case: dict, replies: list[dict]) -> list[str]:
    """What the conversation got wrong against the case's expectations."""
    from models import Urgency

    expect = case["expect"]
    final = replies[-1]
    found = []
    got = Urgency(final["triage"]["urgency"])
    wanted = Urgency(expect["urgency"])
    if got.rank < wanted.rank:
        found.append(f"UNDER-TRIAGE: {got.value} < {wanted.value}")
    elif got != wanted:
        found.append(f"urgency {got.value} != {wanted.value}")
    missing = set(expect.get("reasons_include") or []) - set(final["triage"]["reasons"])
    if missing:
        found.append(f"reasons miss {sorted(missing)}")
    if expect.get("emergency_in_first_reply"):
        first = replies[1]
        if not (first["done"] and first["triage"]["urgency"] == "emergency"):
            found.append("emergency advice not in the reply to the opening sentence")
    advice = final["triage"]["advice"].lower()
    for word in expect.get("advice_mentions") or []:
        if word.lower() not in advice:
            found.append(f"advice does not mention {word!r}")
    return found


class NaturalPerson:
    """A blind-written patient (tests/data/blind/patients_*.yaml): her own words for the
    questions the case scripts (`answers`, then `again` when asked a second time), a plain
    answer true to her `truth` for the rest."""

    def __init__(self, case: dict, group_ids: dict[frozenset, str]):
        self.case = case
        truth = case.get("truth") or {}
        self.yes = set(truth.get("yes") or [])
        self.unsure = set(truth.get("unsure") or [])
        self.answers = case.get("answers") or {}
        self.again = case.get("again") or {}
        self.group_ids = group_ids
        self.asked: dict[str, int] = {}

    def key(self, reply: dict) -> str:
        if reply["expecting"] == "weeks":
            return "weeks"
        asking = reply["asking"]
        return asking[0] if len(asking) == 1 else self.group_ids.get(frozenset(asking), "+".join(asking))

    def answer(self, reply: dict) -> str:
        key = self.key(reply)
        times = self.asked[key] = self.asked.get(key, 0) + 1
        scripted = self.answers if times == 1 else self.again
        if key in scripted:
            return scripted[key]
        if key == "weeks":
            return self.case.get("weeks_phrase") or "I don't know"
        asking = set(reply["asking"])
        return "yes" if asking & self.yes else "not sure" if asking & self.unsure else "no"


def converse_natural(case: dict, group_ids: dict[frozenset, str], start, turn,
                     max_turns: int = 40) -> tuple[list[dict], list[int]]:
    """Run one blind patient, then what she says after the advice: every reply, greeting
    first, and the index of the advice after each later remark."""
    person = NaturalPerson(case, group_ids)
    replies = [start(case.get("start_weeks"))]
    session = replies[0]["session_id"]
    replies.append(turn(session, case["opening"]))
    _until_advice(case, person, replies, turn, max_turns)
    ends = []
    for later in case.get("after_advice") or []:
        replies.append(turn(session, later["say"]))
        # a correction may bring back questions an emergency left unasked
        _until_advice(case, person, replies, turn, len(replies) + max_turns)
        ends.append(len(replies) - 1)
    return replies, ends


def natural_problems(case: dict, replies: list[dict], ends: list[int]) -> list[str]:
    """`problems` for the first advice, plus the urgency of the advice after each later
    remark (a correction recomputes the advice, rule 12)."""
    later = case.get("after_advice") or []
    first_advice = next(i for i, r in enumerate(replies) if r["done"])
    found = problems(case, replies[: first_advice + 1])
    for remark, end in zip(later, ends):
        reply = replies[end]
        want = remark.get("expect_urgency")
        got = (reply.get("triage") or {}).get("urgency")
        if want and got != want:
            from models import Urgency

            tag = "UNDER-TRIAGE after" if got and Urgency(got).rank < Urgency(want).rank else "after"
            found.append(f"{tag} {remark['say']!r}: {got} != {want}")
    return found
