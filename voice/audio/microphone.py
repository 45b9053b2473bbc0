"""Microphone in, one utterance out: for `backpain listen` (hands-free at home).

Endpointing uses PocketSphinx's WebRTC-style voice-activity Endpointer, because it is
already installed with the default recogniser and needs no training: speech starts
when most of a 0.3 s window is voiced and ends after the same amount of quiet. The
Endpointer hands frames back delayed by its window, starting a window *before* the
speech was detected, so the first consonant is kept without a pre-roll of our own (an
extra pre-roll repeats the audio just before detection: "no" was heard as "no no").
sounddevice (PortAudio) is imported lazily so servers without audio hardware never need it.
"""

from __future__ import annotations

import time
from typing import Callable, Iterator

SAMPLE_RATE = 16000


class MicrophoneError(RuntimeError):
    """No input device, PortAudio missing, or the device refused the format."""


def _sd():
    try:
        import sounddevice as sd
    except (ImportError, OSError) as e:
        raise MicrophoneError(f"microphone unavailable (install libportaudio2): {e}") from e
    return sd


def require_device(kind: str = "input") -> str:
    """The default input (or output) device's name; MicrophoneError when there is none.

    Checked before a hands-free conversation starts, so a machine without a microphone
    gets one clear sentence instead of a greeting followed by a PortAudio error.
    """
    sd = _sd()
    try:
        info = sd.query_devices(kind=kind)
    except Exception as e:
        what = "microphone (audio input device)" if kind == "input" else "speaker (audio output device)"
        raise MicrophoneError(f"no {what} found: {e}") from e
    return str(info.get("name", "default") if isinstance(info, dict) else info)


def frames(block_bytes: int, device=None) -> Iterator[bytes]:
    """Endless 16 kHz mono s16le blocks of exactly `block_bytes` from the default input."""
    sd = _sd()
    try:
        stream = sd.RawInputStream(samplerate=SAMPLE_RATE, blocksize=block_bytes // 2,
                                   dtype="int16", channels=1, device=device)
    except Exception as e:
        raise MicrophoneError(f"cannot open the microphone: {e}") from e
    with stream:
        while True:
            data, _overflow = stream.read(block_bytes // 2)
            yield bytes(data)


def utterances(source: Iterator[bytes] | None = None, *, window: float = 0.3, ratio: float = 0.9,
               max_seconds: float = 20.0, on_partial: Callable[[bytes], None] | None = None
               ) -> Iterator[bytes]:
    """Yield one PCM byte string per spoken utterance (VAD endpointing).

    `source` may be any iterator of Endpointer-sized frames (tests feed a WAV this way).
    `on_partial` receives speech frames as they arrive, for streaming recognition.
    """
    from pocketsphinx import Endpointer

    ep = Endpointer(window=window, ratio=ratio, sample_rate=SAMPLE_RATE)
    source = source if source is not None else frames(ep.frame_bytes)
    speech: list[bytes] = []
    limit = int(max_seconds * SAMPLE_RATE * 2)
    size = 0
    for frame in source:
        if len(frame) < ep.frame_bytes:
            out = ep.end_stream(frame) if ep.in_speech else None
            if out:
                speech.append(out)
            if speech:
                yield b"".join(speech)
            return
        was = ep.in_speech
        out = ep.process(frame)
        if out is None:
            if was and not ep.in_speech and speech:
                yield b"".join(speech)
                speech, size = [], 0
            continue
        speech.append(out)
        size += len(out)
        if on_partial:
            on_partial(out)
        if not ep.in_speech or size >= limit:
            yield b"".join(speech)
            speech, size = [], 0


def listen_once(timeout: float = 15.0, **kw) -> bytes | None:
    """The next utterance from the microphone, or None after `timeout` s of silence."""
    from pocketsphinx import Endpointer

    fb = Endpointer(sample_rate=SAMPLE_RATE).frame_bytes
    start = time.monotonic()

    def timed():
        for f in frames(fb):
            yield f
            if time.monotonic() - start > timeout:
                yield b""  # short frame = end of stream
                return

    for utt in utterances(timed(), **kw):
        return utt
    return None


def play_wav(wav: bytes) -> None:
    """Play WAV bytes on the default output and wait until done."""
    import io
    import wave

    import numpy as np

    sd = _sd()
    with wave.open(io.BytesIO(wav)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        rate, ch = w.getframerate(), w.getnchannels()
    try:
        sd.play(pcm.reshape(-1, ch) if ch > 1 else pcm, rate, blocking=True)
    except Exception as e:
        raise MicrophoneError(f"cannot play audio: {e}") from e
