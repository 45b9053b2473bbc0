"""BACKPAIN_* settings: parsed once, checked, and a bad value named clearly."""

from __future__ import annotations

import subprocess
import sys

import pytest

from voice.config import ConfigError, Settings, parse_duration, parse_rate
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
