"""decode_wav on every PCM layout a recorder might send, and clear refusals otherwise.

Inputs are generated with sox inside the test (not committed), so every format really
comes from an independent encoder rather than from our own writer.
"""

from __future__ import annotations

import io
import struct
import subprocess
import wave

import numpy as np
import pytest

from voice.audio.wav import AudioError, decode_wav, encode_wav, wav_info


def sox_wav(tmp_path, *, rate=16000, bits=16, channels=1, encoding="signed-integer",
            seconds=0.5, synth="sine 440", name=None) -> bytes:
    out = tmp_path / (name or f"t_{rate}_{bits}_{channels}_{encoding}.wav")
    subprocess.run(["sox", "-n", "-r", str(rate), "-b", str(bits), "-c", str(channels),
                    "-e", encoding, str(out), "synth", str(seconds), *synth.split(), "vol", "0.5"],
                   check=True, capture_output=True)
    return out.read_bytes()


def dominant_hz(pcm: bytes) -> float:
    x = np.frombuffer(pcm, "<i2").astype(np.float64)
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spec) * 16000 / len(x))


@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 32000, 44100, 48000])
@pytest.mark.parametrize("bits,encoding", [(8, "unsigned-integer"), (16, "signed-integer"),
                                           (24, "signed-integer"), (32, "signed-integer"),
                                           (32, "floating-point")])
@pytest.mark.parametrize("channels", [1, 2])
def test_every_pcm_layout_becomes_16k_mono(tmp_path, rate, bits, encoding, channels):
    data = sox_wav(tmp_path, rate=rate, bits=bits, channels=channels, encoding=encoding)
    pcm = decode_wav(data)
    assert abs(len(pcm) / 2 - 8000) <= 2  # 0.5 s at 16 kHz
    assert abs(dominant_hz(pcm) - 440) < 5  # the tone survived resampling
    rms = np.sqrt(np.mean(np.frombuffer(pcm, "<i2").astype(float) ** 2)) / 32768
    assert 0.3 < rms < 0.4  # 0.5 amplitude sine -> 0.354 rms, channels averaged not summed


def test_extensible_24bit_header_is_read(tmp_path):
    data = sox_wav(tmp_path, rate=48000, bits=24, channels=2)
    assert struct.unpack_from("<H", data, 20)[0] == 0xFFFE  # sox writes WAVE_FORMAT_EXTENSIBLE
    assert wav_info(data).bits == 24 and len(decode_wav(data)) == 16000


def test_resampler_is_band_limited(tmp_path):
    # 10 kHz at 48 kHz must vanish (above the 8 kHz Nyquist limit), not fold back into the speech band, at 16 kHz output
    data = sox_wav(tmp_path, rate=48000, synth="sine 10000", name="hi.wav")
    x = np.frombuffer(decode_wav(data), "<i2").astype(float)
    assert np.sqrt(np.mean(x[200:-200] ** 2)) < 0.01 * 32768


def test_16k_mono_passes_through_unchanged():
    pcm = (np.arange(1600) % 200 - 100).astype("<i2").tobytes()
    assert decode_wav(encode_wav(pcm)) == pcm


def test_silence_is_fine():
    pcm = decode_wav(encode_wav(b"\0\0" * 16000))
    assert pcm == b"\0\0" * 16000


def test_stdlib_wave_reads_our_output():
    with wave.open(io.BytesIO(encode_wav(b"\1\0" * 100))) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()) == (16000, 1, 2, 100)


def expect(code: str, data: bytes, status: int | None = None) -> AudioError:
    with pytest.raises(AudioError) as ei:
        decode_wav(data)
    assert ei.value.code == code, ei.value.message
    assert ei.value.message
    if status:
        assert ei.value.status == status
    return ei.value


def test_not_a_wav():
    expect("unsupported_media_type", b"ID3\x03\x00\x00\x00" + b"\xff\xfb" * 500, 415)
    expect("unsupported_media_type", b"hello, this is text, not audio", 415)
    expect("unsupported_media_type", b"OggS" + b"\0" * 100, 415)


def test_empty():
    expect("empty_audio", b"", 422)
    expect("empty_audio", encode_wav(b""), 422)


def test_truncated(tmp_path):
    data = sox_wav(tmp_path)
    expect("bad_audio", data[: len(data) // 2], 400)  # header promises more audio than arrived
    expect("bad_audio", data[:20], 400)  # cut inside the format header
    expect("bad_audio", data[:36], 400)  # no data chunk


def test_streamed_wav_with_placeholder_size_is_accepted(tmp_path):
    data = bytearray(sox_wav(tmp_path))
    pos = data.index(b"data")
    struct.pack_into("<I", data, pos + 4, 0xFFFFFFFF)
    assert len(decode_wav(bytes(data))) == 16000


def test_ten_minutes_of_silence_is_too_long(tmp_path):
    data = sox_wav(tmp_path, rate=8000, bits=8, encoding="unsigned-integer", seconds=600, synth="sine 0")
    err = expect("audio_too_long", data, 413)
    assert "60" in err.message


def test_too_large(tmp_path):
    data = sox_wav(tmp_path, rate=48000, bits=32, channels=2, seconds=30)
    assert len(data) > 10 * 1024 * 1024
    expect("audio_too_large", data, 413)


@pytest.mark.parametrize("rate", [4000, 96000])
def test_sample_rate_out_of_range(tmp_path, rate):
    err = expect("unsupported_media_type", sox_wav(tmp_path, rate=rate), 415)
    assert str(rate) in err.message


def test_ulaw_and_alaw_refused(tmp_path):
    expect("unsupported_media_type", sox_wav(tmp_path, bits=8, encoding="u-law"), 415)
    expect("unsupported_media_type", sox_wav(tmp_path, bits=8, encoding="a-law"), 415)


def test_too_many_channels(tmp_path):
    expect("unsupported_media_type", sox_wav(tmp_path, channels=6), 415)
