"""The parts of the settings handed to the speech engines and the voice: small, frozen and
picklable, so worker processes get the same values as the server."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class AsrSettings:
    """The speech recogniser's part of the settings (voice/asr/): picklable, so worker
    processes get the same values as the server."""

    choice: str = "auto"
    choice_is_default: bool = True  # BACKPAIN_ASR unset: `auto` was taken, not asked for
    vosk_model: str = ""
    vosk_model_path: str = ""
    vosk_min_conf: float = 0.4
    whisper_model: str = ""
    whisper_threads: int = 0
    locale: str = "en-US"  # the words Whisper is prompted with
    ps_config: dict = field(default_factory=dict)
    ps_garbage: float = 1e-55
    ps_noisy_garbage: float = 1e-70
    ps_free_lm: str = "domain"
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "backpain")
    workers: int = field(default_factory=default_workers)

    def __hash__(self):  # ps_config is a dict, so the generated hash would fail
        return hash(tuple(tuple(sorted(v.items())) if isinstance(v, dict) else v for v in vars(self).values()))



@dataclass(frozen=True)
class TtsSettings:
    """How replies are spoken (voice/audio/tts.py)."""

    rate: int = 165
    voice: str | None = None
