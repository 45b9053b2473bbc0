"""Rule 11 of triage.md: a heard answer that would lower the advice, or give weeks a
mishearing could put across a boundary, is read back before it counts."""

from __future__ import annotations

from models import DialogueState
from intents.model import InteractionModel


class ReadBack:
    def __init__(self, model: InteractionModel):
        # weeks where the questions or the advice change, from the data
        self.boundaries = {w for q in model.questions.questions for w in (q.from_weeks, q.below_weeks) if w} | {
            w for c in model.rules.conditions for w in (c.weeks_from, c.weeks_below) if w} | {
            w for window in model.rules.windows.values() for w in (window.from_weeks, window.below_weeks) if w}

    def needed(self, before: DialogueState, after: DialogueState) -> bool:
        """The turn rules a sign out, or gives weeks that a mishearing could put on the
        other side of a boundary (13 / 30, 14 / 40: miscarriage or preterm advice, the
        movement question)."""
        if any(after.slots.get(s) == "no" and before.slots.get(s) != "no" for s in after.slots):
            return True
        if after.weeks is not None and after.weeks != before.weeks:
            return self.near_boundary(after.weeks)
        return False

    def near_boundary(self, weeks: int) -> bool:
        heard_as = {weeks - 2, weeks - 1, weeks + 1, weeks + 2}
        if 13 <= weeks <= 19:
            heard_as.add((weeks - 10) * 10)  # "fourteen" / "forty"
        if weeks % 10 == 0 and 30 <= weeks <= 40:
            heard_as.add(weeks // 10 + 10)
        return any(min(weeks, h) < b <= max(weeks, h) for h in heard_as for b in self.boundaries)
