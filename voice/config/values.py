"""Parsing the values people write in BACKPAIN_* variables: durations, rates, lists, options."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, Field

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.I)
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$", re.I)
ASR_CHOICES = ("auto", "vosk", "whisper", "pocketsphinx")
_RATE_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


class ConfigError(ValueError):
    """A BACKPAIN_* variable has a value we cannot use; the message names it."""


def parse_duration(value, name: str = "duration") -> float:
    """"86400", "90s", "30m", "24h", "7d", "500ms" -> seconds (a number passes through)."""
    if isinstance(value, (int, float)):
        return float(value)
    m = _DURATION.match(value or "")
    if not m:
        raise ConfigError(f"{name}: expected a duration such as 30s, 15m, 24h or 86400, not {value!r}")
    return float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]


def parse_rate(value, name: str = "BACKPAIN_RATE_LIMIT") -> float:
    """"20/s", "600/min", "20" -> requests per second; "off", "0", "none" -> 0 (no limit)."""
    if isinstance(value, (int, float)):
        return float(value)
    if (value or "").strip().lower() in ("", "0", "off", "none", "no", "false"):
        return 0.0
    m = _RATE.match(value)
    if not m:
        raise ConfigError(f"{name}: expected a rate such as 20/s or 600/min, or off, not {value!r}")
    return float(m.group(1)) / _RATE_UNITS[(m.group(2) or "s").lower()]


def parse_options(value) -> dict:
    """'beam=1e-60,topn=8' -> {"beam": 1e-60, "topn": 8}: PocketSphinx Decoder options, with
    numbers and true/false converted."""
    if isinstance(value, dict):
        return value
    out: dict = {}
    for item in filter(None, (value or "").split(",")):
        k, _, v = item.partition("=")
        try:
            out[k.strip()] = int(v) if v.strip().lstrip("-").isdigit() else float(v)
        except ValueError:
            out[k.strip()] = {"true": True, "false": False}.get(v.strip().lower(), v.strip())
    return out


def origins(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(o.strip() for o in value.split(",") if o.strip())
    return tuple(value)


def lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _seconds(value):
    seconds = parse_duration(value, "value")
    if seconds <= 0:
        raise ValueError("must be more than zero")
    return seconds


def _duration_error(value):
    try:
        return _seconds(value)
    except ConfigError:
        raise ValueError(f"expected a duration such as 30s, 15m, 24h or 86400, not {value!r}") from None


def rate(value):
    try:
        return parse_rate(value, "value")
    except ConfigError:
        raise ValueError(f"expected a rate such as 20/s or 600/min, or off, not {value!r}") from None


Seconds = Annotated[float, BeforeValidator(_duration_error)]
Count = Annotated[int, Field(ge=1, le=100_000)]


