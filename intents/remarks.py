"""What people say besides answers: feelings during the check, and after the advice
thanks, goodbyes, "more" and the common questions (vocabulary.yaml `after_advice`,
`feelings`). Searched anywhere in the normalised utterance."""

from __future__ import annotations

from intents.vocabulary import Vocabulary
from intents.patterns import compile_phrases, normalise


class Remarks:
    def __init__(self, vocab: Vocabulary):
        after = vocab.after_advice
        macros = vocab.macros
        # a question names what it is about, so it wins over "more" or "thanks" in the
        # same breath ("thanks, is paracetamol ok?"); a goodbye wins over thanks
        self._after = [(qid, compile_phrases(p, macros)) for qid, p in after.questions.items()]
        self._after += [("more", compile_phrases(after.more, macros)),
                        ("goodbye", compile_phrases(after.goodbye, macros)),
                        ("thanks", compile_phrases(after.thanks, macros))]
        self._feelings = [(name, compile_phrases(p, macros)) for name, p in vocab.feelings.items()]

    @staticmethod
    def _first(table, text: str) -> str | None:
        norm = normalise(text)
        for name, pattern in table:
            if pattern is not None and pattern.search(norm):
                return name
        return None

    def after_advice(self, text: str) -> str | None:
        """A question id of `after_advice.questions`, "more", "goodbye", "thanks" or None."""
        return self._first(self._after, text)

    def feeling(self, text: str) -> str | None:
        return self._first(self._feelings, text)
