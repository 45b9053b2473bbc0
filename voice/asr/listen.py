"""Listening for the answer to the pending question: the one way every audio turn is heard."""

from __future__ import annotations

from .base import Engine, Recognition


def hear(engine: Engine, pcm: bytes, expecting: str | None, asking: list[str]) -> Recognition:
    """What was said, listening only for what the pending question accepts. Silence is
    nothing said (text ""), without running a decoder that could invent a phrase in it."""
    from intents.grammar import phrases_for
    from voice.audio.wav import is_silent

    if is_silent(pcm):
        return Recognition("", 0.0)
    phrases = phrases_for(expecting, list(asking))
    if getattr(engine, "takes_question", False):  # Whisper: the pending question is its prompt
        return engine.recognize(pcm, phrases, expecting=expecting, asking=list(asking))
    return engine.recognize(pcm, phrases, expecting=expecting)
