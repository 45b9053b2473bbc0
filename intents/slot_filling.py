"""How what was said fills the slots: signs named at any time (rules 6, 11, 12), and the
answer to a yes/no question, sign by sign (rules 5, 8 and 10): a sign the answer does not
clearly settle stays unknown and is asked alone."""

from __future__ import annotations

from dataclasses import dataclass

from models import DialogueState, Understanding

# Not understood this many times in a row: a yes/no question counts as unsure (rule 5,
# the conservative choice), the weeks question is given up.
MAX_MISUNDERSTOOD = 3


@dataclass(frozen=True)
class AskAgain:
    """The pending question is asked again: after `said`, in plainer words or not."""

    said: list[str]
    plain: bool


def apply_yes_no(state: DialogueState, u: Understanding, progressed: bool,
                 phrases: dict[str, str]) -> list[str] | AskAgain:
    """Fills what the answer settles in `state`; returns what to say before the next
    question, or that the pending question is to be asked again."""
    open_slots = [s for s in state.pending_slots if state.slots[s] is None or s in state.recheck]
    if not open_slots:
        return []
    settled = {s: v for s, v in u.slot_answers.items() if s in open_slots}
    if u.group_yes and len(open_slots) > 1:
        state.split_groups.append(state.pending)
        return [phrases["follow_up_intro"]]
    values = set(settled.values())
    if values == {"unsure"} and len(settled) == len(open_slots) and not state.rephrased:
        state.rephrased = True  # rule 5: "not sure" is asked once more, in plainer words
        return AskAgain([], plain=True)
    if values == {"unsure"} and len(open_slots) > 1 and not (u.signs.keys() & settled.keys()):
        state.split_groups.append(state.pending)  # still not sure of the group: each sign alone
        return [phrases["follow_up_intro"]]
    said: list[str] = []
    for slot, value in settled.items():
        state.slots[slot] = value
        if slot in state.recheck:
            state.recheck.remove(slot)
            if value == "unsure":
                said.append(phrases["counted_unsure"])
        elif value == "unsure":
            if state.rephrased or len(open_slots) == 1:
                said.append(phrases["counted_unsure"])
            else:
                state.recheck.append(slot)  # rule 5: asked once more, on its own
    if settled:
        if len(state.pending_slots) > 1 and len(settled) < len(open_slots):
            state.split_groups.append(state.pending)  # the rest are asked one by one
        return said[:1]
    if progressed:
        return []  # a sign was named instead of yes/no; ask what is still unknown
    state.misunderstood += 1
    if u.out_of_scope:
        key = {"question": "question_answer"}.get(u.out_of_scope, u.out_of_scope)
        return AskAgain([phrases[key]], plain=state.rephrased)
    if state.misunderstood >= MAX_MISUNDERSTOOD:
        for s in open_slots:
            state.slots[s] = "unsure"
            if s in state.recheck:
                state.recheck.remove(s)
        return [phrases["counted_misheard"]]
    if u.hedged:
        return AskAgain([phrases["hedged"]], plain=True)
    return AskAgain([phrases["not_understood"]], plain=state.misunderstood >= 2 or state.rephrased)


def apply_signs(state: DialogueState, u: Understanding, spoken: bool = False) -> None:
    """Rule 6: a sign named at any time fills its slot; a present sign is undone only by
    a correction (rule 12). The pending question's signs are left to `apply_yes_no`.
    spoken: a negated mention in recognised speech never fills "no" (rule 11)."""
    pending = set(state.pending_slots) if u.slot_answers or u.group_yes else set()
    for slot, value in u.signs.items():
        if slot in pending:
            continue
        current = state.slots.get(slot)
        if value in ("yes", "unsure") and (current in (None, "no") or slot in u.corrected):
            state.slots[slot] = value if current != "yes" or slot in u.corrected else current
        elif value == "no" and (current is None or slot in u.corrected) and not spoken:
            state.slots[slot] = "no"
