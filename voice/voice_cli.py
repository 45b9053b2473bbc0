"""Voice commands of `backpain`: replay, listen, say, models (interface.md, "Command line").

    backpain replay A.wav B.wav ... [--json] [--speak-to DIR] [--weeks N]
    backpain listen [--input FILE.wav] [--weeks N]
    backpain say TEXT -o FILE.wav [--rate N] [--voice V]
    backpain models [--json]

Conversations here run in this process on an in-memory session store: nothing said is
written anywhere except where the person asks (--speak-to, -o). Exit status: 0 done,
1 speech recognition/synthesis unavailable, 2 bad arguments or audio files, 3 no
microphone (listen), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

EXIT_UNAVAILABLE, EXIT_USAGE, EXIT_NO_DEVICE = 1, 2, 3


def _err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


# --- shared pieces ---------------------------------------------------------------------------

def _service():
    """A SkillService on a fresh in-memory store (voice runs keep nothing on disk)."""
    from dataclasses import replace

    from voice.config import Settings
    from voice.service import SkillService
    from voice.sessions import MemoryStore

    settings = replace(Settings.from_env(), session_store="memory")
    return SkillService(settings, store=MemoryStore(ttl=settings.session_ttl, lock_timeout=settings.lock_timeout))


def _load_engine():
    """The shared engine, announced once on stderr; None (after saying why) when unavailable."""
    from voice.asr import ModelError, get_engine

    logging.getLogger("voice.asr").setLevel(logging.WARNING)  # we announce it ourselves
    try:
        engine = get_engine()
    except (ModelError, ValueError, ImportError, OSError) as e:
        _err(f"speech recognition unavailable: {e}  (see `backpain models`)")
        return None
    print(f"speech recognition: {engine.name} ({engine.model})", file=sys.stderr, flush=True)
    return engine


def _reply_line(reply, audio_turn: bool) -> str:
    body = reply.model_dump(mode="json")
    if not audio_turn:
        body.pop("transcript", None)  # the greeting was not an audio turn
    return json.dumps(body, ensure_ascii=False)


def _you(transcript: str) -> str:
    return f"you: {transcript}" if transcript else "you: [nothing recognised]"


class _Speech:
    """Synthesis with a per-run cache (the advice repeats verbatim after it is given)."""

    def __init__(self, rate=None, voice=None):
        self.rate, self.voice = rate, voice
        self._cache: dict[str, bytes] = {}

    def wav(self, text: str) -> bytes:
        from voice.tts import synthesize

        if text not in self._cache:
            self._cache[text] = synthesize(text, rate=self.rate, voice=self.voice)
        return self._cache[text]


# --- replay ------------------------------------------------------------------------------------

def _read_all(paths: list[str]) -> list[bytes] | None:
    """Every file decoded up front, so a bad one stops the run before the conversation starts."""
    from voice.audio import AudioError, read_wav_file

    out, bad = [], 0
    for p in paths:
        try:
            out.append(read_wav_file(p))
        except AudioError as e:
            _err(f"{p}: {e.message}")
            bad += 1
        except IsADirectoryError:
            _err(f"{p}: is a directory, not a WAV file")
            bad += 1
        except OSError as e:
            _err(f"{p}: cannot read it: {e.strerror or e}")
            bad += 1
    return None if bad else out


def _replay(args: argparse.Namespace) -> int:
    from voice.asr import hear

    pcms = _read_all(args.files)
    if pcms is None:
        return EXIT_USAGE
    out_dir = None
    if args.speak_to:
        out_dir = Path(args.speak_to)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            _err(f"--speak-to {out_dir}: cannot create the folder: {e.strerror or e}")
            return EXIT_USAGE
    engine = _load_engine()
    if engine is None:
        return EXIT_UNAVAILABLE
    service = _service()
    service.set_asr_engine(engine.name, engine.model)
    speech = _Speech()

    def show(reply, n: int, transcript: str | None) -> None:
        if args.json:
            print(_reply_line(reply, transcript is not None), flush=True)
        else:
            if transcript is not None:
                print(_you(transcript), flush=True)
            print(f"skill: {reply.say}", flush=True)
        if out_dir is not None:
            name = "00-greeting.wav" if n == 0 else f"{n:02d}-reply.wav"
            (out_dir / name).write_bytes(speech.wav(reply.say))

    try:
        reply = service.start(args.weeks)
        show(reply, 0, None)
        for n, pcm in enumerate(pcms, start=1):
            heard = hear(engine, pcm, reply.expecting, reply.asking)
            transcript = heard.text
            reply = service.turn(reply.session_id, transcript, transcript=transcript, engine=engine.name,
                                 alternatives=heard.alternatives, confident=heard.confident)
            show(reply, n, transcript)
            if args.until_done and reply.done:
                left = len(pcms) - n
                if left:
                    print(f"(advice given; {left} remaining file(s) not used)", file=sys.stderr, flush=True)
                break
    except OSError as e:  # writing --speak-to files (disk full, permissions)
        _err(f"cannot write speech: {e.strerror or e}")
        return EXIT_UNAVAILABLE
    except RuntimeError as e:  # no synthesiser
        _err(str(e))
        return EXIT_UNAVAILABLE
    return 0


# --- listen ------------------------------------------------------------------------------------

class _Speaker:
    """Plays replies; on a machine without speakers it says so once and carries on in text."""

    def __init__(self, speech: _Speech, enabled: bool = True):
        self.speech, self.enabled = speech, enabled

    def say(self, text: str) -> None:
        print(f"skill: {text}", flush=True)
        if not self.enabled:
            return
        from voice.microphone import MicrophoneError, play_wav

        try:
            play_wav(self.speech.wav(text))
        except (MicrophoneError, RuntimeError, OSError) as e:
            print(f"(cannot play speech, continuing in text only: {e})", file=sys.stderr, flush=True)
            self.enabled = False


def _file_frames(pcm: bytes, frame_bytes: int):
    """A recording as microphone-sized frames; a short last frame marks the end."""
    pcm = pcm + b"\x00\x00" * 8000  # half a second of quiet so the last utterance ends
    for i in range(0, len(pcm) - frame_bytes + 1, frame_bytes):
        yield pcm[i:i + frame_bytes]
    yield b""


def _listen(args: argparse.Namespace) -> int:
    from voice.asr import hear
    from voice.microphone import MicrophoneError, listen_once, require_device, utterances

    source = None
    if args.input:
        pcms = _read_all([args.input])
        if pcms is None:
            return EXIT_USAGE
        from pocketsphinx import Endpointer

        source = utterances(_file_frames(pcms[0], Endpointer(sample_rate=16000).frame_bytes))
    else:
        try:
            device = require_device("input")
        except MicrophoneError as e:
            _err(f"{e}. `backpain listen` needs a microphone; connect one (and install libportaudio2), "
                 "or use `backpain listen --input FILE.wav`, `backpain replay` or `backpain chat`.")
            return EXIT_NO_DEVICE
        print(f"microphone: {device}", file=sys.stderr, flush=True)
    engine = _load_engine()
    if engine is None:
        return EXIT_UNAVAILABLE
    service = _service()
    service.set_asr_engine(engine.name, engine.model)
    speaker = _Speaker(_Speech(), enabled=not args.no_speech)
    silences = 0
    try:
        reply = service.start(args.weeks)
        speaker.say(reply.say)
        # from the microphone it listens on after the advice ("more", "is paracetamol ok?",
        # a correction) until the person says nothing; a recording ends at the advice
        while not reply.done or source is None:
            if source is not None:
                pcm = next(source, None)
                if pcm is None:
                    print("(end of the input recording)", file=sys.stderr, flush=True)
                    return 0
            else:
                print("(listening...)", file=sys.stderr, flush=True)
                pcm = listen_once(timeout=args.timeout)
                if pcm is None and reply.done:
                    return 0
            if pcm is None:
                silences += 1
                if silences >= 3:
                    speaker.say("I haven't heard anything for a while, so I'll stop here. "
                                "Start me again whenever you're ready.")
                    return 0
                heard = hear(engine, b"", reply.expecting, reply.asking)
            else:
                silences = 0
                heard = hear(engine, pcm, reply.expecting, reply.asking)
            print(_you(heard.text), flush=True)
            reply = service.turn(reply.session_id, heard.text, transcript=heard.text, engine=engine.name,
                                 alternatives=heard.alternatives, confident=heard.confident)
            speaker.say(reply.say)
    except MicrophoneError as e:
        _err(str(e))
        return EXIT_NO_DEVICE
    return 0


# --- say ---------------------------------------------------------------------------------------

def _unknown_voice(voice: str) -> bool:
    """espeak-ng knows the voice? (pyttsx3 silently keeps the default for a name it lacks.)"""
    import shutil
    import subprocess

    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if not exe:
        return False  # cannot check; synthesis will say
    probe = subprocess.run([exe, "-q", "-v", voice, "x"], capture_output=True, timeout=30)
    return probe.returncode != 0


def _say(args: argparse.Namespace) -> int:
    from voice.tts import synthesize

    text = " ".join(args.text).strip()
    if not text:
        _err("nothing to say: give the text to speak")
        return EXIT_USAGE
    if args.voice and _unknown_voice(args.voice):
        _err(f"unknown voice {args.voice!r}; `espeak-ng --voices=en` lists them (e.g. en-us, en-gb, en+f3)")
        return EXIT_USAGE
    try:
        wav = synthesize(text, rate=args.rate, voice=args.voice)
    except Exception as e:  # RuntimeError (no synthesiser), CalledProcessError (espeak-ng failed)
        _err(f"could not synthesise speech: {e}")
        return EXIT_UNAVAILABLE
    if args.output == "-":
        sys.stdout.buffer.write(wav)
        sys.stdout.flush()
        return 0
    try:
        Path(args.output).write_bytes(wav)
    except OSError as e:
        _err(f"{args.output}: cannot write it: {e.strerror or e}")
        return EXIT_USAGE
    print(f"wrote {args.output} ({len(wav)} bytes)", file=sys.stderr)
    return 0


# --- models ------------------------------------------------------------------------------------

def _why(choice: str, engine, rows: list[dict], problem: str | None) -> str:
    explicit = os.environ.get("BACKPAIN_VOSK_MODEL", "").strip()
    set_by = f"BACKPAIN_ASR={choice}" + (" (the default)" if "BACKPAIN_ASR" not in os.environ else "")
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


def _models(args: argparse.Namespace) -> int:
    from voice.asr import ModelError, available_engines, get_engine

    logging.getLogger("voice.asr").setLevel(logging.WARNING)
    choice = os.environ.get("BACKPAIN_ASR", "auto").strip().lower() or "auto"
    engine, problem = None, None
    try:
        engine = get_engine()  # what the service would use, really loaded
    except (ModelError, ValueError, ImportError, OSError) as e:
        problem = str(e)
    rows = available_engines()
    why = _why(choice, engine, rows, problem)
    in_use = None if engine is None else {"engine": engine.name, "model": engine.model}
    if args.json:
        print(json.dumps({"choice": choice, "in_use": in_use, "why": why, "engines": rows}, indent=2))
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
    print(f"Why: {why}")
    print("Choose with BACKPAIN_ASR=auto|vosk|whisper|pocketsphinx, BACKPAIN_WHISPER_MODEL=/path/to/ctranslate2-"
          "whisper-model and BACKPAIN_VOSK_MODEL=/path/to/model. Vosk models are "
          "looked for in BACKPAIN_VOSK_MODEL, VOSK_MODEL_PATH, ~/.cache/vosk, ~/.local/share/vosk, /usr/share/vosk "
          "and installed vosk-model-* packages.")
    return 0 if engine is not None else EXIT_UNAVAILABLE


# --- registration ----------------------------------------------------------------------------

def add_voice_commands(sub) -> None:
    """Called by voice.cli.build_parser with its subparsers."""
    from voice.cli import weeks_argument  # here: voice.cli imports this module lazily too
    replay = sub.add_parser(
        "replay", help="a voice conversation from WAV files, one file per spoken turn",
        description="Each WAV file is the person's next spoken turn: it is recognised with the grammar "
                    "of the question being asked, and the skill answers. Prints 'you:' and 'skill:' "
                    "lines (or one JSON Reply per line with --json).")
    replay.add_argument("files", nargs="+", metavar="FILE.wav", help="the turns, in order")
    replay.add_argument("--json", action="store_true", help="print every reply as one JSON line (audio turns carry transcript)")
    replay.add_argument("--speak-to", metavar="DIR", help="write the skill's speech per turn as WAV files "
                                                          "(00-greeting.wav, 01-reply.wav, ...)")
    replay.add_argument("--weeks", type=weeks_argument, help="weeks of pregnancy, if known")
    replay.add_argument("--until-done", action="store_true", help="stop at the advice, leaving later files unused")
    replay.set_defaults(func=_replay)

    listen = sub.add_parser(
        "listen", help="hands-free: microphone in, speech out, until the advice is given",
        description="Greets you, listens for each answer (it notices when you stop speaking), and speaks "
                    "the reply, until the advice is given. Say 'repeat' to hear a question again, 'stop' "
                    "to end. Needs a microphone, unless --input is given.")
    listen.add_argument("--input", metavar="FILE.wav", help="take the spoken turns from this recording "
                                                            "(utterances separated by pauses) instead of the microphone")
    listen.add_argument("--weeks", type=weeks_argument, help="weeks of pregnancy, if known")
    listen.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS",
                        help="how long to wait for an answer before asking again (default 15)")
    listen.add_argument("--no-speech", action="store_true", help="print the replies instead of speaking them")
    listen.set_defaults(func=_listen)

    say = sub.add_parser("say", help="text to speech into a WAV file")
    say.add_argument("text", nargs="+", metavar="TEXT", help="what to say")
    say.add_argument("-o", "--output", required=True, metavar="FILE.wav", help="where to write the WAV ('-': stdout)")
    say.add_argument("--rate", type=int, metavar="N", help="words per minute, 80-400 (default BACKPAIN_TTS_RATE or 165)")
    say.add_argument("--voice", metavar="V", help="voice id, e.g. en-us or en+f3 (default BACKPAIN_TTS_VOICE)")
    say.set_defaults(func=_say)

    models = sub.add_parser("models", help="the speech recognition engines and models found, and which one is in use")
    models.add_argument("--json", action="store_true", help="machine-readable output")
    models.set_defaults(func=_models)
