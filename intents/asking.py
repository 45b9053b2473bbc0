"""Which question comes next, and in which words (triage.md rules 8 and 9).

The questions, their order and the conditions for asking them are data
(intents/data/questions.yaml); this module only walks them for a conversation's state.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import STATE_SCHEMA, DialogueState
from intents.model import InteractionModel
from intents.wording import Question, Wording

OPEN, WEEKS = "open", "weeks"
SINGLE = "slot:"  # pending id of a one-slot question: "slot:" + a slot id


@dataclass(frozen=True)
class Ask:
    """The next question: its pending id, the slots it is about, and its words."""

    pending: str
    slots: list[str]
    wording: Wording
    expecting: str


class Asker:
    def __init__(self, model: InteractionModel):
        self.model = model
        self._q = model.questions
        self.question_ids = {q.id for q in self._q.questions}

    def open(self) -> Ask:
        return Ask(OPEN, [], self._q.open, "free_text")

    def weeks(self) -> Ask:
        return Ask(WEEKS, ["weeks"], self._q.weeks, "weeks")

    def single(self, slot: str) -> Ask:
        return Ask(SINGLE + slot, [slot], self._q.slot_questions[slot], "yes_no")

    def grouped(self, q: Question) -> Ask:
        return Ask(q.id, q.named_order, Wording(say=q.say, plain=q.plain), "yes_no")

    def by_id(self, question_id: str) -> Ask:
        """A question id of questions.yaml, a slot id (its single question), "weeks" or "open"."""
        if question_id == OPEN:
            return self.open()
        if question_id == WEEKS:
            return self.weeks()
        if question_id in self._q.slot_questions:
            return self.single(question_id)
        return self.grouped(self.model.question(question_id))

    def knows(self, pending: str) -> bool:
        """`pending` names a question of this model (a saved state may name a removed one)."""
        if pending in (OPEN, WEEKS) or pending in self.question_ids:
            return True
        return pending.startswith(SINGLE) and pending[len(SINGLE):] in self.model.slot_ids

    def up_to_date(self, state: DialogueState) -> DialogueState:
        """A state saved under another slot list or shape, brought up to date: a new slot
        is unknown (and will be asked), a removed one is dropped."""
        slots = self.model.slot_ids
        state.slots = {s: state.slots.get(s) for s in slots}
        state.pending_slots = [s for s in state.pending_slots if s in slots or s == WEEKS]
        state.recheck = [s for s in state.recheck if s in slots]
        state.split_groups = [g for g in state.split_groups if g in self.question_ids]
        if state.pending and not self.knows(state.pending):
            state.pending, state.pending_slots = None, []  # its question is gone: the next one is asked
        state.schema_version = STATE_SCHEMA
        return state

    def askable(self, q: Question, state: DialogueState) -> bool:
        for slot, values in q.only_if.items():
            if state.slots.get(slot) not in values:
                return False
        if state.weeks is not None:
            if q.from_weeks is not None and state.weeks < q.from_weeks:
                return False
            if q.below_weeks is not None and state.weeks >= q.below_weeks:
                return False
        return True

    def next(self, state: DialogueState) -> Ask | None:
        for q in self._q.questions:
            if q.kind == "weeks":
                if state.weeks is None and state.weeks_tries == 0 and state.pending != WEEKS:
                    return self.weeks()
                continue
            if not self.askable(q, state):
                continue
            unknown = [s for s in q.slots if state.slots.get(s) is None]
            if not unknown:
                continue
            if len(q.slots) > 1 and len(unknown) == len(q.slots) and q.id not in state.split_groups:
                return self.grouped(q)
            return self.single(unknown[0])
        return None

    def pending(self, state: DialogueState) -> Ask:
        if state.pending == OPEN:
            return self.open()
        if state.pending == WEEKS:
            return self.weeks()
        if state.pending.startswith(SINGLE):
            return self.single(state.pending[len(SINGLE):])
        q = self.model.question(state.pending)
        if len(q.slots) == 1 and not q.say:
            return self.single(q.slots[0])
        return self.grouped(q)

    def worded(self, ask: Ask, weeks: int | None, plain: bool) -> str:
        """The question in the words for the stage of pregnancy (no waters at 9 weeks)."""
        wording = ask.wording
        if ask.pending not in (OPEN, WEEKS) and not ask.pending.startswith(SINGLE):
            stages = self.model.question(ask.pending).stages
            wording = Wording(say=wording.say, plain=wording.plain, stages=stages)
        words = wording.at(weeks)
        return words.plain if plain else words.say
