"""The parts of an answer: where it is cut, where a correction starts, and what in it
names one of the asked signs (a sign phrase, a `names` word, a position such as "the
second one" or "both"). intents.answering reads what each part says of them.

Pure: text in, spans out. The words are data (vocabulary.yaml, `answering`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.patterns import compile_phrases
from intents.vocabulary import Answering

Span = tuple[int, int]

# a determiner between "only" and the sign it singles out: "only the numbness"
# or a naming of the question's part: "just the one about peeing"
DETERMINER = re.compile(r"(?:(?:the|my|that|this|some|a bit of|bit of|a little|one about|ones about|bit about|"
                        r"part about|thing about|question about|one with|about) )*$")
# words that leave a part a bare naming of signs: "any bleeding or fluid?"
FILLER = re.compile(r"(?<![a-z])(?:the|a|an|any|some|or|and|my|your|of|um|uh|er|erm|oh|well|like|so|hmm|mm|"
                     # "when I pee, no burning": the topic, then its answer
                     r"when i|whenever i|if i|when|whenever|as for|as regards|regarding|in regards to|with regards to|"
                     r"in terms of|when it comes to|function|functions|wise|side of things|"
                     r"pain|pains|ache|aches|feeling|feelings|trouble|problems?|issues?|"
                     r"what|about|do i have|have i got|is there|are there|you mean|you said|that|those|this|"
                     # the question said back: "anything funny with my legs? no", "longer than two weeks? no"
                     r"anything|something|funny|wrong|weird|strange|odd|different|unusual|with|in|at all|stuff|things?|business|"
                     r"longer|than|more|over)(?![a-z])")
# a sign phrase that says something happened or is so, not only its name
STATEMENT = re.compile(r"(?<![a-z])(?:i|i am|i have|i had|i was|i keep|it|it is|there is|there was|"
                        r"she|he|they|me|not|no|never|can|could|did|does|do|have|has|had|was|were|"
                        r"keep|keeps|kept|went|feels|felt|seems|seemed|started|starts|came|are|is|am|been|gone|going|nothing)(?![a-z])")


# a clause saying when, inside a name: "stinging when I wee", "pain if I stand"
# (not a past event: "pink when I wiped" says it happened)
_WHEN = re.compile(r"(?<![a-z])(?:when|if|after|while|whenever|as) (?:i|i am|i m|she|he|it|it is) (?![a-z]*ed(?![a-z]))[a-z]+")


def bare_name(words: str) -> bool:
    """A sign phrase that is only its name ("bleeding", "numbness down there",
    "spreading into my legs", "stinging when I wee"), not a statement of it ("I couldn't
    wee", "I fainted")."""
    return not STATEMENT.search(_WHEN.sub(" ", words))


_OWN_DENIAL = re.compile(r"(?:(?<![a-z])(?:no|not|never|not any) )?$")  # the "no" of "no blood", right before the sign


def shared_spans(text: str, part: Span, inside: list[Target], topic: list[Target]) -> list[Span]:
    """Where, in the part after a topic ("the fluid."), the words are the signs' of that part
    and not the topic's answer, relative to the part: each sign, with the "no" right before
    it when it is another sign than the topic's ("the fluid. no blood": that "no" is the blood's)."""
    topic_slots = {s for t in topic for s in t.slots}
    return [((t.span[0] if topic_slots & set(t.slots) else _OWN_DENIAL.search(text, part[0], t.span[0]).start()) - part[0],
             t.span[1] - part[0]) for t in inside]


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Mention:
    """One sign phrase found in the text: its slot, its kind ("yes" for a present phrase,
    "no" for an absent one, None for a negatable one), its span and words."""

    slot: str
    kind: str | None
    span: Span
    words: str


# an "and", "or" between two phrases (answering._JOINED also allows none): "numbness and
# bladder are fine" share the "fine"
_AND_OR_BETWEEN = re.compile(r"[ ,]*(?:and|or|nor)(?: (?:the|my))?[ ,]*")


@dataclass
class Target:
    slots: list[str]  # [] for "the rest": the signs not named
    value: str | None  # None: the part's own answer decides
    span: Span
    mention: Mention | None = None  # a sign phrase: its value comes from its context
    position: bool = False  # "the second one", "both": it picks signs, it never waits for an answer
    partial: bool = False  # a name of half of its sign ("numbness" for the legs): denied, it says nothing
    # other signs' phrases after it: a denial inside one is that sign's ("only the numb feeling
    # peeing and pooing are normal": "are normal" is the toilet's, not the numbness's)
    later_phrases: tuple[Span, ...] = ()


class AnswerParts:
    def __init__(self, data: Answering, macros: dict[str, str], exclude: dict[str, re.Pattern] | None = None):
        """exclude: per sign, the phrases that look like it but are not ("my temperature was
        36.8"); its names are not looked for inside them either."""
        self._exclude = {slot: p for slot, p in (exclude or {}).items() if p is not None}
        self._splits = compile_phrases(data.splits, macros)
        self._lead = compile_phrases(data.leads, macros)
        self._names = {slot: compile_phrases(p, macros) for slot, p in data.names.items()}
        self._partial = {slot: compile_phrases(p, macros) for slot, p in data.partial_names.items()}
        self._refs = {kind: compile_phrases(p, macros) for kind, p in data.references.items() if p}
        self._correction = compile_phrases(data.corrections, macros)
        exceptions = data.exceptions
        self._exception = compile_phrases(exceptions.markers, macros) if exceptions else None
        self._not_signs = compile_phrases(exceptions.not_signs, macros) if exceptions else None

    def after_exception(self, text: str, start: int) -> bool:
        """The part starting at `start` follows "apart from", "except": it names the exception."""
        before = text[:start].rstrip()
        if self._exception is None or not before:
            return False
        return any(m.end() == len(before) for m in self._exception.finditer(before, max(0, len(before) - 20)))

    def excepted(self, text: str, start: int) -> bool:
        """A sign phrase at `start` named as the exception, in the same clause as the marker:
        "apart from a horrible headache that won't shift, no": said, not denied."""
        if self._exception is None:
            return False
        before = text[max(0, start - 40):start]
        return any(not re.search(r"[,.]", before[m.end():]) for m in self._exception.finditer(before))

    def placed(self, chunk: str, answer_words: re.Pattern) -> bool:
        """An exception that names nothing the question asked about: "the back pain", or
        only answer words ("apart from that, no")."""
        rest = self._not_signs.sub(" ", chunk) if self._not_signs is not None else chunk
        return not FILLER.sub(" ", answer_words.sub(" ", rest)).strip(" .,")

    def named(self, text: str, asking: list[str]) -> list[Span]:
        """Where text names one of the asked signs by a `names` word ("accidents" to the
        bladder question)."""
        return [m.span() for slot in asking if self._names.get(slot) is not None
                for m in self._names[slot].finditer(text)]

    def named_elsewhere(self, text: str, asking: list[str]) -> list[tuple[str, Span]]:
        """Where text names a sign the question did not ask about ("breathing" to the
        nerves question), with its slot."""
        return [(slot, m.span()) for slot, names in self._names.items() if slot not in asking and names is not None
                for m in names.finditer(text)]

    def ambiguous(self, text: str, asking: list[str], matches: list) -> list:
        """matches without another sign's negatable word where it names an asked sign: "no
        accidents" to the bladder question says nothing of a fall (rule 10)."""
        named = self.named(text, asking) if asking else []
        return [x for x in matches if not (x[1] is None and x[0] not in asking and any(
            a < x[2].end() and x[2].start() < b for a, b in named))]

    def correction_start(self, text: str) -> int | None:
        """Where what counts begins after the last correction cue ("no wait, I meant yes")."""
        cues = self.correction_cues(text)
        return cues[-1][1] if cues else None

    def correction_cues(self, text: str) -> list[Span]:
        """The correction cues with something after them, in order."""
        return [m.span() for m in self._correction.finditer(text) if text[m.end():].strip(" .,")]

    def references(self, text: str, order: list[str], positions: dict[str, list[str]]) -> list[Target]:
        """positions: what a position means where the wording names more things than signs
        ("the middle one" of "bleeding, spotting, or fluid" is the spotting); a position
        that may mean two signs leaves both unsure: asked again in plainer words."""
        found = []
        index = {"first": 0, "second": 1, "third": 2, "last": -1, "middle": 1 if len(order) == 3 else 9}
        pairs = {"first_two": slice(0, 2), "last_two": slice(-2, None)}
        for kind, pattern in self._refs.items():
            for m in pattern.finditer(text):
                if kind in positions:
                    slots = [s for s in positions[kind] if s in order]
                    found.append(Target(slots, "unsure" if len(slots) > 1 else None, m.span(), position=True))
                elif kind in index:
                    i = index[kind]
                    if i >= len(order):
                        continue
                    found.append(Target([order[i]], None, m.span(), position=True))
                elif kind in pairs:
                    if len(order) > 2:  # of two signs, "the first two" is both: "all" says that
                        found.append(Target(list(order[pairs[kind]]), None, m.span(), position=True))
                elif kind == "all":
                    found.append(Target(list(order), None, m.span(), position=True))
                elif kind == "none":
                    found.append(Target(list(order), "no", m.span()))
                elif kind in ("others", "others_no"):
                    # resolved once the named signs are known
                    found.append(Target([], "no" if kind == "others_no" else None, m.span()))
        # a longer reference wins over one inside it: "none of the others" over "the others"
        return [t for t in found if not any(o is not t and o.span[0] <= t.span[0] and t.span[1] <= o.span[1]
                                            and o.span != t.span for o in found)]

    def parts(self, text: str, start: int, keep: list[Span]) -> list[Span]:
        """Split text[start:] at `splits`, never inside a span of `keep`."""
        cuts = [start]
        # "no it came on slowly" reads as "no, it came on slowly": speech has no commas
        lead = self._lead.match(text, start) if self._lead is not None else None
        if lead is not None and not any(overlaps(lead.span(), k) for k in keep):
            cuts += [lead.end(), lead.end()]
        for m in self._splits.finditer(text, start):
            if not any(overlaps(m.span(), k) for k in keep):
                cuts += [m.start(), m.end()]
        cuts.append(len(text))
        return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if text[cuts[i]:cuts[i + 1]].strip()]

    def targets(self, text: str, begin: int, asking: list[str], order: list[str],
                 mentions: list[Mention], positions: dict[str, list[str]]) -> list[Target]:
        """Everything in text[begin:] that names one of the asked signs."""
        asked = set(asking)
        # a bare word inside a phrase of the same sign is that phrase's: "waters" in "my
        # waters are still intact", or the head of a description ("numbness" in "numbness on
        # the inside of my thighs"), is no mention waiting for an answer
        mentions = [m for m in mentions if m.kind is not None or not any(
            o.slot == m.slot and o.span != m.span and o.span[0] <= m.span[0] and m.span[1] <= o.span[1] and (
                o.kind == "no" or o.kind == "yes" and o.span[0] == m.span[0]) for o in mentions)]
        targets = [Target([m.slot], None, m.span, m, partial=m.kind == "part",
                          later_phrases=tuple(o.span for o in mentions if o.slot != m.slot and o.kind is not None
                                              and o.span[0] >= m.span[1] and not _AND_OR_BETWEEN.fullmatch(text[m.span[1]:o.span[0]])))
                   for m in mentions if m.slot in asked]
        # a phrase of another sign that says nothing by itself ("accidents" for a fall) does
        # not hide the name of a sign asked about ("a couple of accidents" to the bladder)
        taken = [m.span for m in mentions if m.slot in asked or m.kind is not None]
        for slot in order:
            if slot not in asked:
                continue
            excluded = [e.span() for e in self._exclude[slot].finditer(text)] if slot in self._exclude else []
            named: list[Span] = []
            for pattern, partial in ((self._partial.get(slot), True), (self._names.get(slot), False)):
                for n in pattern.finditer(text, begin) if pattern is not None else ():
                    if not any(overlaps(n.span(), t) for t in taken + excluded + named):
                        targets.append(Target([slot], None, n.span(), partial=partial))
                        named.append(n.span())
        for r in self.references(text[begin:], order, positions):
            r.span = (r.span[0] + begin, r.span[1] + begin)
            if not any(overlaps(r.span, t.span) for t in targets):
                targets.append(r)
        once = {(tuple(t.slots), t.span): t for t in reversed(targets)}  # "blood" found as two phrases: one target
        return sorted(once.values(), key=lambda t: t.span)


def words_around(text: str, part: Span, spans: list[Span]) -> str:
    """The part's words other than the spans (its targets) and filler."""
    rest = list(text[part[0]:part[1]])
    for a, b in spans:
        rest[a - part[0]:b - part[0]] = " " * (b - a)
    return FILLER.sub(" ", "".join(rest))
