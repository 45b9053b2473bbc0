"""Two engines for a yes/no answer: Whisper's reading, and the grammar engine's
(PocketSphinx with the question's grammar) when Whisper's decides nothing or is unsure.

A yes/no answer whose Whisper reading decides nothing falls back to the grammar engine only
when the reading starts like an answer ("No, I have": then only an answer going the same
way) or Whisper is unsure of it and shares a word with the grammar's answer ("kind on" /
"kind of"): the grammar engine can only pick a phrase, and measured on the dev set (fixture
voices, 324 new phrasings), taking its pick whenever Whisper was unsure turned 6 answers
into the opposite (always: 8). When Whisper is unsure of an answer and the grammar engine
hears the opposite direction, the transcript is "" and the skill asks again: never a guess
between a yes and a no. Dev set: Whisper alone 257/324 right, 1 heard as the opposite; as
kept 264/324, none (fixtures 171 -> 172 of 180, none).
"""

from __future__ import annotations

from ..base import Recognition
from .options import WhisperOptions

_FILLER = {"a", "i", "i'm", "it's", "that's", "uh", "um", "it", "the", "is", "to", "and", "my"}
_DIRECTIONS: dict[str, str] | None = None


def direction_words() -> dict[str, str]:
    """Words that begin answers of one direction only ("nope" -> "no", "yup" -> "yes"),
    from the grammar's answer phrases (intents/data/grammar.yaml)."""
    from intents.grammar import answer_phrases

    first = {a: {p.split()[0] for p in answer_phrases(a) if p.split()} for a in ("yes", "no")}
    out: dict[str, str] = {}
    for a, other in (("yes", "no"), ("no", "yes")):
        out.update({w: a for w in first[a] - first[other] - _FILLER})
    return out


def hinted_direction(text: str) -> str | None:
    """The direction the first word of a reading points to, if it is an answer word."""
    words = text.split()
    if not words:
        return None
    global _DIRECTIONS
    if _DIRECTIONS is None:
        _DIRECTIONS = direction_words()
    return _DIRECTIONS.get(words[0])


def share_a_word(a: str, b: str) -> bool:
    return bool((set(a.split()) - _FILLER) & (set(b.split()) - _FILLER))


def decides(text: str, expecting: str | None, asking: list[str] | None) -> bool:
    """Whether the dialogue can take `text` as the answer to the pending question."""
    from intents.understanding import understand

    u = understand(text, expecting, asking or [])
    return bool(u.weeks) if expecting == "weeks" else bool(u.answer or u.signs or u.command)


def with_grammar_engine(heard: Recognition, pcm: bytes, phrases: list[str] | None, asking: list[str] | None,
                        o: WhisperOptions, grammar) -> Recognition:
    """Whisper's reading `heard` of a yes/no answer, checked against or replaced by the
    grammar engine's when the rules above say so. grammar(): that engine, made on first use
    (None: there is none)."""
    from intents.understanding import understand

    u = understand(heard.text, "yes_no", asking or [])
    decided = bool(u.answer or u.signs or u.command or u.weeks)
    direction = u.answer if u.answer in ("yes", "no") else None
    hint = hinted_direction(heard.text)
    if decided:
        ask_grammar = direction is not None and (
            o.cross_check == "always" or (o.cross_check == "unsure" and not heard.confident))
    else:
        ask_grammar = o.fallback == "always" or (o.fallback != "never" and (hint is not None or not heard.confident))
    engine = grammar() if ask_grammar and phrases else None
    if engine is None:
        return heard
    g = engine.recognize(pcm, phrases, expecting="yes_no")
    gu = understand(g.text, "yes_no", asking or [])
    heard.details.update(grammar_text=g.text, grammar_confidence=g.confidence)
    theirs = gu.answer if gu.answer in ("yes", "no") else None
    ours = direction or (hint if not decided and o.fallback != "always" else None)
    if theirs and ours and theirs != ours:
        # one engine heard yes, the other no (or Whisper's "no ..." against a grammar yes)
        return Recognition("", 0.0, confident=False,
                           details={**heard.details, "source": "disagreement", "whisper_text": heard.text})
    if decided:
        if theirs == direction:
            heard.confident = True  # two different engines heard the same answer
        return heard
    if o.fallback == "agree" and hint is None and heard.text and not share_a_word(heard.text, g.text):
        # Whisper heard something else ("that door"), the grammar engine can only pick a
        # phrase: measured, most such picks in noise were the opposite answer. Re-ask.
        return heard
    # Whisper, the stronger engine, could not confirm it: passed on as not sure
    return Recognition(g.text, g.confidence, confident=False,
                       details={**heard.details, "source": "grammar", "whisper_text": heard.text})
