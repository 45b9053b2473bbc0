"""`backpain say TEXT -o FILE.wav`: text to speech into a WAV file (or stdout with -o -).
It needs only how to speak (TtsSettings), so an unrelated bad variable does not stop it."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from voice.cli.shared import EXIT_UNAVAILABLE, EXIT_USAGE, err

NEEDS = "tts"


def unknown_voice(voice: str) -> bool:
    """espeak-ng knows the voice? (pyttsx3 silently keeps the default for a name it lacks.)"""
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if not exe:
        return False  # cannot check; synthesis will say
    probe = subprocess.run([exe, "-q", "-v", voice, "x"], capture_output=True, timeout=30)
    return probe.returncode != 0


def run(args: argparse.Namespace, tts) -> int:
    from voice.audio.tts import synthesize

    text = " ".join(args.text).strip()
    if not text:
        err("nothing to say: give the text to speak")
        return EXIT_USAGE
    if args.voice and unknown_voice(args.voice):
        err(f"unknown voice {args.voice!r}; `espeak-ng --voices=en` lists them (e.g. en-us, en-gb, en+f3)")
        return EXIT_USAGE
    try:
        wav = synthesize(text, rate=args.rate, voice=args.voice, tts=tts)
    except Exception as e:  # RuntimeError (no synthesiser), CalledProcessError (espeak-ng failed)
        err(f"could not synthesise speech: {e}")
        return EXIT_UNAVAILABLE
    if args.output == "-":
        sys.stdout.buffer.write(wav)
        sys.stdout.flush()
        return 0
    try:
        Path(args.output).write_bytes(wav)
    except OSError as e:
        err(f"{args.output}: cannot write it: {e.strerror or e}")
        return EXIT_USAGE
    print(f"wrote {args.output} ({len(wav)} bytes)", file=sys.stderr)
    return 0
