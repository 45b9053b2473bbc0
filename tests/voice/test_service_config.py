"""BACKPAIN_* settings: parsed once, checked, and a bad value named clearly."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pydantic import ValidationError

from voice.config import ConfigError, Settings, asr_from_env, parse_duration, parse_rate, tts_from_env
from benchmarks.server import REPO, clean_env


@pytest.mark.parametrize("text, seconds", [("86400", 86400), ("90s", 90), ("30m", 1800), ("24h", 86400),
                                           ("7d", 604800), ("500ms", 0.5), (" 2 h ", 7200), ("1.5h", 5400)])
def test_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text, per_second", [("20/s", 20), ("600/min", 10), ("20", 20), ("3600/h", 1),
                                              ("off", 0), ("0", 0), ("none", 0)])
def test_rates(text, per_second):
    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize("name, value", [("BACKPAIN_SESSION_TTL", "a day"), ("BACKPAIN_SESSION_TTL", "0"),
                                         ("BACKPAIN_RATE_LIMIT", "fast"), ("BACKPAIN_RATE_BURST", "0"),
                                         ("BACKPAIN_SQLITE_SYNC", "sometimes"), ("BACKPAIN_SESSION_STORE", "postgres://x"),
                                         ("BACKPAIN_REQUEST_TIMEOUT", "-1"), ("BACKPAIN_HEADER_TIMEOUT", "soon"),
                                         ("BACKPAIN_KEEPALIVE_TIMEOUT", "0"), ("BACKPAIN_AUDIO_IN_FLIGHT", "0"),
                                         ("BACKPAIN_AUDIO_IN_FLIGHT", "many"), ("BACKPAIN_MAX_CONNECTIONS", "-5")])
def test_bad_values_are_refused_by_name(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        Settings.from_env()


def test_defaults(monkeypatch):
    for var in ("BACKPAIN_SESSION_STORE", "BACKPAIN_SESSION_TTL", "BACKPAIN_RATE_LIMIT", "BACKPAIN_RATE_BURST",
                "BACKPAIN_API_TOKEN", "BACKPAIN_CORS_ORIGINS", "BACKPAIN_SQLITE_SYNC", "BACKPAIN_REQUEST_TIMEOUT",
                "BACKPAIN_HOST", "BACKPAIN_AUDIO_IN_FLIGHT", "BACKPAIN_HEADER_TIMEOUT", "BACKPAIN_KEEPALIVE_TIMEOUT",
                "BACKPAIN_MAX_CONNECTIONS"):
        monkeypatch.delenv(var, raising=False)
    s = Settings.from_env()
    assert (s.session_store, s.session_ttl, s.sqlite_sync) == ("sqlite", 86400, "normal")
    assert (s.rate_limit, s.rate_burst, s.rate_limit_loopback) == (20, 40, False)
    assert (s.api_token, s.cors_origins, s.host, s.request_timeout) == ("", (), "127.0.0.1", 30)
    assert (s.audio_in_flight, s.header_timeout, s.keepalive_timeout, s.max_connections) == (4, 10, 5, 512)


def test_staying_up_settings_from_env(monkeypatch):
    for name, value in (("BACKPAIN_AUDIO_IN_FLIGHT", "2"), ("BACKPAIN_HEADER_TIMEOUT", "3s"),
                        ("BACKPAIN_KEEPALIVE_TIMEOUT", "500ms"), ("BACKPAIN_MAX_CONNECTIONS", "64")):
        monkeypatch.setenv(name, value)
    s = Settings.from_env()
    assert (s.audio_in_flight, s.header_timeout, s.keepalive_timeout, s.max_connections) == (2, 3, 0.5, 64)


def test_settings_from_env(monkeypatch):
    monkeypatch.setenv("BACKPAIN_SESSION_STORE", "redis://127.0.0.1:6390/2")
    monkeypatch.setenv("BACKPAIN_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("BACKPAIN_RATE_LIMIT", "5/s")
    monkeypatch.setenv("BACKPAIN_RATE_LIMIT_LOOPBACK", "1")
    s = Settings.from_env()
    assert s.session_store == "redis://127.0.0.1:6390/2"
    assert s.cors_origins == ("https://a.example", "https://b.example")
    assert (s.rate_limit, s.rate_burst, s.rate_limit_loopback) == (5, 10, True)


def test_the_command_line_names_a_bad_variable(tmp_path):
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp_path), BACKPAIN_SESSION_TTL="forever")
    r = subprocess.run([sys.executable, "-m", "voice.cli", "audit"], cwd=REPO, env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "BACKPAIN_SESSION_TTL" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("name, value", [("BACKPAIN_PORT", "eighty"), ("BACKPAIN_PORT", "70000"),
                                         ("BACKPAIN_ASR", "kaldi"), ("BACKPAIN_LOCALE", "fr-FR"),
                                         ("BACKPAIN_LOG_TRANSCRIPTS", "maybe"), ("BACKPAIN_WHISPER_THREADS", "lots"),
                                         ("BACKPAIN_ASR_WORKERS", "-1"), ("BACKPAIN_PS_FREE_LM", "big"),
                                         ("BACKPAIN_TTS_RATE", "quick"), ("BACKPAIN_VOSK_MIN_CONF", "2")])
def test_every_kind_of_bad_value_is_one_line_naming_the_variable_and_the_value(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        Settings.from_env()
    message = str(err.value)
    assert message.startswith(f"{name}: ") and "\n" not in message and repr(value) in message, message


def test_settings_made_in_code_do_not_read_the_environment(monkeypatch):
    monkeypatch.setenv("BACKPAIN_PORT", "9999")
    monkeypatch.setenv("BACKPAIN_RATE_LIMIT", "bogus")
    assert Settings().port == 8000 and Settings(port=8001).port == 8001
    monkeypatch.delenv("BACKPAIN_RATE_LIMIT")
    assert Settings.from_env(port=8002).port == 8002  # an override wins over the environment


def test_a_part_is_read_without_the_rest(monkeypatch):
    """`backpain models` and `backpain say` read their part only: a bad rate limit does not stop them."""
    monkeypatch.setenv("BACKPAIN_RATE_LIMIT", "bogus")
    monkeypatch.setenv("BACKPAIN_ASR", "Whisper")
    monkeypatch.setenv("BACKPAIN_TTS_RATE", "200")
    asr, tts = asr_from_env(), tts_from_env()
    assert (asr.choice, asr.choice_is_default, tts.rate) == ("whisper", False, 200)
    assert Settings().asr.choice_is_default
    with pytest.raises(ConfigError, match="BACKPAIN_RATE_LIMIT"):
        Settings.from_env()


def test_the_speech_settings_reach_their_part(monkeypatch, tmp_path):
    monkeypatch.setenv("BACKPAIN_PS_CONFIG", "beam=1e-60,topn=8,bestpath=false")
    monkeypatch.setenv("BACKPAIN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("BACKPAIN_ASR_WORKERS", "0")
    monkeypatch.setenv("BACKPAIN_TTS_VOICE", "en-gb")
    s = Settings.from_env()
    assert s.asr.ps_config == {"beam": 1e-60, "topn": 8, "bestpath": False}
    assert (s.asr.cache_dir, s.asr.workers, s.tts.voice) == (tmp_path / "cache", 0, "en-gb")


def test_a_copy_with_changes_is_checked_and_derives_again():
    gb = Settings(locale="en-GB")
    assert gb.emergency_number == "999"
    assert gb.replace(locale="en-US").emergency_number == "911"  # derived from the new locale
    assert gb.replace(port=9000).emergency_number == "999"
    with pytest.raises(ValidationError):
        gb.replace(port=0)
