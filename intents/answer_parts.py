"""The parts of an answer: where it is cut, where a correction starts, and what in it
names one of the asked signs (a sign phrase, a `names` word, a position such as "the
second one" or "both"). intents.answering reads what each part says of them.

Pure: text in, spans out. The words are data (vocabulary.yaml, `answering`).
"""

from __future__ import annotations

from dataclasses import dataclass

from intents.patterns import compile_phrases
from intents.vocabulary import Answering

Span = tuple[int, int]


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Mention:
    """One sign phrase found in the text: its slot, its kind ("yes" for a present phrase,
    "no" for an absent one, None for a negatable one), its span and words."""

    slot: str
    kind: str | None
    span: Span
    words: str


@dataclass
class Target:
    slots: list[str]  # [] for "the rest": the signs not named
    value: str | None  # None: the part's own answer decides
    span: Span
    mention: Mention | None = None  # a sign phrase: its value comes from its context
    position: bool = False  # "the second one", "both": it picks signs, it never waits for an answer


class AnswerParts:
    def __init__(self, data: Answering, macros: dict[str, str]):
        self._splits = compile_phrases(data.splits, macros)
        self._names = {slot: compile_phrases(p, macros) for slot, p in data.names.items()}
        self._refs = {kind: compile_phrases(p, macros) for kind, p in data.references.items() if p}
        self._correction = compile_phrases(data.corrections, macros)

    def correction_start(self, text: str) -> int | None:
        """Where what counts begins after the last correction cue ("no wait, I meant yes")."""
        last = None
        for m in self._correction.finditer(text):
            if text[m.end():].strip(" .,"):
                last = m.end()
        return last

    def references(self, text: str, order: list[str]) -> list[Target]:
        found = []
        index = {"first": 0, "second": 1, "third": 2, "last": -1}
        pairs = {"first_two": slice(0, 2), "last_two": slice(-2, None)}
        for kind, pattern in self._refs.items():
            for m in pattern.finditer(text):
                if kind in index:
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
        for m in self._splits.finditer(text, start):
            if not any(_overlaps(m.span(), k) for k in keep):
                cuts += [m.start(), m.end()]
        cuts.append(len(text))
        return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if text[cuts[i]:cuts[i + 1]].strip()]

    def targets(self, text: str, begin: int, asking: list[str], order: list[str],
                 mentions: list[Mention]) -> list[Target]:
        """Everything in text[begin:] that names one of the asked signs."""
        asked = set(asking)
        targets = [Target([m.slot], None, m.span, m) for m in mentions if m.slot in asked]
        taken = [m.span for m in mentions]
        for slot in order:
            pattern = self._names.get(slot)
            if slot in asked and pattern is not None:
                for n in pattern.finditer(text, begin):
                    if not any(_overlaps(n.span(), t) for t in taken):
                        targets.append(Target([slot], None, n.span()))
        for r in self.references(text[begin:], order):
            r.span = (r.span[0] + begin, r.span[1] + begin)
            if not any(_overlaps(r.span, t.span) for t in targets):
                targets.append(r)
        return sorted(targets, key=lambda t: t.span)
