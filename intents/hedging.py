"""Hedges in an answer ("sometimes", "kind of", "I suppose"): words that soften a yes.

A hedge is no yes to a question about how sudden or how severe a sign is (triage.md rule
10: a hedge leaves it to ask again); said with "sometimes" next to a denial, a sign is
asked on its own.
"""

from __future__ import annotations

import re
from typing import Callable

from intents.patterns import compile_phrases
from intents.vocabulary import Hedges

_NEVER = re.compile(r"(?!)")


class HedgeWords:
    def __init__(self, hedges: Hedges, macros: dict[str, str], severity_signs: set[str]):
        """severity_signs: the signs that are one only when severe (a hedge next to their
        words leaves them to ask again)."""
        self._hedge = compile_phrases(hedges.phrases, macros)
        self._how_often = compile_phrases(hedges.how_often, macros) or _NEVER
        self.sensitive = set(hedges.not_an_answer_for)
        self._around = self.sensitive & severity_signs
        hedge = self._hedge.pattern if self._hedge else None
        # right before a sign's words, one word allowed between ("sort of very sudden"), or right after
        self._before = re.compile(r"(?:" + hedge + r") (?:\w+ )?$") if hedge else _NEVER
        self._after = re.compile(r" (?:, )?(?:" + hedge + r")") if hedge else _NEVER

    def how_often(self, chunk: str) -> bool:
        """The chunk says how often ("sometimes it's worse")."""
        return bool(self._how_often.search(chunk))

    def only_hedges(self, part: str, answer_in: Callable[[str], str | None]) -> bool:
        """The part's yes comes only from hedge words ("sometimes", "kind of")."""
        if self._hedge is None:
            return False
        return answer_in(self._hedge.sub(lambda m: " " * len(m.group()), part)) is None

    def around(self, text: str, begin: int, span: tuple[int, int], slots: list[str]) -> bool:
        """A hedge next to a severity sign's words: "it was sort of sudden", "sudden, I suppose"."""
        return set(slots) <= self._around and bool(
            self._before.search(text[begin:span[0]]) or self._after.match(text, span[1]))
