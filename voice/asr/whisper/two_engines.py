"""Two engines for a short answer: Whisper's reading, and the grammar engine's (PocketSphinx
with the question's grammar) when Whisper's decides nothing or is unsure. Where the two
disagree on what matters (yes or no, a number of weeks) the transcript is "" and the skill
asks again: never a guess between two answers.

Yes/no. A reading that decides nothing falls back to the grammar engine only
when the reading starts like an answer ("No, I have": then only an answer going the same
way) or Whisper is unsure of it and shares a word with the grammar's answer ("kind on" /
"kind of"): the grammar engine can only pick a phrase, and measured on the dev set (fixture
voices, 324 new phrasings), taking its pick whenever Whisper was unsure turned 6 answers
into the opposite (always: 8). When Whisper is unsure of an answer and the grammar engine
hears the opposite direction, the transcript is "" and the skill asks again: never a guess
between a yes and a no. Dev set: Whisper alone 257/324 right, 1 heard as the opposite; as
kept 264/324, none (fixtures 171 -> 172 of 180, none).

Weeks. A reading that gives no weeks and says nothing else (no "I don't know", command,
sign or question, which a grammar pick must never turn into a number) takes the grammar
engine's weeks, passed on as not sure, unless Whisper was sure of a reading that shares no
word with the grammar's (speech that is no answer). Every reading with weeks is checked by
the grammar engine (WhisperOptions.weeks_cross_check "always"); two different numbers are
asked again.
Measured on the held-out voices (264 weeks answers, one run each): Whisper alone 194
right, 22 a wrong number (Whisper sure of 10 of them; 7 not read back by rule 11); as kept
218 right, 8 wrong (4 not read back), 30 asked again; PocketSphinx alone 240 right, 24
wrong (19 not read back). Replayed from the same readings, checking only the readings
Whisper is unsure of gave about 230 right but 20 wrong (9 not read back). Fixtures: 40 ->
38 of 40, the other 2 asked again. Of the 75 fixture clips of "not sure", commands and
out-of-grammar speech, the weeks grammar makes a number of 21; as kept, 1 becomes one
("maybe" in kitchen noise, which Whisper heard, unsure, as "i'm eating the": thirteen,
read back).
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


def _disagreement(heard: Recognition) -> Recognition:
    """The two engines heard different answers: nothing, so the skill asks again."""
    return Recognition("", 0.0, confident=False,
                       details={**heard.details, "source": "disagreement", "whisper_text": heard.text})


def _grammar_answer(heard: Recognition, g: Recognition) -> Recognition:
    """The grammar engine's reading instead of Whisper's: passed on as not sure, because
    Whisper, the stronger engine, could not confirm it (rule 11 then reads back an answer
    that lowers the urgency or weeks near a boundary)."""
    return Recognition(g.text, g.confidence, confident=False,
                       details={**heard.details, "source": "grammar", "whisper_text": heard.text})


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
        # "no": every "no" too, sure or not, as it is the answer that lowers the urgency
        ask_grammar = direction is not None and (
            o.cross_check == "always" or (o.cross_check in ("unsure", "no") and not heard.confident)
            or (o.cross_check == "no" and direction == "no"))
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
        return _disagreement(heard)
    if decided:
        if theirs == direction:
            heard.confident = True  # two different engines heard the same answer
        return heard
    if o.fallback == "agree" and hint is None and heard.text and not share_a_word(heard.text, g.text):
        # Whisper heard something else ("that door"), the grammar engine can only pick a
        # phrase: measured, most such picks in noise were the opposite answer. Re-ask.
        return heard
    return _grammar_answer(heard, g)


def weeks_with_grammar_engine(heard: Recognition, pcm: bytes, phrases: list[str] | None, o: WhisperOptions,
                              grammar) -> Recognition:
    """Whisper's reading `heard` of a weeks answer, checked against or replaced by the
    grammar engine's (rules above). grammar(): that engine, made on first use (None: none)."""
    from intents.understanding import understand

    u = understand(heard.text, "weeks", ["weeks"])
    if u.weeks is not None:
        ask_grammar = o.weeks_cross_check == "always" or (o.weeks_cross_check == "unsure" and not heard.confident)
    else:
        # "I don't know", "repeat that", a sign or a question is an answer in itself: the
        # grammar engine, which can only pick a phrase, would make a number of it. A number
        # out of range ("60 weeks" for "sixteen") is a mishearing the grammar can mend.
        said_something = bool(u.answer or u.signs or u.command or u.out_of_scope)
        ask_grammar = o.fallback != "never" and not said_something
    engine = grammar() if ask_grammar and phrases else None
    if engine is None:
        return heard
    g = engine.recognize(pcm, phrases, expecting="weeks")
    heard.details.update(grammar_text=g.text, grammar_confidence=g.confidence)
    theirs = understand(g.text, "weeks", ["weeks"]).weeks
    if theirs is None:  # the grammar heard "I don't know" or nothing: Whisper's reading stands
        return heard
    if u.weeks is None:
        if heard.confident and heard.text and not share_a_word(heard.text, g.text):
            # Whisper is sure it heard something that is no weeks ("turn on the kitchen
            # light"), and the grammar engine can only pick a phrase ("thirty eight and a
            # bit"); a shared word ("six minutes" / "six months") makes it a mishearing
            return heard
        return _grammar_answer(heard, g)
    if theirs != u.weeks:
        return _disagreement(heard)  # "13 weeks" against "thirty weeks": asked again
    heard.confident = True  # two different engines heard the same number
    return heard
