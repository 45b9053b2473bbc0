"""What `replay` and `listen` share: a conversation in this process on an in-memory store
(nothing said is written anywhere except where the person asks: --speak-to, -o), the
recordings read before anything starts, the recogniser announced once, the "you:" line,
and speech made once per text. A spoken turn itself is `SkillService.audio_turn`
(recognised, then answered), as on the server."""

from __future__ import annotations

import logging
import sys

from voice.cli.shared import err


def read_all(paths: list[str]) -> list[bytes] | None:
    """Every file decoded up front, so a bad one stops the run before the conversation starts."""
    from voice.audio.wav import AudioError, read_wav_file

    out, bad = [], 0
    for p in paths:
        try:
            out.append(read_wav_file(p))
        except AudioError as e:
            err(f"{p}: {e.message}")
            bad += 1
        except IsADirectoryError:
            err(f"{p}: is a directory, not a WAV file")
            bad += 1
        except OSError as e:
            err(f"{p}: cannot read it: {e.strerror or e}")
            bad += 1
    return None if bad else out


def in_memory_service(settings):
    """A SkillService on a fresh in-memory store (voice runs keep nothing on disk)."""
    from voice.service import SkillService
    from voice.store import MemoryStore

    settings = settings.replace(session_store="memory")
    return SkillService(settings, store=MemoryStore(ttl=settings.session_ttl, lock_timeout=settings.lock_timeout))


def load_engine(asr):
    """The shared engine for the settings `asr`, announced once on stderr; None (after
    saying why) when unavailable."""
    from voice.asr import ModelError, get_engine

    logging.getLogger("voice.asr").setLevel(logging.WARNING)  # we announce it ourselves
    try:
        engine = get_engine(asr)
    except (ModelError, ValueError, ImportError, OSError) as e:
        err(f"speech recognition unavailable: {e}  (see `backpain models`)")
        return None
    print(f"speech recognition: {engine.name} ({engine.model})", file=sys.stderr, flush=True)
    return engine


def you(transcript: str) -> str:
    return f"you: {transcript}" if transcript else "you: [nothing recognised]"


class Speech:
    """Synthesis with a per-run cache (the advice repeats verbatim after it is given)."""

    def __init__(self, tts):
        self.tts = tts
        self._cache: dict[str, bytes] = {}

    def wav(self, text: str) -> bytes:
        from voice.audio.tts import synthesize

        if text not in self._cache:
            self._cache[text] = synthesize(text, tts=self.tts)
        return self._cache[text]

