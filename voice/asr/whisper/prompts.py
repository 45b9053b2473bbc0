"""What Whisper is told before it listens: the pending question as its prompt (in the
session's locale), and, when options ask for them, the asked signs' phrases as hotwords."""

from __future__ import annotations

from .options import OPENING_PROMPT, OPENING_PROMPTS


def question_text(expecting: str | None, asking: list[str] | None, opening: str = "",
                  locale: str = "en-US") -> str | None:
    """The words of the pending question, as the dialogue asks it in `locale` (intents/data)."""
    from intents.model import load

    if expecting == "free_text":
        return OPENING_PROMPTS[opening] if opening else OPENING_PROMPT
    q = load(locale).questions
    if expecting == "weeks":
        return q.weeks.say
    if expecting != "yes_no" or not asking:
        return None
    if len(asking) == 1 and asking[0] in q.slot_questions:
        return q.slot_questions[asking[0]].say
    for question in q.questions:
        if list(question.slots) == list(asking) and question.say:
            return question.say
    return None


def hotwords(expecting: str | None, asking: list[str] | None) -> str | None:
    """The asked signs' own phrases, for Whisper's hotwords."""
    if expecting != "yes_no" or not asking:
        return None
    from intents.grammar import sign_phrases

    words: list[str] = []
    for slot in asking:
        for phrases in sign_phrases(slot).values():
            words += phrases[:3]
    return ", ".join(dict.fromkeys(words)) or None
