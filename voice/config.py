"""Settings from the environment, read once at start-up."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.I)
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$", re.I)
_RATE_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}


class ConfigError(ValueError):
    """A BACKPAIN_* variable has a value we cannot use; the message names it."""


def parse_duration(value: str, name: str = "duration") -> float:
    """"86400", "90s", "30m", "24h", "7d", "500ms" -> seconds."""
    m = _DURATION.match(value or "")
    if not m:
        raise ConfigError(f"{name}: expected a duration such as 30s, 15m, 24h or 86400, not {value!r}")
    return float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]


def _positive(seconds: float, name: str) -> float:
    if seconds <= 0:
        raise ConfigError(f"{name}: must be more than zero")
    return seconds


def _seconds(env, name: str, default: str) -> float:
    return _positive(parse_duration(env(name, default), name), name)


def _count(value: str, name: str, default: int, limit: int = 100_000) -> int:
    """A whole number of at least 1 (unset: `default`)."""
    value = (value or "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= limit:
        raise ConfigError(f"{name}: expected a whole number from 1 to {limit}, not {value!r}")
    return int(value)


def parse_rate(value: str, name: str = "BACKPAIN_RATE_LIMIT") -> float:
    """"20/s", "600/min", "20" -> requests per second; "off", "0", "none" -> 0 (no limit)."""
    if (value or "").strip().lower() in ("", "0", "off", "none", "no", "false"):
        return 0.0
    m = _RATE.match(value)
    if not m:
        raise ConfigError(f"{name}: expected a rate such as 20/s or 600/min, or off, not {value!r}")
    return float(m.group(1)) / _RATE_UNITS[(m.group(2) or "s").lower()]


def default_data_dir() -> Path:
    """Per-user data folder: $XDG_DATA_HOME/backpain, else ~/.local/share/backpain."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".local" / "share") / "backpain"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _locale_number(locale: str) -> str:
    """The emergency number of `locale`'s words; a locale without words is a ConfigError."""
    from intents.model import InteractionModelError, load, locales

    if locale not in locales():
        raise ConfigError(f"BACKPAIN_LOCALE: expected one of {', '.join(locales())}, not {locale!r}")
    try:
        return load(locale).advice.emergency_number
    except InteractionModelError as exc:
        raise ConfigError(f"BACKPAIN_LOCALE={locale}: {exc}") from exc


@dataclass(frozen=True)
class Settings:
    locale: str = "en-US"  # BACKPAIN_LOCALE: the words, and the default emergency number
    emergency_number: str = ""  # BACKPAIN_EMERGENCY_NUMBER; "" = the locale's (911, 999)
    host: str = "127.0.0.1"
    port: int = 8000
    log_transcripts: bool = False
    # --- sessions and audit (voice/sessions.py) ---
    data_dir: Path | None = None  # None: default_data_dir()
    session_store: str = "sqlite"  # memory | sqlite | redis://...
    session_ttl: float = 24 * 3600.0  # seconds of idleness before a session is purged
    sqlite_sync: str = "normal"  # normal: a committed turn survives kill -9; full: power loss too
    lock_timeout: float = 10.0  # waiting longer for a busy session answers 429 session_busy
    # --- limits and access (voice/ratelimit.py, voice/limits.py, voice/security.py) ---
    rate_limit: float = 20.0  # requests per second per client address; 0 = no limit
    rate_burst: float = 40.0
    rate_limit_loopback: bool = False  # also limit clients on this machine
    request_timeout: float = 30.0  # seconds to receive a request body; slower: 408
    api_token: str = ""  # when set, /v1 and /metrics need Authorization: Bearer <token>
    cors_origins: tuple[str, ...] = ()
    # --- staying up (voice/audio_gate.py, voice/connections.py) ---
    audio_in_flight: int = 4  # uploads accepted at once (decoding or waiting); more: 503 asr_busy
    header_timeout: float = 10.0  # a request's headers must arrive within this; else dropped
    keepalive_timeout: float = 5.0  # an idle keep-alive connection is closed after this
    max_connections: int = 512  # open connections at most (lowered to fit the descriptor limit)
    # --- speech (voice/asr/, voice/tts.py) ---
    asr: "AsrSettings" = field(default_factory=lambda: AsrSettings())
    tts: "TtsSettings" = field(default_factory=lambda: TtsSettings())

    def __post_init__(self):
        if not self.emergency_number:
            object.__setattr__(self, "emergency_number", _locale_number(self.locale))

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir) if self.data_dir else default_data_dir()

    @classmethod
    def from_env(cls) -> "Settings":
        locale = os.environ.get("BACKPAIN_LOCALE", "").strip() or cls.locale
        default = _locale_number(locale)  # checks the locale even when a number is set
        number = os.environ.get("BACKPAIN_EMERGENCY_NUMBER", "").strip() or default
        return cls(
            locale=locale,
            emergency_number=number,
            host=os.environ.get("BACKPAIN_HOST", cls.host),
            port=int(os.environ.get("BACKPAIN_PORT", cls.port)),
            log_transcripts=os.environ.get("BACKPAIN_LOG_TRANSCRIPTS", "") == "1",
            asr=AsrSettings.from_env(),
            tts=TtsSettings.from_env(),
            **cls._service_env(),
        )

    @classmethod
    def _service_env(cls) -> dict:
        env = os.environ.get
        rate = parse_rate(env("BACKPAIN_RATE_LIMIT", "20/s"))
        burst_raw = env("BACKPAIN_RATE_BURST", "").strip()
        try:
            burst = float(burst_raw) if burst_raw else max(1.0, 2 * rate)
        except ValueError:
            raise ConfigError(f"BACKPAIN_RATE_BURST: expected a number, not {burst_raw!r}")
        if burst < 1:
            raise ConfigError("BACKPAIN_RATE_BURST: must be at least 1")
        sync = env("BACKPAIN_SQLITE_SYNC", cls.sqlite_sync).strip().lower()
        if sync not in ("full", "normal"):
            raise ConfigError(f"BACKPAIN_SQLITE_SYNC: expected full or normal, not {sync!r}")
        store = env("BACKPAIN_SESSION_STORE", "").strip() or cls.session_store
        if store not in ("memory", "sqlite") and not store.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError(f"BACKPAIN_SESSION_STORE: expected memory, sqlite or redis://host:port/db, not {store!r}")
        data_dir = env("BACKPAIN_DATA_DIR", "").strip()
        origins = tuple(o.strip() for o in env("BACKPAIN_CORS_ORIGINS", "").split(",") if o.strip())
        return dict(
            data_dir=Path(data_dir).expanduser() if data_dir else None,
            session_store=store,
            session_ttl=_positive(parse_duration(env("BACKPAIN_SESSION_TTL", "24h"), "BACKPAIN_SESSION_TTL"), "BACKPAIN_SESSION_TTL"),
            sqlite_sync=sync,
            lock_timeout=_positive(parse_duration(env("BACKPAIN_LOCK_TIMEOUT", "10s"), "BACKPAIN_LOCK_TIMEOUT"), "BACKPAIN_LOCK_TIMEOUT"),
            rate_limit=rate,
            rate_burst=burst,
            rate_limit_loopback=_flag("BACKPAIN_RATE_LIMIT_LOOPBACK"),
            request_timeout=_positive(parse_duration(env("BACKPAIN_REQUEST_TIMEOUT", "30s"), "BACKPAIN_REQUEST_TIMEOUT"), "BACKPAIN_REQUEST_TIMEOUT"),
            api_token=env("BACKPAIN_API_TOKEN", "").strip(),
            cors_origins=origins,
            audio_in_flight=_count(env("BACKPAIN_AUDIO_IN_FLIGHT", ""), "BACKPAIN_AUDIO_IN_FLIGHT", cls.audio_in_flight),
            header_timeout=_seconds(env, "BACKPAIN_HEADER_TIMEOUT", "10s"),
            keepalive_timeout=_seconds(env, "BACKPAIN_KEEPALIVE_TIMEOUT", "5s"),
            max_connections=_count(env("BACKPAIN_MAX_CONNECTIONS", ""), "BACKPAIN_MAX_CONNECTIONS", cls.max_connections),
        )


ASR_CHOICES = ("auto", "vosk", "whisper", "pocketsphinx")
PS_FREE_LMS = ("domain", "general")


def parse_options(value: str) -> dict:
    """BACKPAIN_PS_CONFIG='beam=1e-60,topn=8' -> {"beam": 1e-60, "topn": 8}: PocketSphinx
    Decoder options, numbers and true/false converted."""
    out: dict = {}
    for item in filter(None, (value or "").split(",")):
        k, _, v = item.partition("=")
        try:
            out[k.strip()] = int(v) if v.strip().lstrip("-").isdigit() else float(v)
        except ValueError:
            out[k.strip()] = {"true": True, "false": False}.get(v.strip().lower(), v.strip())
    return out


def default_cache_dir() -> Path:
    """$BACKPAIN_CACHE_DIR, else $XDG_CACHE_HOME/backpain, else ~/.cache/backpain."""
    own = os.environ.get("BACKPAIN_CACHE_DIR", "").strip()
    if own:
        return Path(own).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "backpain"


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


def _number(env, name: str, default: float) -> float:
    raw = env(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name}: expected a number, not {raw!r}") from None


@dataclass(frozen=True)
class AsrSettings:
    """Which speech recogniser and model, and its tuning (voice/asr/): read once at start and
    passed down, so no engine reads the environment itself."""

    choice: str = "auto"  # BACKPAIN_ASR
    choice_is_default: bool = True  # BACKPAIN_ASR unset: `auto` was not asked for, just taken
    vosk_model: str = ""  # BACKPAIN_VOSK_MODEL: a Vosk model folder
    vosk_model_path: str = ""  # VOSK_MODEL_PATH: Vosk's own folder of models
    vosk_min_conf: float = 0.4  # BACKPAIN_VOSK_MIN_CONF
    whisper_model: str = ""  # BACKPAIN_WHISPER_MODEL: a CTranslate2 Whisper folder; "" = the packaged tiny.en
    whisper_threads: int = 0  # BACKPAIN_WHISPER_THREADS: CPU threads per decode; 0 = min(2, cores)
    locale: str = "en-US"  # BACKPAIN_LOCALE (checked by Settings): the words Whisper is prompted with
    ps_config: dict = field(default_factory=dict)  # BACKPAIN_PS_CONFIG: extra PocketSphinx Decoder options
    ps_garbage: float = 1e-55  # BACKPAIN_PS_GARBAGE
    ps_noisy_garbage: float = 1e-70  # BACKPAIN_PS_NOISY_GARBAGE
    ps_free_lm: str = "domain"  # BACKPAIN_PS_FREE_LM: domain | general
    cache_dir: Path = field(default_factory=default_cache_dir)  # BACKPAIN_CACHE_DIR
    workers: int = field(default_factory=default_workers)  # BACKPAIN_ASR_WORKERS: decoding processes

    def __hash__(self):  # ps_config is a dict, so the generated hash would fail
        return hash(tuple(tuple(sorted(v.items())) if isinstance(v, dict) else v for v in vars(self).values()))

    @classmethod
    def from_env(cls) -> "AsrSettings":
        env = os.environ.get
        choice = env("BACKPAIN_ASR", "").strip().lower() or cls.choice
        if choice not in ASR_CHOICES:
            raise ConfigError(f"BACKPAIN_ASR must be {', '.join(ASR_CHOICES[:-1])} or {ASR_CHOICES[-1]}, "
                              f"not {choice!r}")
        threads = env("BACKPAIN_WHISPER_THREADS", "").strip()
        if threads and not (threads.isdigit() and int(threads) <= 64):
            raise ConfigError(f"BACKPAIN_WHISPER_THREADS: expected a whole number of CPU threads (0 = automatic), "
                              f"not {threads!r}")
        free_lm = env("BACKPAIN_PS_FREE_LM", "").strip().lower() or cls.ps_free_lm
        if free_lm not in PS_FREE_LMS:
            raise ConfigError(f"BACKPAIN_PS_FREE_LM must be domain or general, not {free_lm!r}")
        workers = env("BACKPAIN_ASR_WORKERS", "").strip()
        if workers and not (workers.isdigit() and int(workers) <= 64):
            raise ConfigError(f"BACKPAIN_ASR_WORKERS: expected a whole number of processes (0 = decode in the server), "
                              f"not {workers!r}")
        return cls(choice=choice, choice_is_default=not env("BACKPAIN_ASR", "").strip(),
                   vosk_model=env("BACKPAIN_VOSK_MODEL", "").strip(),
                   vosk_model_path=env("VOSK_MODEL_PATH", "").strip(),
                   vosk_min_conf=_number(env, "BACKPAIN_VOSK_MIN_CONF", cls.vosk_min_conf),
                   whisper_model=env("BACKPAIN_WHISPER_MODEL", "").strip(),
                   whisper_threads=int(threads or 0), locale=env("BACKPAIN_LOCALE", "").strip() or cls.locale,
                   ps_config=parse_options(env("BACKPAIN_PS_CONFIG", "")),
                   ps_garbage=_number(env, "BACKPAIN_PS_GARBAGE", cls.ps_garbage),
                   ps_noisy_garbage=_number(env, "BACKPAIN_PS_NOISY_GARBAGE", cls.ps_noisy_garbage),
                   ps_free_lm=free_lm, cache_dir=default_cache_dir(),
                   workers=int(workers) if workers else default_workers())


@dataclass(frozen=True)
class TtsSettings:
    """How replies are spoken (voice/tts.py)."""

    rate: int = 165  # BACKPAIN_TTS_RATE: words per minute, 80 to 400
    voice: str | None = None  # BACKPAIN_TTS_VOICE: an espeak-ng voice id; None = the default

    @classmethod
    def from_env(cls) -> "TtsSettings":
        raw = os.environ.get("BACKPAIN_TTS_RATE", "").strip()
        if raw and not raw.isdigit():
            raise ConfigError(f"BACKPAIN_TTS_RATE: expected words per minute (80 to 400), not {raw!r}")
        return cls(rate=max(80, min(400, int(raw))) if raw else cls.rate,
                   voice=os.environ.get("BACKPAIN_TTS_VOICE", "").strip() or None)
