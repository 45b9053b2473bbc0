"""What to say after the advice when it stays the same: short, never the whole advice
again. "repeat" says the spoken advice, "more" the next part of the rest; thanks, goodbyes,
feelings and the common questions of the source articles get a line each (from data)."""

from __future__ import annotations

from models import DialogueState, Understanding
from intents.advice import PART_KEYS, AdviceText, by_level, compose
from intents.model import InteractionModel
from intents.remarks import Remarks
from intents.triage import Assessment


class AfterAdvice:
    def __init__(self, model: InteractionModel, remarks: Remarks, emergency_number: str):
        self.advice, self.feelings = model.advice, model.questions.feelings
        self.remarks, self.emergency_number = remarks, emergency_number

    def denied(self, slots: dict, u: Understanding, words: str, understand) -> set[str]:
        """The signs said before that these words, after the advice, clearly deny: even
        without "sorry" ("I borrowed a thermometer, it's 36.8, so no fever"), and read as an
        answer about the signs the advice rests on, so that the words that name them once
        asked count ("it's nowhere near my ribs": the side pain). Not from a question ("so
        it's not a kidney infection, then?"). `understand`: the dialogue's Understander."""
        present = [s for s, v in slots.items() if v in ("yes", "unsure")]
        denied = {s for s, v in u.signs.items() if v == "no" and s in present}
        if present and not understand.is_question(words):
            about = understand(words, "yes_no", present)
            denied |= {s for s, v in about.signs.items() if v == "no" and s in present}
        return denied

    def reply(self, state: DialogueState, u: Understanding, words: str, result: Assessment, spoken_last: str) -> str:
        """`spoken_last`: what was said last (the part of "more" it was, if any)."""
        advice = self.advice
        spoken = compose(advice, result, self.emergency_number, stopped=state.stopped)
        remark = self.remarks.after_advice(words)
        if u.command == "repeat":
            return spoken.spoken
        if u.command == "clarify" or remark == "more":
            return self.more(spoken, spoken_last)
        if remark in advice.answers:
            return by_level(advice.answers[remark], result.urgency)
        feeling = self.remarks.feeling(words)
        if feeling:  # the kind words, then the one thing to do
            return self.feelings[feeling] + " " + spoken.headline
        if remark == "goodbye" or u.command == "stop":
            return advice.after.goodbye
        if remark == "thanks":
            return advice.after.thanks
        return advice.after.other

    def more(self, spoken: AdviceText, last: str) -> str:
        """The next part of the advice after the one last spoken (found by its heading)."""
        more = self.advice.more
        heading = {key: getattr(more, key) for key in PART_KEYS}
        keys = [key for key, _ in spoken.parts]
        done = [i for i, key in enumerate(keys) if last.startswith(heading[key])]
        nxt = done[0] + 1 if done else (len(keys) if last == " ".join(more.all_said.split()) else 0)
        if nxt >= len(spoken.parts):
            return more.all_said
        key, text = spoken.parts[nxt]
        if nxt + 1 < len(spoken.parts):
            follow = more.offer.format(next=heading[keys[nxt + 1]].rstrip(":").lower())
        else:
            follow = more.all_said
        return f"{heading[key]} {text} {follow}"
