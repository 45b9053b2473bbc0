"""The contract every speech recogniser meets, so the service never knows which one runs.

Three engines ship (Vosk when an English Vosk model is present, else Whisper, else
PocketSphinx);
the dialogue only needs "what was said, how sure", and "" when the speech matched
nothing the current question accepts: that empty answer makes the skill re-ask,
which is always safer than a misheard yes/no.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

log = logging.getLogger("voice.asr")

SAMPLE_RATE = 16000
# Free speech: how many readings (the best included) an engine asks its decoder for; all
# but the best are returned as Recognition.alternatives. Measured with PocketSphinx on
# opening sentences (every named sign found), with the dialogue's rule (signs from the
# alternatives only when the best reading names none): best only 69% held-out / 60% unseen
# phrasings; with the 5 best 79% / 62.5%, a spurious sign in 11% of sentences instead of
# 8% (3 -> 6 of 38 sentences naming no sign). 5 is where the gain stops.
FREE_ALTERNATIVES = 5


@dataclass
class Recognition:
    text: str  # "" when nothing in the grammar was recognised (out-of-grammar / silence)
    confidence: float  # 0..1
    # Free speech only: the next most likely transcripts, best first (may be empty). The
    # dialogue takes a red-flag sign from them too: a sign heard in any of the likeliest
    # readings is worth asking about rather than missing.
    alternatives: list[str] = field(default_factory=list)
    # False when the engine was not sure of what it heard (each engine calibrates what that
    # means from its own scores); the dialogue then reads back an answer that would lower
    # the urgency (triage.md rule 11).
    confident: bool = True
    # Extra facts for benchmarks and debugging; never logged by default (privacy).
    details: dict = field(default_factory=dict, repr=False, compare=False)


@runtime_checkable
class Stream(Protocol):
    def feed(self, pcm: bytes) -> str:
        """Add 16 kHz mono s16le audio; returns the partial transcript so far."""

    def finish(self) -> Recognition:
        """End of speech: the final result. The stream cannot be fed afterwards."""


@runtime_checkable
class Engine(Protocol):
    name: str  # "vosk" | "whisper" | "pocketsphinx"
    model: str  # model path/name for display

    def recognize(self, pcm: bytes, phrases: list[str] | None = None, *,
                  expecting: str | None = None) -> Recognition:
        """pcm: 16 kHz mono s16le. phrases None = free language model; else exactly these phrases.
        expecting: the kind of answer the phrases are ("yes_no", "weeks": the dialogue's
        names), for an engine that tunes its search per kind; None when unknown."""

    def stream(self, phrases: list[str] | None = None, *, expecting: str | None = None) -> Stream: ...


class ModelError(RuntimeError):
    """A model directory is missing, incomplete or unreadable (message says which and where)."""


_SPACES = re.compile(r"\s+")
_DROP = re.compile(r"[^\w' ]+")


def normalize_phrase(phrase: str) -> str:
    """Lower-case words as recogniser dictionaries spell them: "I'm not sure." -> "i'm not sure".

    Curly apostrophes become straight ones and hyphens become spaces ("twenty-eight").
    """
    p = phrase.replace("\u2019", "'").replace("\u2018", "'").replace("-", " ").lower()
    p = _DROP.sub(" ", p)
    return _SPACES.sub(" ", p).strip(" '")


def phrases_in_vocabulary(phrases, knows_word, engine: str, warned: set[str]) -> list[str]:
    """The phrases whose every word the model knows. A phrase with an unknown word is
    dropped (a recogniser cannot listen for it), with one debug message per set of such words."""
    usable = []
    for phrase in phrases:
        missing = [w for w in phrase.split() if not knows_word(w)]
        if not missing:
            usable.append(phrase)
            continue
        key = " ".join(missing)
        if key not in warned:
            warned.add(key)
            # expected (a small model lacks a rare word such as "sciatica"): not a warning
            log.debug("%s: dropping grammar phrase with word(s) the model does not know: %s",
                      engine, ", ".join(missing))
    return usable


def unique_phrases(phrases: list[str]) -> list[str]:
    """Normalised, de-duplicated, order kept; empty phrases dropped."""
    seen: dict[str, None] = {}
    for p in phrases:
        n = normalize_phrase(p)
        if n:
            seen.setdefault(n, None)
    return list(seen)
