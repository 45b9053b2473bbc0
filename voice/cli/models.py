"""`backpain models`: the speech recognition engines and models found, which one is in use,
and why. It needs only which recogniser was asked for (AsrSettings)."""

from __future__ import annotations

import argparse
import json
import logging

from voice.cli.shared import EXIT_UNAVAILABLE

NEEDS = "asr"


def why(asr, engine, rows: list[dict], problem: str | None) -> str:
    """Why this engine (or none) is used, in the terms of the variables that chose it."""
    choice, explicit = asr.choice, asr.vosk_model
    set_by = f"BACKPAIN_ASR={choice}" + (" (the default)" if asr.choice_is_default else "")
    if problem:
        return f"{set_by}, but it cannot be used: {problem}"
    own = getattr(engine, "why", "")  # voice.asr.select says why it chose the engine
    if own and (engine.name == "whisper" or choice == "auto"):
        return own
    if choice == "pocketsphinx":
        return f"{set_by} asks for PocketSphinx."
    if choice == "vosk":
        how = "BACKPAIN_VOSK_MODEL" if explicit else "the first Vosk model found (an English one preferred)"
        lang = getattr(engine, "language", None)
        warn = (f" Warning: it is a {lang} model and this skill speaks English, so English answers will not "
                "be understood; unset BACKPAIN_ASR or point BACKPAIN_VOSK_MODEL at an English model."
                if engine is not None and lang not in ("en", None) else "")
        return f"{set_by} asks for Vosk; the model is {how}.{warn}"
    if engine is not None and engine.name == "vosk":
        how = "BACKPAIN_VOSK_MODEL names it" if explicit else "one was found"
        return f"{set_by}: an English Vosk model is used when there is one, and {how}."
    others = [r for r in rows if r["engine"] == "vosk" and r["usable"] and r["language"] != "en"]
    if explicit and others and any(r["model"] and explicit.rstrip("/") in r["model"] for r in others):
        return (f"{set_by}: BACKPAIN_VOSK_MODEL is not an English model, and this skill speaks English, "
                "so PocketSphinx's English model (it ships with PocketSphinx) is used.")
    english = [r for r in rows if r["engine"] == "vosk" and r["language"] == "en"]
    if english:
        return f"{set_by}: the English Vosk model could not be loaded, so PocketSphinx is used (see the warning above)."
    tail = (" (models found in other languages are not used: "
            + ", ".join(r["language"] or "unknown" for r in others) + ")") if others else ""
    return (f"{set_by}: Vosk is used only with an English model and none was found{tail}, so PocketSphinx "
            "(its English model ships with it) is used. For Vosk, download an English model "
            "(e.g. vosk-model-small-en-us-0.15) into ~/.cache/vosk or set BACKPAIN_VOSK_MODEL.")


def run(args: argparse.Namespace, asr) -> int:
    from voice.asr import ModelError, available_engines, get_engine

    logging.getLogger("voice.asr").setLevel(logging.WARNING)
    engine, problem = None, None
    try:
        engine = get_engine(asr)  # what the service would use, really loaded
    except (ModelError, ValueError, ImportError, OSError) as e:
        problem = str(e)
    rows = available_engines(asr)
    reason = why(asr, engine, rows, problem)
    in_use = None if engine is None else {"engine": engine.name, "model": engine.model}
    if args.json:
        print(json.dumps({"choice": asr.choice, "in_use": in_use, "why": reason, "engines": rows}, indent=2))
        return 0 if engine is not None else EXIT_UNAVAILABLE
    print("Speech recognition engines and models found:")
    for r in rows:
        lang = r["language"] or "?"
        state = "usable" if r["usable"] else f"not usable: {r['problem']}"
        if r["engine"] == "whisper" and r.get("size_mb") is not None:  # size and hash check
            state += f", {r['size_mb']} MB, hash {r['hash_check']}"
        notes = []
        if r["in_use"]:
            notes.append("IN USE")
        elif r["engine"] == "vosk" and r["usable"] and lang != "en":
            notes.append("not English, so not used")
        mark = "*" if r["in_use"] else " "
        print(f" {mark} {r['engine']:<13} {lang:<3} {state:<8} {r['model'] or '-'}"
              + (f"  ({', '.join(notes)})" if notes else ""))
    print(f"In use: {engine.name} - {engine.model}" if engine else "In use: none")
    print(f"Why: {reason}")
    print("Choose with BACKPAIN_ASR=auto|vosk|whisper|pocketsphinx, BACKPAIN_WHISPER_MODEL=/path/to/ctranslate2-"
          "whisper-model and BACKPAIN_VOSK_MODEL=/path/to/model. Vosk models are "
          "looked for in BACKPAIN_VOSK_MODEL, VOSK_MODEL_PATH, ~/.cache/vosk, ~/.local/share/vosk, /usr/share/vosk "
          "and installed vosk-model-* packages.")
    return 0 if engine is not None else EXIT_UNAVAILABLE
