"""What an answer says of each sign, once all its parts are read (triage.md rule 10).

intents.answering files what each part said as it reads: under a sign it named, under
"both" or "the rest", or as an answer word for the signs not named. Here those are
settled: a sign said in any part stays said; one is "no" only when a part ruled it out
or a plain "no" covered the signs not named; anything less clear is left unknown, so the
dialogue asks about it on its own.

Pure: decisions in, decisions out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from intents.answer_parts import Span, Target


@dataclass
class Reading:
    """What an answer says of each sign the question asked about."""

    slots: dict[str, str] = field(default_factory=dict)  # settled signs only
    named: set[str] = field(default_factory=set)  # signs the answer named itself
    general: str | None = None  # the answer word for the signs not named ("no", "yeah")
    hedged: bool = False  # the only answer word was a hedge ("sometimes") to how bad / how sudden
    corrected: bool = False  # a correction cue: this answer replaces what was said before
    softened: set[str] = field(default_factory=set)  # said without its severity: left unknown
    denied_elsewhere: set[str] = field(default_factory=set)  # "breathing? no" to another question


@dataclass
class Filed:
    """What the parts of one answer said, as they were read."""

    specific: dict[str, list[str]] = field(default_factory=dict)  # from a sign named
    broad: dict[str, list[str]] = field(default_factory=dict)  # from "both", "all of them", "neither"
    others: list[str] = field(default_factory=list)  # "the rest no": for the signs not named
    partly: dict[str, set[Span]] = field(default_factory=dict)  # half of a sign denied: where
    general: list[str] = field(default_factory=list)  # answer words for the signs not named
    minimized: set[str] = field(default_factory=set)  # "just a bit out of breath on the stairs"
    plain: set[str] = field(default_factory=set)  # the minimizable signs said without "a bit" too
    retracted: set[str] = field(default_factory=set)  # "..., but not now"
    exclusive: bool = False  # "only the numbness": the others are ruled out
    unplaced: bool = False  # "apart from <something not asked about>, no": that no is unclear
    hedged: bool = False  # the only yes was a hedge ("sometimes")
    firm_general: bool = False  # an answer-word yes said without a hedge ("yes, a tiny bit")
    denied_elsewhere: set[str] = field(default_factory=set)  # signs of another question named, then a no
    hedged_yes: set[str] = field(default_factory=set)  # said only with a hedge: "sometimes it's worse"
    firm_yes: set[str] = field(default_factory=set)  # said at least once without one

    def put(self, t: Target, value: str, hedged: bool = False) -> None:
        """Files what the answer says of a target: under its signs, under `broad` for
        "both", "all of them", under `others` for "the rest", or, for half of a sign
        denied, under `partly` until the other half is. hedged: a yes said with a hedge."""
        if value == "yes":
            (self.hedged_yes if hedged else self.firm_yes).update(t.slots)
        if t.partial and value == "no":
            self.partly.setdefault(t.slots[0], set()).add(t.span)
            return
        if not t.slots:
            self.others.append(value)
            return
        into = self.broad if t.mention is None and len(t.slots) > 1 else self.specific
        for slot in t.slots:
            into.setdefault(slot, []).append(value)


def settle(filed: Filed, asking: list[str], hedge_sensitive: set[str], corrected: bool = False) -> Reading:
    """asking: the question's signs not yet known; hedge_sensitive: the signs a hedge is
    no answer for (how bad, how sudden)."""
    reading = Reading(hedged=filed.hedged, corrected=corrected, denied_elsewhere=filed.denied_elsewhere)
    asked = set(asking)
    halved: set[str] = set()  # half of the sign denied: it is asked alone, not given the general answer
    for slot, halves in filed.partly.items():
        if len(halves) > 1:  # "no numbness or weakness": both halves, so the sign
            filed.specific.setdefault(slot, []).append("no")
        elif slot not in filed.specific:
            halved.add(slot)
    named = {s for s in filed.specific if s in asked}
    values: dict[str, list[str]] = {s: v for s, v in filed.specific.items() if s in asked}
    for slot, said in filed.broad.items():
        values.setdefault(slot, said)  # "all three, well, not the walking"
    if named or values or halved:
        # "the rest no": the signs not named; "numbness no, the rest yes": half of a sign
        # named is named too (its other half is asked alone)
        for value in filed.others:
            for slot in asking:
                if slot not in values and slot not in halved:
                    values.setdefault(slot, []).append(value)
                    filed.specific.setdefault(slot, [])
    reading.named = set(values)
    general_answer = None
    doubt_only = bool(filed.general) and set(filed.general) == {"unsure"}
    if filed.general:
        classes = set(filed.general)
        general_answer = "unsure" if "unsure" in classes or {"yes", "no"} <= classes else filed.general[-1]
    for slot, said in values.items():
        if slot in filed.minimized - filed.plain and "no" in said:
            continue  # "out of breath on the stairs, but that is not the sign asked about": ask alone
        if "no" in said and slot in filed.hedged_yes and slot not in filed.firm_yes:
            continue  # "sometimes it's worse in the evenings, but overall it's not getting worse": ask alone
        # "yes" may come from any mention; a contradiction without a correction keeps it.
        # Doubt about the sign itself outweighs the words that describe it: "not sure
        # about the fever, I feel a bit hot", "I'm damp down there, I don't know if it's
        # wee" are asked again in plainer words (rule 5), not taken as a yes
        value = ("unsure" if "unsure" in said or (doubt_only and "no" not in said) else "yes") \
            if {"yes", "unsure"} & set(said) else "no"
        if slot in filed.retracted:
            value = "no"
        elif value == "yes" and said[-1] == "no" and "unsure" not in said:
            continue  # named, then denied ("a bit of blood, no, no blood"): asked alone, not a yes
        if value == "no" and general_answer == "unsure" and len(asking) == 1:
            value = "unsure"  # "I don't know, it's not really burning": not a clear no
        reading.slots[slot] = value
    if filed.unplaced and general_answer == "no":
        general_answer = "unsure"  # the exception may be one of the signs: asked again (rule 10)
    reading.general = general_answer
    if filed.hedged and general_answer == "yes" and asked <= hedge_sensitive:
        general_answer = None  # "sometimes" to "did it come on suddenly and severely?"
    for slot in filed.minimized - filed.plain:
        if general_answer == "unsure" or "unsure" in values.get(slot, []):
            reading.slots[slot] = "unsure"  # "not really sure, a little maybe", "a bit warm maybe"
        elif general_answer == "no" or len(asking) > 1:
            # "no, just a bit out of breath on the stairs", "a bit light headed if I stand
            # up": neither a clear no nor a clear yes to a grouped question; asked alone
            reading.slots.pop(slot, None)
    for slot in asking:
        if slot in values or (slot in halved and general_answer != "no" and not filed.exclusive):
            continue  # half denied with a plain "no" around it ("no, not on one side") is a no
        if filed.exclusive and any(reading.slots.get(s) in ("yes", "unsure") for s in values):
            reading.slots[slot] = "no"  # "only the first one": the others are ruled out
        elif general_answer == "no" or (general_answer == "unsure" and all(
                reading.slots.get(s) == "no" for s in values)):
            # "I can't say, I haven't fainted though": the doubt is about the others
            reading.slots[slot] = general_answer
        elif general_answer == "yes" and not (filed.hedged and not filed.firm_general and values) and all(
                reading.slots.get(s) == "no" for s in values):
            # (but "no cramps, only a little bloated": a yes from "a little" alone, after a
            # no, is asked alone)
            rest = [s for s in asking if s not in values]
            if len(rest) == 1:  # "yes" to a single question; "yes, but no fluid"
                reading.slots[slot] = "yes"
    return reading
