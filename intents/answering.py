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
from typing import Callable

from intents.answer_parts import DETERMINER, AnswerParts, Mention, Span, Target, bare_name, shared_spans, words_around
from intents.context import ELSEWHERE, ContextRules
from intents.hedging import HedgeWords
from intents.patterns import NEGATION_WORD, compile_following, compile_phrases
from intents.settling import Filed, Reading, settle
from intents.vocabulary import Answering
_JOINED = re.compile(r"[ ,]*(?:and|or|and the|and my|or the|or my)?[ ,]*")  # "breathing and chest are fine"
_OR_MORE, _PLURAL = re.compile(r" *(?:or|nor) "), re.compile(r"(?<![a-z])(?:those|them|these|all of)(?![a-z])")
_CONCLUDING = re.compile(r" *so ")  # "..., so no" sums up: it answers the whole question
_STATEMENT = re.compile(r"(?:i|it|she|he|we|they|there|my|me) ")  # "I lifted my son", not "anything like that"


class AnswerReader:
    def __init__(self, data: Answering, macros: dict[str, str], context: ContextRules,
                 answer_in: Callable[[str, list[Span], list[str]], str | None],
                 value_of: Callable[[str | None, str, str], str | None],
                 exclude: dict[str, re.Pattern] | None = None, answer_words: re.Pattern | None = None):
        """answer_in(text, taken, asking): the yes / no / unsure class of the answer words
        in text outside the taken spans (Understander.answer); value_of(kind, context,
        words): what a mention says of its sign (understanding.mention_value); exclude: per
        sign, the phrases that look like it but are not; answer_words: every answer phrase."""
        self._context = context
        self._answer_in = answer_in
        self._value_of = value_of
        self.parts = AnswerParts(data, macros, exclude)
        self._scoped = compile_phrases(data.scoped_answers, macros)
        self._exclusion = re.compile(r"(?:" + "|".join(data.exclusions) + r") $")
        self._exclusion_after = compile_following(data.exclusions_after, macros)  # "the last one only"
        self._minimizer = compile_phrases(data.minimizers.phrases, macros)
        self._mild_possible = set(data.minimizers.applies_to)
        mild = data.severity_denials  # "a normal headache, nothing severe": not the severe sign
        self._mild = compile_phrases(mild.phrases, macros) if mild else None
        self._mild_for = set(mild.applies_to) if mild else set()
        self._hedges = HedgeWords(data.hedges, macros, self._mild_for)
        self.hedge_sensitive = self._hedges.sensitive
        self._retraction = context.retraction  # "..., but not now", "..., I don't have that"
        self._answer_words = answer_words or re.compile(r"(?!)")
        self._about_before = compile_phrases(data.about_the_sign_before, macros)
        self._fine = compile_phrases(data.fine_after_a_name, macros)
        self._question_back = compile_phrases(data.question_backs, macros)

    # --- the whole answer --------------------------------------------------------------

    def _own(self, text: str, t: Target, part: Span) -> str | None:
        """What a target says of its signs by itself and its context: "yes", "no",
        "unsure", "skip" (nothing: past, family, what-if), or None (the answer words next
        to it decide: "the fluid", "bleeding? no")."""
        if t.value is not None:
            return t.value
        # past, family and what-if reach across the parts of an answer ("my friend said hers
        # got worse and worse", "my mum had it and lost control of her bladder"); negation
        # and doubt stay inside the part
        if not t.position and self._context.of_mention(text, t.span[0], t.span[1])[0] in ELSEWHERE:
            return "skip"
        if t.mention is not None:
            context, _ = self._context.of_phrase(text, *t.span, t.mention.kind, within=part, others=t.later_phrases)
            value = self._value_of(t.mention.kind, context, t.mention.words)
            if value is None and t.partial and (context == "negated" or NEGATION_WORD.search(t.mention.words)):
                return "no"  # half of the sign denied: kept apart until the other half is (_put)
            if value == "yes" and context == "present" and bare_name(t.mention.words) and len(t.mention.words.split()) <= 5:
                return None  # "bleeding" alone names the sign; the answer may follow (a long description says it)
            if value is None:
                return {"present": None, "uncertain": "unsure"}.get(context, "skip")
            return value
        # a name ("the fluid"): negated -> no, in doubt -> unsure; else the answer words decide
        context, _ = self._context.of_mention(text, t.span[0], t.span[1], within=part)
        return {"negated": "no", "uncertain": "unsure", "present": None}.get(context, "skip")

    def _value(self, text: str, t: Target, part: Span, words: str | None) -> str | None:
        """What one target says of its signs; None when it says nothing of them."""
        if (value := self._own(text, t, part)) == "skip":
            return None
        if value is None:
            if words is None and t.mention is None and not t.position and self._context.denial_in(text, t.span[1], part[1]):
                return None  # "my chest doesn't hurt": a name, then a "not" that may or may not deny it
            value = words if words in ("yes", "no", "unsure") else "yes"
        if value == "yes" and t.mention is not None and self._hedges.around(text, part[0], t.span, t.slots):
            return None  # "kind of sudden, I suppose": no answer to how sudden or how severe; asked again
        return value

    def _is_topic(self, text: str, part: Span, inside: list[Target], following: str) -> bool:
        """A part that only names signs ("bleeding?", "leaking fluid,"): the answer comes
        in the part after it ("bleeding? no I haven't"); `following`: that part's words."""
        if any(t.position for t in inside):
            # "the second one, I'm OK now": the choice is the answer; "the last one, no" is not
            return 0 < len(following.split()) <= 3 and bool(self._answer_words.fullmatch(following.strip(" ,.")))
        if all(self._own(text, t, part) is not None for t in inside):
            return False  # "I fainted this morning", "only a week": they say it themselves
        if self._question_back is not None and self._question_back.fullmatch(following.strip(" ,.")):
            return True  # "numb as well, did you say? no, not numb"
        return not words_around(text, part, [t.span for t in inside]).strip(" .,")

    def _listed_name(self, text: str, part: Span, inside: list[Target]) -> bool:
        """One more sign named in a list waiting for its answer ("numb round my bum,
        accidents on the loo, no"): a few words around it, no statement of its own."""
        words = words_around(text, part, [t.span for t in inside])
        return all(not t.position and self._own(text, t, part) is None for t in inside) and \
            len(words.split()) <= 3 and bare_name(words)

    def read(self, text: str, asking: list[str], order: list[str], mentions: list[Mention],
             positions: dict[str, list[str]] | None = None, correcting_weeks: bool = False) -> Reading:
        """asking: the question's signs not yet known; order: the question's signs in the
        order its words name them ("the first one"); mentions: every sign phrase in text;
        positions: where the wording names more things than signs, what "the second one"
        may mean; correcting_weeks: the correction in it is of her weeks, not of this answer."""
        cues = [] if correcting_weeks else self.parts.correction_cues(text)
        reading = self._read_from(text, cues[-1][1] if cues else 0, asking, order, mentions, positions)
        if cues and not reading.slots and reading.general is None and not NEGATION_WORD.search(text, cues[0][0]):
            # "yes, bleeding. quite a lot actually, it's bright red": the cue and what follows
            # answer nothing asked and deny nothing, so they correct nothing: all of it counts,
            # unless it would rule a sign out ("no fall. oh wait, I did go over on my ankle")
            whole = self._read_from(text, 0, asking, order, mentions, positions)
            if "no" not in whole.slots.values() and whole.general != "no":
                return whole
        return reading

    def _read_from(self, text: str, begin: int, asking: list[str], order: list[str], mentions: list[Mention],
                   positions: dict[str, list[str]] | None) -> Reading:
        """`read`, from `begin` (where the last correction starts)."""
        asked = set(asking)
        mentions = [m for m in mentions if m.span[0] >= begin]
        others_said = [m.span for m in mentions if m.slot not in asked]
        others_named = [(slot, span) for slot, span in self.parts.named_elsewhere(text, asking) if span[0] >= begin]
        targets = self.parts.targets(text, begin, asking, order, mentions, positions or {})
        filed = Filed()
        topic: list[Target] = []  # named signs waiting for the answer in the next part
        previous: set[str] = set()  # the values the part before gave to the signs it named
        said_before: list[Target] = []  # the signs the part before named
        elsewhere: set[str] = set()  # the signs of other questions the part before only named
        parts = self.parts.parts(text, begin, [t.span for t in targets])
        for n, part in enumerate(parts):
            inside = [t for t in targets if part[0] <= t.span[0] < part[1]]
            following = text[parts[n + 1][0]:parts[n + 1][1]] if n + 1 < len(parts) and not any(
                parts[n + 1][0] <= t.span[0] < parts[n + 1][1] for t in targets) else ""
            chunk = text[part[0]:part[1]].rstrip()  # "nothing " before "apart from" is "nothing"
            if self.parts.after_exception(text, part[0]):
                # "apart from the numbness, no": what it names is said, its answer words are the others'
                for t in topic + inside:
                    own = "yes" if t in topic else self._own(text, t, part)
                    if own != "skip":
                        filed.put(t, own if own in ("yes", "unsure") else "yes")
                words = self._answer_in(chunk, [(t.span[0] - part[0], t.span[1] - part[0]) for t in inside], asking)
                filed.general += [words] if words else []
                filed.unplaced = filed.unplaced or not (inside or self.parts.placed(chunk, self._answer_words) or any(
                    part[0] <= o[0] < part[1] for o in others_said))  # "other than a headache, no": another sign
                topic, said_before, previous = [], [], set()
                continue
            if not inside:
                # "breathing, no, that's all fine" to the nerves question: the answer words
                # after another sign's bare name are that sign's
                names = [(slot, span) for slot, span in others_named if part[0] <= span[0] < part[1]]
                if names and not words_around(text, part, [span for _, span in names]).strip(" .,?!"):
                    elsewhere = {slot for slot, _ in names}
                    continue
                if any(part[0] <= o[0] < part[1] for o in others_said):
                    continue  # "I've had some bleeding": its words are about that sign
                if said_before and self._retraction is not None and self._retraction.match(chunk.strip(" ,.")):
                    for t in said_before:  # "I had trouble peeing after my first, but not now"
                        filed.retracted.update(t.slots)
                        t.partial = False  # what was said is taken back, whichever half it was
                        filed.put(t, "no")
                    said_before, previous = [], set()
                    filed.general += ["no"] if _PLURAL.search(chunk) else []  # "..., I haven't got any of those"
                    continue
                if said_before and self._about_before is not None and self._about_before.match(chunk):
                    # "I'm peeing a lot, but it doesn't hurt": about that, not the others; a doubt
                    # is that sign's ("soaked this morning, but it might have been wee")
                    for t in said_before if self._answer_in(chunk, [], asking) == "unsure" else []:
                        filed.put(t, "unsure")
                    continue
                words = self._answer_in(chunk, [], asking)
                if words and elsewhere and not topic:
                    if words == "no":  # "fever? no": that no is the fever's (a yes is left to ask)
                        filed.denied_elsewhere |= elsewhere
                    continue
                if words is None and topic and self._retraction is not None and self._retraction.match(chunk.strip(" ,.")):
                    words = "no"  # "blood, water, anything like that, I haven't had any of it"
                if words == "no" and not topic and self._scoped is not None and self._scoped.match(chunk):
                    continue  # "the toilet side of things is fine": not about the signs asked
                if topic and self._fine is not None and self._fine.fullmatch(chunk.strip(" ,.")):
                    words = "no"  # "breathing is okay, chest also okay"
                if topic and words is None and len(chunk.split()) >= 3 and _STATEMENT.match(chunk.strip(" ,.")) and not (
                        self._question_back is not None and self._question_back.fullmatch(chunk.strip(" ,."))):
                    for t in topic:  # "yes, suddenly. I lifted my son...": named, and no answer of its own follows
                        filed.put(t, "yes")
                    topic = []
                if words and topic:
                    for t in topic:  # "bleeding? no, I haven't"
                        filed.put(t, words)
                    # "leaking fluid, no, I haven't had that"; "breathing, no, that's all fine"
                    said_before, topic, previous = topic, [], {words}
                    continue
                if words and previous == {words} and not _CONCLUDING.match(chunk):
                    previous = set()
                    continue  # "no bleeding, no": the "no" repeats the part before it ("..., so no" sums up)
                if words:
                    filed.general.append(words)
                    if words == "yes" and self._hedges.only_hedges(chunk, lambda c: self._answer_in(c, [], asking)):
                        filed.hedged = True
                    elif words == "yes":
                        filed.firm_general = True
                previous = set()
                continue
            if elsewhere and all(t.mention is None and t.value == "no" and len(t.slots) > 1 for t in inside):
                filed.denied_elsewhere |= elsewhere  # "fever, no, none of that": still the fever's
                continue
            elsewhere = set()
            answers_back = [t.value for t in inside if t.mention is None and not t.position and t.value is not None]
            if topic and answers_back and len(answers_back) == len(inside):
                rest = all(not t.slots for t in inside)  # "spotting. that's it": the topic said, the rest ruled out
                for t in topic:  # "spotting or leaking, none of that": the reference answers the topic
                    filed.put(t, "yes" if rest else answers_back[0])
                for t in inside if rest else []:
                    filed.put(t, t.value)
                topic = []
                continue
            spans = [(t.span[0] - part[0], t.span[1] - part[0]) for t in inside]
            listed = topic and "." not in text[topic[-1].span[1]:part[0]]  # "numb down there, the toilet, nope"
            if listed and self._listed_name(text, part, inside) and not self._answer_in(chunk, spans, asking):
                topic += [t for t in inside if self._own(text, t, part) is None]
                continue
            # "breathing and chest are fine", "numbness and bladder are fine": what the part after says of
            # its signs is the topic's too (settled below); a topic with no answer after it is named, so yes
            short = all(t.mention is None or len(t.mention.words.split()) <= 2 for t in topic) and all(
                t.mention is None or len(t.mention.words.split()) <= 2 or (
                    t.mention.kind == "no" and self._fine is not None and self._fine.search(t.mention.words)) for t in inside)
            joined = topic if short and topic and _JOINED.fullmatch(text[max(t.span[1] for t in topic):inside[0].span[0]]) else []
            # "a fall? no, I haven't fallen"
            shared = self._answer_in(chunk, shared_spans(text, part, inside, topic), asking) if topic and short else None
            for t in (t for t in topic if t not in joined):
                filed.put(t, shared or "yes")
            topic = []
            if self._is_topic(text, part, inside, following) and not self._answer_in(chunk, spans, asking):
                for t in inside:  # (a name after a denial, with "or", is denied too: "no leaking. or blood")
                    own = "no" if previous == {"no"} and _OR_MORE.match(chunk) else self._own(text, t, part)
                    if own is None:
                        topic.append(t)
                    elif own != "skip":
                        filed.put(t, own)
                continue
            previous = set()
            said_before = list(inside)
            for i, t in enumerate(inside):
                # the answer words next to a sign are its own: "bleeding yes the rest no"
                after_end = inside[i + 1].span[0] if i + 1 < len(inside) else part[1]
                before_start = inside[i - 1].span[1] if i > 0 else part[0]
                after = text[t.span[1]:after_end]
                if i + 1 < len(inside):  # "blood no water": that "no" is the water's if it negates it
                    nxt, end2 = inside[i + 1], inside[i + 2].span[0] if i + 2 < len(inside) else part[1]
                    context, cue = self._context.of_mention(text, nxt.span[0], nxt.span[1], within=part)
                    if context == "negated" and cue and cue[0] >= t.span[1] and not self._answer_in(text[nxt.span[1]:end2], [], asking):
                        after = ""  # ("bleeding no leaking yes": each has its own)
                words = (self._answer_in(after, [], asking)
                         or self._answer_in(text[before_start:t.span[0]], [], asking)) if len(inside) > 1 else \
                    self._answer_in(chunk, spans, asking)
                scope = part
                between = text[before_start:t.span[0]]
                if i > 0 and len(between.split()) <= 2 and self._answer_in(between, [], asking):
                    scope = (t.span[0], part[1])  # "bleeding no leaking yes": that "no" was the bleeding's
                value = self._value(text, t, scope, words)
                picked = self._exclusion.search(DETERMINER.sub("", text[part[0]:t.span[0]])) or \
                    self._exclusion_after.match(text, t.span[1])  # "only (the) X", "X only"
                value = "yes" if value is None and t.mention is not None and picked else value  # "only the fluid": picked out
                if value is None:
                    continue
                if picked:
                    filed.exclusive = filed.exclusive or value in ("yes", "unsure")
                filed.put(t, value, hedged=self._hedges.how_often(chunk))
                previous.add(value)
                if value == "yes":  # "a bit swimmy", after "I'm going to pass out", is still a yes;
                    # the words next to this sign only ("peeing is normal, just that spot under my ribs")
                    small = self._minimizer.search(text, before_start, after_end)
                    (filed.minimized if small else filed.plain).update(set(t.slots) & self._mild_possible)
            for t in joined:
                filed.put(t, next(iter(previous)) if len(previous) == 1 else "yes")
        for t in topic:
            filed.put(t, "yes")
        reading = settle(filed, asking, self.hedge_sensitive, corrected=begin > 0)
        if self._mild is not None and self._mild.search(text, begin):
            reading.softened = {s for s in self._mild_for & reading.named if reading.slots.get(s) == "yes"}
            reading.slots = {s: v for s, v in reading.slots.items() if s not in reading.softened}
            reading.named -= reading.softened
        return reading
