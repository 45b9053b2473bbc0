"""Which recogniser runs: chosen once per process, shared by every request.

`auto` prefers Vosk only with an ENGLISH model (Vosk's large models are more accurate
than PocketSphinx, but a Korean model would turn every English answer into noise);
otherwise PocketSphinx, whose English model ships in its wheel. The choice is logged
once at start-up so an operator can see which engine answered.
"""

from __future__ import annotations

import os
import threading

from .base import Engine, ModelError, log

_ENGINE: Engine | None = None
_LOCK = threading.Lock()


def _english_vosk_dir():
    from .vosk_engine import candidate_model_dirs, guess_language, is_model_dir

    for p in candidate_model_dirs():
        q = p / "model" if (p / "model").is_dir() and not is_model_dir(p) else p
        if is_model_dir(q) and guess_language(q) == "en":
            return q
    return None


def make_engine(choice: str | None = None) -> Engine:
    """Build an engine now (no caching); `get_engine()` is what the service uses."""
    choice = (choice or os.environ.get("BACKPAIN_ASR", "auto")).strip().lower()
    if choice not in ("auto", "vosk", "pocketsphinx"):
        raise ValueError(f"BACKPAIN_ASR must be auto, vosk or pocketsphinx, not {choice!r}")
    if choice == "vosk":
        from .vosk_engine import VoskEngine, candidate_model_dirs

        explicit = os.environ.get("BACKPAIN_VOSK_MODEL")
        target = explicit or _english_vosk_dir() or next(iter(candidate_model_dirs()), None)
        if target is None:
            raise ModelError("BACKPAIN_ASR=vosk but no Vosk model was found; set BACKPAIN_VOSK_MODEL "
                             "to a model directory")
        return VoskEngine(target)
    if choice == "auto":
        explicit = os.environ.get("BACKPAIN_VOSK_MODEL")
        from .vosk_engine import VoskEngine, check_model_dir, guess_language

        target = None
        if explicit:
            p = check_model_dir(explicit)  # a wrong explicit path is an error, not a fallback
            lang = guess_language(p)
            if lang in ("en", None):
                target = p
            else:
                log.warning("BACKPAIN_VOSK_MODEL is a %s model; using PocketSphinx for English", lang)
        else:
            target = _english_vosk_dir()
        if target is not None:
            try:
                return VoskEngine(target)
            except ModelError as e:
                log.warning("Vosk model unusable (%s); falling back to PocketSphinx", e)
    from .pocketsphinx_engine import PocketSphinxEngine

    return PocketSphinxEngine()


def get_engine() -> Engine:
    """The process-wide engine, loaded on first use (thread-safe)."""
    global _ENGINE
    if _ENGINE is None:
        with _LOCK:
            if _ENGINE is None:
                eng = make_engine()
                log.info("speech recognition: %s (%s), loaded in %.1f s", eng.name, eng.model,
                         getattr(eng, "load_seconds", 0.0))
                _ENGINE = eng
    return _ENGINE


def reset_engine() -> None:
    """Forget the shared engine (tests, or after changing BACKPAIN_ASR)."""
    global _ENGINE
    with _LOCK:
        _ENGINE = None


def available_engines() -> list[dict]:
    """For `backpain models`: every engine/model found, whether usable, and which is in use."""
    from .vosk_engine import candidate_model_dirs, guess_language, check_model_dir

    in_use = _ENGINE
    rows: list[dict] = []
    try:
        from .pocketsphinx_engine import default_model_dir

        ps_dir = default_model_dir()
        ok = os.path.exists(os.path.join(ps_dir, "en-us", "mdef"))
        rows.append(dict(engine="pocketsphinx", model=ps_dir, language="en", found=True, usable=ok,
                         problem=None if ok else "acoustic model files missing"))
    except ImportError as e:
        rows.append(dict(engine="pocketsphinx", model=None, language="en", found=False, usable=False,
                         problem=f"pocketsphinx not installed: {e}"))
    for p in candidate_model_dirs():
        try:
            q = check_model_dir(p)
            rows.append(dict(engine="vosk", model=str(q), language=guess_language(q), found=True,
                             usable=True, problem=None))
        except ModelError as e:
            rows.append(dict(engine="vosk", model=str(p), language=None, found=p.exists(),
                             usable=False, problem=str(e)))
    for r in rows:
        r["in_use"] = bool(in_use and in_use.name == r["engine"]
                           and (r["model"] or "") in (in_use.model or ""))
        r["auto_choice"] = False
    english_vosk = next((r for r in rows if r["engine"] == "vosk" and r["usable"] and r["language"] == "en"), None)
    (english_vosk or rows[0])["auto_choice"] = True
    return rows
