"""Shared by the recogniser tests: the fixture manifest and label helpers."""

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
    from voice.audio import read_wav_file

    return read_wav_file(FIXTURES / item["file"])
