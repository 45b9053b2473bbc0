"""Speech out: prepared text and real WAV from pyttsx3/espeak-ng."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from voice.audio.tts import prepare_for_speech, synthesize
from voice.audio.wav import decode_wav
from voice.config import TtsSettings


@pytest.mark.parametrize("text,spoken", [
    ("Call 911 now.", "Call nine one one now."),
    ("call 999 or 112", "call nine nine nine or one one two"),
    ("a fever of 38 °C", "a fever of 38 degrees Celsius"),
    ("38°C", "38 degrees Celsius"),
    ("100.4 °F or more", "100.4 degrees Fahrenheit or more"),
    ("call your OB", "call your O B"),
    ("go to the ER", "go to the E R"),
    ("for 2-3 days", "for 2 to 3 days"),
    ("at 24 weeks", "at 24 weeks"),
    ("about 120 times", "about 120 times"),
])
def test_prepare_for_speech(text, spoken):
    assert prepare_for_speech(text) == spoken


def test_phone_numbers_are_read_digit_by_digit():
    assert prepare_for_speech("call 0800 123 4567") == "call zero eight zero zero, one two three, four five six seven"


def test_synthesize_gives_16_bit_wav_with_speech():
    data = synthesize("If this is an emergency, call 911 now.")
    with wave.open(io.BytesIO(data)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1 and w.getnframes() > 0
        assert 1.5 < w.getnframes() / w.getframerate() < 10
    x = np.frombuffer(decode_wav(data), "<i2").astype(float)
    assert np.sqrt(np.mean(x ** 2)) > 300  # not silence


def test_rate_and_voice_options():
    assert synthesize("no bleeding", rate=110)[:4] == b"RIFF"
    assert synthesize("no bleeding", rate=260, voice="en+m3")[:4] == b"RIFF"
    assert synthesize("hello", tts=TtsSettings(rate=150, voice="en-us+f3"))[:4] == b"RIFF"


def test_synthesize_says_nothing_to_stdout(capsys):
    synthesize("quiet please")
    assert capsys.readouterr().out == ""


def test_round_trip_through_the_recogniser():
    from voice.asr.pocketsphinx.engine import PocketSphinxEngine

    ps = PocketSphinxEngine(pool_size=1)
    grammar = ["yes", "no", "i'm not sure"]
    assert ps.recognize(decode_wav(synthesize("yes", voice="en-us", rate=150)), grammar).text == "yes"
    assert ps.recognize(decode_wav(synthesize("no", voice="en-gb", rate=150)), grammar).text == "no"
