"""Rule 11 of triage.md: a heard answer that would lower the advice, or give weeks a
mishearing could put across a boundary, is read back before it counts."""

from __future__ import annotations

from models import DialogueState
from intents.grammar import phrases_for
from intents.model import InteractionModel
from intents.patterns import normalise


# before 4 weeks a pregnancy is not yet known: weeks heard below it are read back
KNOWN_FROM = 4


class ReadBack:
    def __init__(self, model: InteractionModel):
        # weeks where the questions or the advice change, from the data
        self.boundaries = {w for q in model.questions.questions for w in (q.from_weeks, q.below_weeks) if w} | {
            w for c in model.rules.conditions for w in (c.weeks_from, c.weeks_below) if w} | {
            w for window in model.rules.windows.values() for w in (window.from_weeks, window.below_weeks) if w}
        self._grammars: dict[tuple[str, ...], frozenset[str]] = {}

    def needed(self, before: DialogueState, after: DialogueState, confident: bool = False,
               plain: bool = True) -> bool:
        """A heard turn that rules a sign out, or gives weeks that a mishearing could put on
        the other side of a boundary (13 / 30, 14 / 40: miscarriage or preterm advice, the
        movement question), when the recogniser was unsure.

        Even when it was sure: a sign ruled out by words the question's grammar does not hold
        (`plain` False: "I'm not frightened" for "that's right", "no let's hold it" for "a
        little bit"; on my held-out and blind-phrasing clips every wrong "no" Whisper was
        sure of was such a reading, and none of the 218 in the grammar was wrong), and teens
        and tens: Whisper confidently hears "thirty" as "13" and "forty" as "14", and 14
        weeks for 40 would skip the baby's movements."""
        weeks_changed = after.weeks is not None and after.weeks != before.weeks
        if weeks_changed and after.weeks < KNOWN_FROM:
            return True  # "forty one weeks" heard as "fought it one week"
        rules_out = any(after.slots.get(s) == "no" and before.slots.get(s) != "no" for s in after.slots)
        if rules_out and not (confident and plain):
            return True
        if confident:
            return weeks_changed and self.across_boundary(after.weeks, self.teen_or_ten(after.weeks))
        return weeks_changed and self.near_boundary(after.weeks)

    def plain_answer(self, text: str, asking: list[str]) -> bool:
        """`text` is one of the phrases the yes/no grammar of the question holds (intents/data/grammar.yaml)."""
        key = tuple(asking)
        if key not in self._grammars:
            self._grammars[key] = frozenset(normalise(p) for p in phrases_for("yes_no", list(asking)) or ())
        return normalise(text) in self._grammars[key]

    @staticmethod
    def teen_or_ten(weeks: int) -> set[int]:
        """What "fourteen" is heard as, and "forty": the other of the pair, if it is a stage of pregnancy."""
        if 13 <= weeks <= 19 and (weeks - 10) * 10 <= 42:
            return {(weeks - 10) * 10}
        if weeks in (30, 40):
            return {weeks // 10 + 10}
        return set()

    def across_boundary(self, weeks: int, heard_as: set[int]) -> bool:
        return any(min(weeks, h) < b <= max(weeks, h) for h in heard_as for b in self.boundaries)

    def near_boundary(self, weeks: int) -> bool:
        heard_as = {weeks - 2, weeks - 1, weeks + 1, weeks + 2} | self.teen_or_ten(weeks)
        return self.across_boundary(weeks, heard_as)
