"""An answer to one question, read sign by sign (triage.md rules 10 and 12).

"only the numbness, none of the others", "not sure about the fluid, no bleeding", "the
second one", "no, just a bit out of breath on the stairs": the answer is cut into parts,
each part gives its own yes / no / not sure to the signs it names, and what is left over
answers for the signs not named. A sign becomes "no" only when a part clearly rules it
out; anything less clear leaves it unknown, so the dialogue asks about it on its own.

Pure: text in, decisions out. The words it listens for are data (vocabulary.yaml,
`answering`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from intents.answer_parts import DETERMINER, FILLER, STATEMENT, AnswerParts, Mention, Span, Target, file_value
from intents.context import ContextRules
from intents.patterns import NEGATION_WORD, compile_phrases
from intents.vocabulary import Answering
# only "and", "or" between two names: "breathing and chest are fine"
_JOINED = re.compile(r"[ ,]*(?:and|or|and the|and my|or the|or my)?[ ,]*")

@dataclass
class Reading:
    """What an answer says of each sign the question asked about."""

    slots: dict[str, str] = field(default_factory=dict)  # settled signs only
    named: set[str] = field(default_factory=set)  # signs the answer named itself
    general: str | None = None  # the answer word for the signs not named ("no", "yeah")
    hedged: bool = False  # the only answer word was a hedge ("sometimes") to how bad / how sudden
    corrected: bool = False  # a correction cue: this answer replaces what was said before


class AnswerReader:
    def __init__(self, data: Answering, macros: dict[str, str], context: ContextRules,
                 answer_in: Callable[[str, list[Span], list[str]], str | None],
                 value_of: Callable[[str | None, str, str], str | None],
                 exclude: dict[str, re.Pattern] | None = None):
        """answer_in(text, taken, asking): the yes / no / unsure class of the answer words
        in text outside the taken spans (Understander.answer); value_of(kind, context,
        words): what a mention says of its sign (understanding.mention_value); exclude: per
        sign, the phrases that look like it but are not."""
        self._context = context
        self._answer_in = answer_in
        self._value_of = value_of
        self._parts = AnswerParts(data, macros, exclude)
        self._scoped = compile_phrases(data.scoped_answers, macros)
        self._exclusion = re.compile(r"(?:" + "|".join(data.exclusions) + r") $")
        self._minimizer = compile_phrases(data.minimizers.phrases, macros)
        self._mild_possible = set(data.minimizers.applies_to)
        self._hedge = compile_phrases(data.hedges.phrases, macros)
        self.hedge_sensitive = set(data.hedges.not_an_answer_for)
        self._retraction = context.retraction  # "..., but not now", "..., I don't have that"

    # --- parts of an answer ------------------------------------------------------------

    def correction_start(self, text: str) -> int | None:
        """Where what counts begins after the last correction cue ("no wait, I meant yes")."""
        return self._parts.correction_start(text)

    def _polarity(self, text: str, span: Span, part: Span) -> str | None:
        """A named sign's value from its own part: negated -> no, uncertain -> unsure;
        None when the context puts it elsewhere (past, family, hypothetical) or says
        nothing (the part's answer word then decides)."""
        context, _ = self._context.of_mention(text, span[0], span[1], within=part)
        return {"negated": "no", "uncertain": "unsure", "present": None}.get(context, "skip")

    # --- the whole answer --------------------------------------------------------------

    def _own(self, text: str, t: Target, part: Span) -> str | None:
        """What a target says of its signs by itself and its context: "yes", "no",
        "unsure", "skip" (nothing: past, family, what-if), or None (the answer words next
        to it decide: "the fluid", "bleeding? no")."""
        if t.value is not None:
            return t.value
        if t.mention is not None:
            # past, family and what-if reach across the parts of an answer ("my friend said
            # hers got worse and worse"); negation and doubt stay inside the part
            wide, _ = self._context.of_mention(text, t.span[0], t.span[1])
            if wide in ("hypothetical", "historical", "family"):
                return "skip"
            context, _ = self._context.of_mention(text, t.span[0], t.span[1], within=part)
            value = self._value_of(t.mention.kind, context, t.mention.words)
            if value is None and t.partial and (context == "negated" or NEGATION_WORD.search(t.mention.words)):
                return "no"  # half of the sign denied: kept apart until the other half is (_put)
            if value == "yes" and context == "present" and self._bare(t.mention.words):
                return None  # "bleeding" alone names the sign; the answer may follow
            if value is None:
                return {"present": None, "uncertain": "unsure"}.get(context, "skip")
            return value
        return self._polarity(text, t.span, part)

    def _value(self, text: str, t: Target, part: Span, words: str | None) -> str | None:
        """What one target says of its signs; None when it says nothing of them."""
        value = self._own(text, t, part)
        if value == "skip":
            return None
        if value is None:
            value = words if words in ("yes", "no", "unsure") else "yes"
        return value

    def _is_topic(self, text: str, part: Span, inside: list[Target]) -> bool:
        """A part that only names signs ("bleeding?", "leaking fluid,"): the answer comes
        in the part after it ("bleeding? no I haven't")."""
        rest = list(text[part[0]:part[1]])
        if any(t.position for t in inside):
            return False  # "the second one, I'm OK now": the choice is the answer
        if all(self._own(text, t, part) is not None for t in inside):
            return False  # "I fainted this morning", "only a week": they say it themselves
        for t in inside:
            rest[t.span[0] - part[0]:t.span[1] - part[0]] = " " * (t.span[1] - t.span[0])
        return not FILLER.sub(" ", "".join(rest)).strip(" .,")

    @staticmethod
    def _bare(words: str) -> bool:
        """A sign phrase that is only its name ("bleeding", "numbness down there",
        "spreading into my legs"), not a statement of it ("I couldn't wee", "I fainted")."""
        return not STATEMENT.search(words)

    def read(self, text: str, asking: list[str], order: list[str], mentions: list[Mention]) -> Reading:
        """asking: the question's signs not yet known; order: the question's signs in the
        order its words name them ("the first one"); mentions: every sign phrase in text."""
        reading = Reading()
        begin = self.correction_start(text) or 0
        reading.corrected = begin > 0
        asked = set(asking)
        mentions = [m for m in mentions if m.span[0] >= begin]
        others_said = [m.span for m in mentions if m.slot not in asked]
        targets = self._parts.targets(text, begin, asking, order, mentions)
        specific: dict[str, list[str]] = {}  # from a sign named
        broad: dict[str, list[str]] = {}  # from "both", "all of them", "neither"
        general: list[str] = []
        minimized: set[str] = set()
        exclusive = False
        others: list[str] = []
        topic: list[Target] = []  # named signs waiting for the answer in the next part
        previous: set[str] = set()  # the values the part before gave to the signs it named
        said_before: list[Target] = []  # the signs the part before named
        retracted: set[str] = set()
        partly_denied: dict[str, set[str]] = {}  # a half of a sign denied: its words
        for part in self._parts.parts(text, begin, [t.span for t in targets]):
            inside = [t for t in targets if part[0] <= t.span[0] < part[1]]
            chunk = text[part[0]:part[1]]
            if not inside:
                if any(part[0] <= o[0] < part[1] for o in others_said):
                    continue  # "I've had some bleeding": its words are about that sign
                if said_before and self._retraction is not None and self._retraction.match(chunk.strip(" ,.")):
                    for t in said_before:  # "I had trouble peeing after my first, but not now"
                        retracted.update(t.slots)
                        t.partial = False  # what was said is taken back, whichever half it was
                        file_value(t, "no", specific, broad, others, partly_denied)
                    said_before, previous = [], set()
                    continue
                words = self._answer_in(chunk, [], asking)
                if words == "no" and not topic and self._scoped is not None and self._scoped.match(chunk):
                    continue  # "the toilet side of things is fine": not about the signs asked
                if words and topic:
                    for t in topic:  # "bleeding? no, I haven't"
                        file_value(t, words, specific, broad, others, partly_denied)
                    topic = []
                    previous = {words}  # "leaking fluid, no, I haven't had that"
                    continue
                if words and previous == {words}:
                    previous = set()
                    continue  # "no bleeding, no": the "no" repeats the part before it
                if words:
                    general.append(words)
                    if words == "yes" and self._hedge_only(chunk, asking):
                        reading.hedged = True
                previous = set()
                continue
            answers_back = [t.value for t in inside if t.mention is None and not t.position and t.value is not None]
            if topic and answers_back and len(answers_back) == len(inside):
                for t in topic:  # "spotting or leaking, none of that": the reference answers the topic
                    file_value(t, answers_back[0], specific, broad, others, partly_denied)
                topic = []
                continue
            # "breathing and chest are fine": what the part after says of its signs is the
            # topic's too (settled below); a topic with no answer after it is named, so yes
            short = all(t.mention is None or len(t.mention.words.split()) <= 2 for t in topic + inside)
            joined = topic if short and topic and _JOINED.fullmatch(text[max(t.span[1] for t in topic):inside[0].span[0]]) else []
            shared = self._answer_in(chunk, [(t.span[0] - part[0], t.span[1] - part[0]) for t in inside], asking) \
                if topic and short else None  # "a fall? no, I haven't fallen"
            for t in (t for t in topic if t not in joined):
                file_value(t, shared or "yes", specific, broad, others, partly_denied)
            topic = []
            if self._is_topic(text, part, inside) and not self._answer_in(
                    chunk, [(t.span[0] - part[0], t.span[1] - part[0]) for t in inside], asking):
                for t in inside:
                    own = self._own(text, t, part)
                    if own is None:
                        topic.append(t)
                    elif own != "skip":
                        file_value(t, own, specific, broad, others, partly_denied)
                continue
            small = bool(self._minimizer.search(text, part[0], part[1]))
            previous = set()
            said_before = list(inside)
            for i, t in enumerate(inside):
                # the answer words next to a sign are its own: "bleeding yes the rest no"
                after_end = inside[i + 1].span[0] if i + 1 < len(inside) else part[1]
                before_start = inside[i - 1].span[1] if i > 0 else part[0]
                words = (self._answer_in(text[t.span[1]:after_end], [], asking)
                         or self._answer_in(text[before_start:t.span[0]], [], asking)) if len(inside) > 1 else \
                    self._answer_in(chunk, [(x.span[0] - part[0], x.span[1] - part[0]) for x in inside], asking)
                scope = part
                between = text[before_start:t.span[0]]
                if i > 0 and len(between.split()) <= 2 and self._answer_in(between, [], asking):
                    scope = (t.span[0], part[1])  # "bleeding no leaking yes": that "no" was the bleeding's
                value = self._value(text, t, scope, words)
                lead = text[part[0]:t.span[0]]
                if value is None and t.mention is not None and self._exclusion.search(DETERMINER.sub("", lead)):
                    value = "yes"  # "only the fluid": named to be picked out
                if value is None:
                    continue
                if self._exclusion.search(DETERMINER.sub("", lead)):  # "only (the) X"
                    exclusive = exclusive or value in ("yes", "unsure")
                file_value(t, value, specific, broad, others, partly_denied)
                previous.add(value)
                if small and value == "yes":
                    minimized.update(set(t.slots) & self._mild_possible)
            for t in joined:
                file_value(t, next(iter(previous)) if len(previous) == 1 else "yes", specific, broad, others, partly_denied)
        for t in topic:
            file_value(t, "yes", specific, broad, others, partly_denied)
        halved: set[str] = set()  # half of the sign denied: it is asked alone, not given the general answer
        for slot, halves in partly_denied.items():
            if len(halves) > 1:  # "no numbness or weakness": both halves, so the sign
                specific.setdefault(slot, []).append("no")
            elif slot not in specific:
                halved.add(slot)
        named = {s for s in specific if s in asked}
        values: dict[str, list[str]] = {s: v for s, v in specific.items() if s in asked}
        for slot, said in broad.items():
            values.setdefault(slot, said)  # "all three, well, not the walking"
        if named or values:
            for value in others:  # "the rest no": the signs not named
                for slot in asking:
                    if slot not in values:
                        values.setdefault(slot, []).append(value)
                        specific.setdefault(slot, [])
        reading.named = set(values)
        general_answer = None
        doubt_only = bool(general) and set(general) == {"unsure"}
        if general:
            classes = set(general)
            general_answer = "unsure" if "unsure" in classes or {"yes", "no"} <= classes else general[-1]
        for slot, said in values.items():
            if slot in minimized and "no" in said:
                continue  # "out of breath on the stairs, but that is not the sign asked about": ask alone
            # "yes" may come from any mention; a contradiction without a correction keeps it.
            # Doubt about the sign itself outweighs the words that describe it: "not sure
            # about the fever, I feel a bit hot", "I'm damp down there, I don't know if it's
            # wee" are asked again in plainer words (rule 5), not taken as a yes
            value = ("unsure" if "unsure" in said or (doubt_only and "no" not in said) else "yes") \
                if {"yes", "unsure"} & set(said) else "no"
            if slot in retracted:
                value = "no"
            if value == "no" and general_answer == "unsure" and len(asking) == 1:
                value = "unsure"  # "I don't know, it's not really burning": not a clear no
            reading.slots[slot] = value
        reading.general = general_answer
        if reading.hedged and general_answer == "yes" and asked <= self.hedge_sensitive:
            general_answer = None  # "sometimes" to "did it come on suddenly and severely?"
        for slot in minimized:
            if general_answer == "no" or len(asking) > 1:
                # "no, just a bit out of breath on the stairs", "a bit light headed if I stand
                # up": neither a clear no nor a clear yes to a grouped question; asked alone
                reading.slots.pop(slot, None)
            elif general_answer == "unsure":
                reading.slots[slot] = "unsure"  # "not really sure, a little maybe"
        for slot in asking:
            if slot in values or (slot in halved and general_answer != "no"):
                continue  # half denied with a plain "no" around it ("no, not on one side") is a no
            if exclusive and any(reading.slots.get(s) in ("yes", "unsure") for s in values):
                reading.slots[slot] = "no"  # "only the first one": the others are ruled out
            elif general_answer == "no" or (general_answer == "unsure" and all(
                    reading.slots.get(s) == "no" for s in values)):
                # "I can't say, I haven't fainted though": the doubt is about the others
                reading.slots[slot] = general_answer
            elif general_answer == "yes" and all(reading.slots.get(s) == "no" for s in values):
                rest = [s for s in asking if s not in values]
                if len(rest) == 1:  # "yes" to a single question; "yes, but no fluid"
                    reading.slots[slot] = "yes"
        return reading

    def _hedge_only(self, part: str, asking: list[str]) -> bool:
        """The part's yes comes only from hedge words ("sometimes", "kind of")."""
        blanked = self._hedge.sub(lambda m: " " * len(m.group()), part)
        return self._answer_in(blanked, [], asking) is None
