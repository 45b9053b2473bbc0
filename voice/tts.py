"""Moved to voice.audio.tts; this shim goes when every importer is updated."""

from voice.audio.tts import DEFAULT_RATE, SPOKEN_AS_DIGITS, list_voices, prepare_for_speech, synthesize

__all__ = ["DEFAULT_RATE", "SPOKEN_AS_DIGITS", "list_voices", "prepare_for_speech", "synthesize"]
