"""Moved to voice.audio.microphone; this shim goes when every importer is updated."""

from voice.audio.microphone import (SAMPLE_RATE, MicrophoneError, frames, listen_once, play_wav, require_device,
                                    utterances)

__all__ = ["SAMPLE_RATE", "MicrophoneError", "frames", "listen_once", "play_wav", "require_device", "utterances"]
