"""The skill's settings: every BACKPAIN_* variable declared once, with its type, default and
help, and read from the environment once, by `Settings.from_env()`. This is the one module
that reads the environment; everything else is handed the Settings (or its `asr` / `tts`
part) by its caller."""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict

from voice.config.parts import AsrSettings, TtsSettings, default_workers
from voice.config.values import ASR_CHOICES, ConfigError, Count, Seconds, lower, origins, parse_options, rate

def default_data_dir() -> Path:
    """Per-user data folder: $XDG_DATA_HOME/backpain, else ~/.local/share/backpain."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".local" / "share") / "backpain"


def default_cache_dir() -> Path:
    """Per-user cache folder (the domain language model): $XDG_CACHE_HOME/backpain, else ~/.cache/backpain."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "backpain"



def _help(text: str, shown_default: str | None = None, group: str = "service") -> dict:
    return {"description": text, "json_schema_extra": {"shown_default": shown_default, "group": group}}


class Settings(BaseSettings):
    """The skill's settings. `Settings(...)` takes only what it is given (tests, embedding);
    `Settings.from_env()` reads the BACKPAIN_* variables."""

    model_config = SettingsConfigDict(env_prefix="BACKPAIN_", frozen=True, extra="ignore",
                                      env_ignore_empty=True, populate_by_name=True)

    # --- words and numbers ---
    locale: str = Field("en-US", **_help(
        "whose words: `en-US` (911, emergency room, labor and delivery, OB, pee) or `en-GB` (999, A&E, "
        "maternity triage / assessment unit, midwife, wee). en-GB's differences are in "
        "`intents/data/locales/en-GB/`"))
    emergency_number: str = Field("", **_help(
        "the number the skill tells people to call", "the locale's (`911`, `999`)"))
    # --- where it listens ---
    host: str = Field("127.0.0.1", **_help(
        "where `backpain serve` listens (also `--host`); only this machine can connect by default"))
    port: int = Field(8000, ge=1, le=65535, **_help("the port `backpain serve` listens on (also `--port`)"))
    log_transcripts: bool = Field(False, **_help(
        "`1` is `backpain serve --log-transcripts`: **debugging only**, writes what people say to the log", "`0`"))
    # --- conversations and the audit log ---
    session_store: str = Field("sqlite", **_help(
        "`sqlite` (one file, survives restarts), `memory` (this process only), or `redis://host:port/db` "
        "to share conversations between several `backpain serve` processes"))
    data_dir: Path | None = Field(None, **_help(
        "folder of the SQLite file `backpain.db` (folder mode 700, file 600)",
        "`$XDG_DATA_HOME/backpain`, else `~/.local/share/backpain`"))
    sqlite_sync: Annotated[Literal["normal", "full"], BeforeValidator(lower)] = Field("normal", **_help(
        "`normal`: a committed turn survives the service being killed (even `kill -9`); `full`: also a "
        "power cut, at one fsync per turn"))
    session_ttl: Seconds = Field(24 * 3600.0, **_help(
        "a conversation idle this long is deleted (`90s`, `30m`, `24h`, `7d` or seconds); the audit log "
        "is kept", "`24h`"))
    lock_timeout: Seconds = Field(10.0, **_help(
        "how long a request waits while another request of the same conversation is answered; then "
        "`429 session_busy`", "`10s`"))
    # --- limits and access ---
    api_token: str = Field("", **_help(
        "when set, every `/v1` request and `/metrics` need `Authorization: Bearer <token>`; set it "
        "whenever you listen beyond 127.0.0.1", "unset"))
    cors_origins: Annotated[tuple[str, ...], NoDecode, BeforeValidator(origins)] = Field((), **_help(
        "comma-separated origins whose web pages may call the API from a browser", "unset (closed)"))
    rate_limit: Annotated[float, BeforeValidator(rate)] = Field(20.0, **_help(
        "requests per second per client address on `/v1` (`600/min`, or `off`); over it `429 rate_limited`",
        "`20/s`"))
    rate_burst: float | None = Field(None, ge=1, **_help(
        "how many requests a client may send at once before the rate applies", "twice the rate"))
    rate_limit_loopback: bool = Field(False, **_help(
        "`1` also limits clients on this machine (the voice loop, tests and benchmarks run here)", "`0`"))
    request_timeout: Seconds = Field(30.0, **_help(
        "a request body that takes longer to arrive gets `408 request_timeout`", "`30s`"))
    header_timeout: Seconds = Field(10.0, **_help(
        "a request's line and headers must arrive within this, else `408` and the connection is closed",
        "`10s`"))
    keepalive_timeout: Seconds = Field(5.0, **_help("an idle kept-alive connection is closed after this", "`5s`"))
    max_connections: Count = Field(512, **_help(
        "open connections at most; lowered at start to fit the open-file limit (`ulimit -n`)"))
    audio_in_flight: Count = Field(4, **_help(
        "speech uploads taken at once (decoding or waiting); one more gets `503 asr_busy`"))
    # --- speech recognition ---
    asr_choice: Annotated[Literal[ASR_CHOICES], BeforeValidator(lower)] = Field(
        "auto", validation_alias="BACKPAIN_ASR", **_help(
            "`auto`: Vosk when an English Vosk model is found, else Whisper (its tiny.en model is a "
            "dependency), else PocketSphinx; `backpain models` says which and why. `vosk`, `whisper` or "
            "`pocketsphinx` to insist", group="speech"))
    whisper_model: str = Field("", **_help(
        "any CTranslate2 Whisper folder (e.g. `faster-whisper-base.en`); a folder that is not such a "
        "model is an error, not a fallback", "the packaged tiny.en", "speech"))
    whisper_threads: int = Field(0, ge=0, le=64, **_help(
        "CPU threads per Whisper decode; `0`: 2, at most the number of cores", "`0`", "speech"))
    vosk_model: str = Field("", **_help(
        "a Vosk model folder; with `auto` it is used if it is an English model", "unset", "speech"))
    vosk_model_path: str = Field("", validation_alias="VOSK_MODEL_PATH", **_help(
        "Vosk's own folder of models, searched after `~/.cache/vosk`", "unset", "speech"))
    vosk_min_conf: float = Field(0.4, ge=0, le=1, **_help(
        "Vosk word confidence below which an answer is treated as unsure", group="speech"))
    asr_workers: int | None = Field(None, ge=0, le=64, **_help(
        "worker processes that decode PocketSphinx (alone or as Whisper's second opinion); `0` decodes "
        "in the server process", "2, at most the number of cores", "speech"))
    ps_free_lm: Annotated[Literal["domain", "general"], BeforeValidator(lower)] = Field("domain", **_help(
        "PocketSphinx's language model for free speech: `domain` (built from the skill's phrases) or "
        "`general` (its English model)", group="speech"))
    ps_garbage: float = Field(1e-55, gt=0, **_help(
        "PocketSphinx grammar garbage-loop probability (tuning)", group="speech"))
    ps_noisy_garbage: float = Field(1e-70, gt=0, **_help(
        "the same, for noisy audio (tuning)", group="speech"))
    ps_config: Annotated[dict, NoDecode, BeforeValidator(parse_options)] = Field({}, **_help(
        "extra PocketSphinx Decoder options, `beam=1e-60,topn=8` (tuning)", "unset", "speech"))
    cache_dir: Path | None = Field(None, **_help(
        "where the domain language model is cached", "`$XDG_CACHE_HOME/backpain`, else `~/.cache/backpain`",
        "speech"))
    # --- speaking ---
    tts_rate: int = Field(165, **_help("speaking rate, words per minute (80 to 400)", group="voice"))
    tts_voice: str = Field("", **_help(
        "a voice espeak-ng knows, e.g. `en-us`, `en-gb`, `en+f3` (`espeak-ng --voices=en`)",
        "espeak-ng's default", "voice"))

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        # the environment only through from_env(), so Settings(...) in a test is exactly what it says
        return (init_settings,)

    @model_validator(mode="after")
    def _checked(self) -> "Settings":
        from intents.model import InteractionModelError, load, locales

        if self.locale not in locales():
            raise ValueError(f"BACKPAIN_LOCALE: expected one of {', '.join(locales())}, not {self.locale!r}")
        if not self.emergency_number:
            try:
                number = load(self.locale).advice.emergency_number
            except InteractionModelError as exc:
                raise ValueError(f"BACKPAIN_LOCALE={self.locale}: {exc}") from exc
            object.__setattr__(self, "emergency_number", number)
        store = self.session_store
        if store not in ("memory", "sqlite") and not store.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"BACKPAIN_SESSION_STORE: expected memory, sqlite or redis://host:port/db, "
                             f"not {store!r}")
        if self.rate_burst is None:
            object.__setattr__(self, "rate_burst", max(1.0, 2 * self.rate_limit))
        object.__setattr__(self, "tts_rate", max(80, min(400, self.tts_rate)))
        return self

    @classmethod
    def from_env(cls, only: Iterable[str] | None = None, **overrides) -> "Settings":
        """The settings from the BACKPAIN_* variables that are set (and `overrides`, e.g.
        command-line options). `only`: read just these fields (the rest keep their defaults),
        so a command that needs the voice is not stopped by a bad rate limit. A bad value
        raises ConfigError with one line naming the variable."""
        by_alias = {variable(name): name for name in cls.model_fields}
        raw = {by_alias.get(key, key): value for key, value in EnvSettingsSource(cls)().items()}
        if only is not None:
            raw = {name: value for name, value in raw.items() if name in set(only)}
        try:
            return cls(**{**raw, **overrides})
        except ValidationError as exc:
            raise ConfigError(one_line(exc)) from None

    def replace(self, **changes) -> "Settings":
        """A copy with `changes`, checked like the original."""
        # only what was given: what the checks derive (the locale's number, the burst) is derived again
        data = {name: getattr(self, name) for name in self.model_fields_set}
        data.update(changes)
        return type(self)(**data)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser() if self.data_dir else default_data_dir()

    @cached_property  # derived once: the settings are frozen
    def asr(self) -> AsrSettings:
        return AsrSettings(
            choice=self.asr_choice, choice_is_default="asr_choice" not in self.model_fields_set,
            vosk_model=self.vosk_model.strip(), vosk_model_path=self.vosk_model_path.strip(),
            vosk_min_conf=self.vosk_min_conf, whisper_model=self.whisper_model.strip(),
            whisper_threads=self.whisper_threads, locale=self.locale, ps_config=dict(self.ps_config),
            ps_garbage=self.ps_garbage, ps_noisy_garbage=self.ps_noisy_garbage, ps_free_lm=self.ps_free_lm,
            cache_dir=Path(self.cache_dir).expanduser() if self.cache_dir else default_cache_dir(),
            workers=default_workers() if self.asr_workers is None else self.asr_workers)

    @cached_property
    def tts(self) -> TtsSettings:
        return TtsSettings(rate=self.tts_rate, voice=self.tts_voice.strip() or None)




def _group(name: str) -> tuple[str, ...]:
    return tuple(n for n, info in Settings.model_fields.items() if (info.json_schema_extra or {}).get("group") == name)


# what `backpain models` and `backpain say` read: a bad value elsewhere does not stop them
ASR_FIELDS = ("locale",) + _group("speech")
TTS_FIELDS = _group("voice")


def asr_from_env() -> AsrSettings:
    """The recogniser's part only (`backpain models`, the benchmarks)."""
    return Settings.from_env(only=ASR_FIELDS).asr


def tts_from_env() -> TtsSettings:
    """The voice's part only (`backpain say`)."""
    return Settings.from_env(only=TTS_FIELDS).tts


def variable(name: str) -> str:
    """The environment variable of a Settings field."""
    alias = Settings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else f"BACKPAIN_{name.upper()}"


def one_line(exc: ValidationError) -> str:
    err = exc.errors()[0]
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    if not err.get("loc"):  # a whole-object check: its message already names the variable
        return msg
    name = str(err["loc"][0])
    env = name if name.isupper() else variable(name) if name in Settings.model_fields else name
    kind, ctx = err.get("type"), err.get("ctx") or {}
    msg = {"int_parsing": "expected a whole number", "int_from_float": "expected a whole number",
           "float_parsing": "expected a number", "bool_parsing": "expected 1 or 0 (true/false, yes/no, on/off)",
           "greater_than_equal": f"expected at least {ctx.get('ge')}", "greater_than": f"expected more than {ctx.get('gt')}",
           "less_than_equal": f"expected at most {ctx.get('le')}"}.get(kind, msg.replace("Input should be", "expected"))
    value = err.get("input")
    shown = f", not {value!r}" if isinstance(value, str) and "not '" not in msg else ""
    return f"{env}: {msg}{shown}"
