"""Moved to voice.asr.whisper (engine.py and its parts); this shim goes when every importer is updated."""

from .whisper.engine import WhisperEngine, WhisperStream
from .whisper.options import WhisperOptions

__all__ = ["WhisperEngine", "WhisperOptions", "WhisperStream"]
