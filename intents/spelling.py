"""Typo tolerance for typed text: an unknown word is mapped to a close vocabulary word.

A word is unknown when it is neither in the skill's vocabulary nor an English word
(pyspellchecker's frequency list), so "cooking" is never read as "choking"; targets are
only the skill's own words, so a typo can only become a word the skill listens for.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spellchecker import SpellChecker

from intents.patterns import compile_phrases
from intents.vocabulary import Vocabulary

# whole words of a pattern only: not "neighbou" of "neighbou?r", not the "w" of "\\w"
_WORD = re.compile(r"(?<![a-z\\])[a-z]+(?![a-z?(\[{*+])")
def _distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein distance, giving up (limit + 1) once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2 = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


class SpellingCorrector:
    def __init__(self, words: set[str], respellings: dict[str, str] | None = None):
        """words: the skill's own words; respellings: whole words said or typed another way
        ("nae" -> "no", "nutten" -> "nothing"), or a few words together ("me leg" -> "my
        leg"), replaced before any typo is looked for."""
        self._respell = {k: v for k, v in (respellings or {}).items() if " " not in k}
        # a few words said another way only next to another word: "me leg" is "my leg"
        self._groups = {k: v for k, v in (respellings or {}).items() if " " in k}
        self._group = compile_phrases(list(self._groups))
        english = SpellChecker(distance=1).word_frequency.dictionary
        self._known = frozenset(words) | frozenset(w for w in english if w.isalpha())
        self._by_first: dict[str, list[str]] = {}
        for w in words:
            if len(w) >= 4:
                self._by_first.setdefault(w[0], []).append(w)

    @classmethod
    def from_vocabulary(cls, vocab: Vocabulary) -> "SpellingCorrector":
        texts = list(vocab.macros.values())
        for phrases in vocab.answers.values():
            texts += phrases
        for signs in vocab.signs.values():
            texts += signs.present + signs.absent + signs.absent_when_asked + signs.present_when_asked + signs.exclude
        for cues in (vocab.context.negated, vocab.context.historical, vocab.context.family,
                     vocab.context.hypothetical, vocab.context.uncertain):
            texts += cues.forward + cues.backward + cues.both + cues.pseudo
        words = {w for t in texts for w in _WORD.findall(t) if len(w) >= 3}
        return cls(words, vocab.respellings)

    @lru_cache(maxsize=4096)
    def word(self, token: str) -> str:
        if token in self._respell:
            return self._respell[token]
        if len(token) < 5 or token in self._known or not token.isalpha():
            return token
        if token.replace("our", "or").replace("ise", "ize").replace("ae", "e") in self._known:
            return token  # British spelling of a known word
        limit = 1 if len(token) < 8 else 2
        best, best_d = token, limit + 1
        for cand in self._by_first.get(token[0], ()):
            d = _distance(token, cand, limit)
            if d < best_d:
                best, best_d = cand, d
        return best

    def correct(self, text: str) -> str:
        if self._group is not None:
            text = self._group.sub(lambda m: self._groups[m.group()], text)
        return " ".join(self.word(t) for t in text.split(" "))
