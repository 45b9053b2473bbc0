"""Each sign's phrases (vocabulary.yaml `signs`), compiled: what says the sign, what rules it
out, what only looks like it, and the phrases that count only in answer to the sign's own
question. Pure: the vocabulary in, regexes out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from intents.patterns import compile_phrases

PART = "part"  # the value of a `partial` sign phrase


def blank(text: str, pattern: re.Pattern | None) -> str:
    """Replace matches with spaces, keeping every other offset where it was."""
    if pattern is None:
        return text
    return pattern.sub(lambda m: " " * len(m.group()), text)


@dataclass(frozen=True)
class SignPhrases:
    present: re.Pattern | None
    absent: re.Pattern | None
    negatable: re.Pattern | None
    exclude: re.Pattern | None
    partial: re.Pattern | None
    # "the same as always" rules out worsening, "nothing helps" says it has lasted, only in
    # answer to the sign's own question (or in a correction after the advice)
    absent_when_asked: re.Pattern | None
    present_when_asked: re.Pattern | None
    asked_with: frozenset[str] = frozenset()  # other slots whose question counts as the sign's own

    def matches(self, text: str) -> Iterator[tuple[str | None, re.Match]]:
        """(value, match): "yes" for a present phrase, "no" for an absent one, None for a
        negatable one, PART for half of the sign. What only looks like the sign is no
        mention of it ("both sides" is not "one side"), but a phrase ruling the sign out may
        hold it ("the pain is on both sides")."""
        searchable = blank(text, self.exclude)
        # (but not one that is only part of a longer look-alike: "she's really active" in
        # "usually she's really active" is the pattern today is compared with)
        wider = [e.span() for e in self.exclude.finditer(text)] if self.exclude is not None else []
        for value, pattern in (("yes", self.present), ("no", self.absent), (None, self.negatable), (PART, self.partial),
                               ("no", self.absent_when_asked), ("yes", self.present_when_asked)):
            if pattern is not None:
                for m in pattern.finditer(text if value == "no" else searchable):
                    if value == "no" and any(a <= m.start() and m.end() <= b and b - a > m.end() - m.start() for a, b in wider):
                        continue
                    yield value, m

    def counts(self, slot: str, m: re.Match, asking) -> bool:
        """Whether the phrase `m` counts when the pending question asks about `asking`: a
        phrase of the `_when_asked` lists only when it asks about the sign (or `asked_with`)."""
        if m.re is not self.absent_when_asked and m.re is not self.present_when_asked:
            return True
        return bool(({slot} | self.asked_with) & set(asking))


def compile_signs(vocab) -> dict[str, SignPhrases]:
    """Every sign's phrases; a sign's `absent_like` borrows the absent phrases of the slots it names."""
    macros = vocab.macros
    return {
        slot: SignPhrases(
            compile_phrases(p.present, macros, guard_gaps=True),
            compile_phrases(p.absent + [a for other in p.absent_like for a in vocab.signs[other].absent], macros,
                            guard_gaps=True),
            compile_phrases(p.negatable, macros),
            compile_phrases(p.exclude, macros),
            compile_phrases(p.partial, macros, guard_gaps=True),
            compile_phrases(p.absent_when_asked, macros, guard_gaps=True),
            compile_phrases(p.present_when_asked, macros, guard_gaps=True),
            frozenset(p.asked_with),
        )
        for slot, p in vocab.signs.items()
    }
