"""WAV in, recogniser-ready audio out.

Every engine wants the same thing: 16 kHz, mono, signed 16-bit little-endian PCM. Callers
(HTTP uploads, `backpain replay`, the tests) hand us whatever their recorder produced, so
this module is the single gate that either converts it faithfully or refuses it with an
error code the HTTP layer can pass straight to the client.

We parse RIFF ourselves instead of using the `wave` module because `wave` in Python 3.11
rejects WAVE_FORMAT_EXTENSIBLE (what most 24-bit and multi-channel recorders write) and
float WAVs, and gives one opaque error for every kind of damage. Resampling uses soxr
(a proper band-limited resampler): naive decimation folds the 4-8 kHz band back into
the speech band and costs recognition accuracy on 44.1/48 kHz recordings.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

TARGET_RATE = 16000
MIN_RATE = 8000
MAX_RATE = 48000
MAX_BYTES = 10 * 1024 * 1024
MAX_SECONDS = 60.0

_PCM = 0x0001
_FLOAT = 0x0003
_ALAW = 0x0006
_MULAW = 0x0007
_EXTENSIBLE = 0xFFFE
# Sizes that streaming recorders write when they could not seek back to fix the header.
_PLACEHOLDER_SIZES = {0, 0xFFFFFFFF, 0xFFFFFFFF - 8}

_STATUS = {
    "unsupported_media_type": 415,
    "bad_audio": 400,
    "audio_too_long": 413,
    "audio_too_large": 413,
    "empty_audio": 422,
}


class AudioError(ValueError):
    """A refusal the HTTP layer maps 1:1 onto `{"error": {"code", "message"}}`."""

    def __init__(self, code: str, message: str):
        if code not in _STATUS:
            raise ValueError(f"unknown audio error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = _STATUS[code]

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"AudioError({self.code!r}, {self.message!r})"


@dataclass(frozen=True)
class WavInfo:
    """What the header says; exposed so callers can report or pre-check uploads."""

    format_tag: int
    channels: int
    sample_rate: int
    bits: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def _chunks(data: bytes):
    """Yield (chunk_id, offset_of_body, declared_size) for each RIFF sub-chunk."""
    pos = 12
    end = len(data)
    while pos + 8 <= end:
        cid, size = struct.unpack_from("<4sI", data, pos)
        yield cid, pos + 8, size
        if cid == b"data":
            return  # data is normally last; anything after it cannot change decoding
        pos += 8 + size + (size & 1)


def _parse(data: bytes) -> tuple[WavInfo, memoryview]:
    if not data:
        raise AudioError("empty_audio", "The audio upload is empty.")
    if len(data) < 12 or data[0:4] not in (b"RIFF", b"RIFX", b"RF64") or data[8:12] != b"WAVE":
        raise AudioError("unsupported_media_type", "Send a WAV file (RIFF/WAVE, PCM).")
    if data[0:4] != b"RIFF":
        raise AudioError("unsupported_media_type",
                         f"{data[0:4].decode('ascii', 'replace')} WAV files are not supported; "
                         "send a little-endian RIFF WAV.")
    fmt = None
    body = None
    for cid, off, size in _chunks(data):
        if cid == b"fmt ":
            if size < 16 or off + 16 > len(data):
                raise AudioError("bad_audio", "The WAV format header is truncated.")
            tag, channels, rate, _byte_rate, block_align, bits = struct.unpack_from("<HHIIHH", data, off)
            if tag == _EXTENSIBLE:
                if size < 40 or off + 40 > len(data):
                    raise AudioError("bad_audio", "The WAV extensible format header is truncated.")
                tag = struct.unpack_from("<H", data, off + 24)[0]  # first 2 bytes of the sub-format GUID
            fmt = (tag, channels, rate, block_align, bits)
        elif cid == b"data":
            if fmt is None:
                raise AudioError("bad_audio", "The WAV file has no format header before its data.")
            available = len(data) - off
            if size in _PLACEHOLDER_SIZES or size >= 0x7FFF0000:
                size = available  # streamed WAV: the size was never filled in
            elif size > available:
                raise AudioError("bad_audio",
                                 f"The WAV file is truncated: header promises {size} bytes of audio, "
                                 f"{available} arrived.")
            body = memoryview(data)[off:off + size]
    if fmt is None:
        raise AudioError("bad_audio", "The WAV file has no format header (fmt chunk); it may be truncated.")
    if body is None:
        raise AudioError("bad_audio", "The WAV file has no audio data chunk; it may be truncated.")

    tag, channels, rate, block_align, bits = fmt
    if tag in (_ALAW, _MULAW):
        name = "A-law" if tag == _ALAW else "u-law"
        raise AudioError("unsupported_media_type", f"{name} WAV is not supported; send linear PCM (16-bit).")
    if tag not in (_PCM, _FLOAT):
        raise AudioError("unsupported_media_type",
                         f"WAV encoding 0x{tag:04x} is not supported; send linear PCM (16-bit).")
    if channels < 1:
        raise AudioError("bad_audio", "The WAV header says it has no channels.")
    if channels > 2:
        raise AudioError("unsupported_media_type", f"{channels}-channel audio is not supported; send mono or stereo.")
    if tag == _PCM and bits not in (8, 16, 24, 32) or tag == _FLOAT and bits not in (32, 64):
        raise AudioError("unsupported_media_type", f"{bits}-bit {'float' if tag == _FLOAT else 'PCM'} WAV is not supported.")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise AudioError("unsupported_media_type",
                         f"Sample rate {rate} Hz is not supported; use 8000 to 48000 Hz (16000 is best).")
    frame_bytes = channels * bits // 8
    if block_align not in (0, frame_bytes):
        raise AudioError("bad_audio", "The WAV header is inconsistent (block alignment).")
    frames = len(body) // frame_bytes
    return WavInfo(tag, channels, rate, bits, frames), body[: frames * frame_bytes]


def wav_info(data: bytes) -> WavInfo:
    """Header facts without decoding (cheap pre-check for uploads)."""
    return _parse(data)[0]


def _to_float(info: WavInfo, body: memoryview) -> np.ndarray:
    raw = np.frombuffer(body, dtype=np.uint8)
    if info.format_tag == _FLOAT:
        x = np.frombuffer(body, dtype="<f4" if info.bits == 32 else "<f8").astype(np.float32)
        x = np.nan_to_num(x, nan=0.0, posinf=1.0, neginf=-1.0)
    elif info.bits == 8:
        x = (raw.astype(np.float32) - 128.0) / 128.0  # 8-bit WAV is unsigned
    elif info.bits == 16:
        x = np.frombuffer(body, dtype="<i2").astype(np.float32) / 32768.0
    elif info.bits == 24:
        b = raw.reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v & 0x800000, v - 0x1000000, v)
        x = v.astype(np.float32) / 8388608.0
    else:
        x = (np.frombuffer(body, dtype="<i4").astype(np.float64) / 2147483648.0).astype(np.float32)
    x = x.reshape(-1, info.channels)
    return x.mean(axis=1) if info.channels > 1 else x[:, 0]


def resample(x: np.ndarray, rate: int, target: int = TARGET_RATE) -> np.ndarray:
    """Band-limited resampling (soxr HQ); float32 in, float32 out."""
    if rate == target or x.size == 0:
        return x.astype(np.float32, copy=False)
    import soxr

    return soxr.resample(x.astype(np.float32, copy=False), rate, target, quality="HQ").astype(np.float32)


def float_to_s16(x: np.ndarray) -> bytes:
    return (np.clip(x, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()


def decode_wav(data: bytes, *, max_bytes: int = MAX_BYTES, max_seconds: float = MAX_SECONDS) -> bytes:
    """Any sane PCM/float WAV -> 16 kHz mono s16le, or an AudioError saying what is wrong.

    Duration is checked before size so that a long recording is reported as "too long"
    (actionable for the person speaking) rather than "too large".
    """
    data = bytes(data) if not isinstance(data, bytes) else data
    info, body = _parse(data)
    if info.seconds > max_seconds:
        raise AudioError("audio_too_long",
                         f"The recording is {info.seconds:.0f} s long; the limit is {max_seconds:.0f} s.")
    if len(data) > max_bytes:
        raise AudioError("audio_too_large",
                         f"The upload is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB.")
    if info.frames == 0:
        raise AudioError("empty_audio", "The WAV file contains no audio samples.")
    if info.format_tag == _PCM and info.bits == 16 and info.channels == 1 and info.sample_rate == TARGET_RATE:
        return bytes(body)  # already what the recognisers want: skip the float round trip
    x = resample(_to_float(info, body), info.sample_rate)
    return float_to_s16(x)


def encode_wav(pcm: bytes, rate: int = TARGET_RATE, channels: int = 1) -> bytes:
    """s16le PCM -> WAV bytes (for speech output and tests)."""
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ", 16, _PCM, channels, rate,
        rate * channels * 2, channels * 2, 16, b"data", len(pcm),
    )
    return header + pcm


def read_wav_file(path) -> bytes:
    """Convenience for replay/bench: a WAV path -> 16 kHz mono s16le."""
    with open(path, "rb") as f:
        return decode_wav(f.read())


def duration_seconds(pcm: bytes, rate: int = TARGET_RATE) -> float:
    return len(pcm) / (2 * rate)


SILENCE_PEAK = 100  # about -50 dBFS: nothing a recogniser could hear as speech


def is_silent(pcm: bytes, peak: int = SILENCE_PEAK) -> bool:
    """True when 16-bit PCM never rises above `peak`: a muted or disconnected microphone,
    or an empty recording. Recognisers decode such audio anyway (PocketSphinx's free
    language model turned two seconds of digital zeros into a word), so callers skip
    recognition and treat it as "nothing heard"."""
    if len(pcm) < 2:
        return True
    x = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
    return int(np.abs(x.astype(np.int32)).max()) <= peak
