"""Sound in and out: WAV decoding (wav.py), the microphone and speakers (microphone.py),
speech synthesis (tts.py).

`from voice.audio import decode_wav` keeps working for the WAV names (this package took the
place of the module voice/audio.py). They are looked up on first use rather than imported
here, so `voice.audio.tts` or `voice.audio.microphone` do not load numpy for nothing.
"""

from __future__ import annotations

import importlib

_WAV_NAMES = ("AudioError", "MAX_BYTES", "MAX_SECONDS", "MAX_RATE", "MIN_RATE", "SILENCE_PEAK", "TARGET_RATE",
              "WavInfo", "decode_wav", "duration_seconds", "encode_wav", "float_to_s16", "is_silent",
              "read_wav_file", "resample", "wav_info")

__all__ = list(_WAV_NAMES)


def __getattr__(name: str):
    if name in _WAV_NAMES:
        return getattr(importlib.import_module("voice.audio.wav"), name)
    raise AttributeError(f"module 'voice.audio' has no attribute {name!r}")
