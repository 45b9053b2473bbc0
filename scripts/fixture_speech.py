"""Synthetic speech for the audio fixtures (scripts/make_audio_fixtures.py) and for tests that
need a fixture voice to say something new: the voices, the texts, synthesis, trimming, the
kitchen/TV noise bed and mixing at a measured SNR, WAV writing."""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

from voice.audio.wav import decode_wav, encode_wav

RATE = 16000

# What is said and by which voices: data, next to this script (tuples there are lists).
TEXTS = yaml.safe_load((Path(__file__).resolve().parent / "audio_fixture_texts.yaml").read_text(encoding="utf-8"))
VOICES = TEXTS["voices"]
HELDOUT_VOICES = TEXTS["heldout_voices"]
FESTIVAL_VOICES = TEXTS["festival_voices"]
YES_NO = TEXTS["yes_no"]
WEEKS = TEXTS["weeks"]
COMMANDS = TEXTS["commands"]
OUT_OF_GRAMMAR = TEXTS["out_of_grammar"]
OPENINGS = TEXTS["openings"]
HELDOUT_YES_NO = TEXTS["heldout_yes_no"]
HELDOUT_WEEKS = TEXTS["heldout_weeks"]
HELDOUT_OPENINGS = TEXTS["heldout_openings"]
DEV_YES_NO = TEXTS["dev_yes_no"]
DEV_WEEKS = TEXTS["dev_weeks"]
DEV_OPENINGS = TEXTS["dev_openings"]
KOREAN = TEXTS["korean"]
CONVERSATIONS = TEXTS["conversations"]
BABBLE_TEXT = TEXTS["babble_text"]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _run(cmd: list[str], stdin: str | None = None) -> None:
    subprocess.run(cmd, check=True, input=stdin.encode() if stdin is not None else None,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def synth_raw(voice: tuple[str, str, list[str]], text: str, path: str) -> None:
    tool, vid, extra = voice
    if tool == "flite":
        _run(["flite", "-voice", vid, "-t", text, "-o", path])
    elif tool == "espeak":
        _run(["espeak-ng", "-v", vid, *extra, "-w", path, text])
    elif tool == "festival":
        _run(["text2wave", "-eval", f"(voice_{vid})", "-o", path], text)
    elif tool == "pyttsx3":
        # a child process: espeak's C library keeps global state, so one process per voice
        code = (
            "import pyttsx3,sys,contextlib,io\n"
            "e=pyttsx3.init()\n"
            "e.setProperty('voice',sys.argv[1]); e.setProperty('rate',int(sys.argv[2]))\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    e.save_to_file(sys.argv[3],sys.argv[4]); e.runAndWait()\n"
        )
        _run([sys.executable, "-c", code, vid, extra[0], text, path])
    else:
        raise ValueError(tool)


def trim(x: np.ndarray, pad: float = 0.15) -> np.ndarray:
    """Cut leading/trailing silence down to `pad` seconds, as an endpointer would."""
    frame = RATE // 100
    n = len(x) // frame
    if n == 0:
        return x
    energy = np.sqrt((x[: n * frame].reshape(n, frame) ** 2).mean(axis=1))
    thr = max(energy.max() * 0.03, 1e-4)
    active = np.nonzero(energy > thr)[0]
    if active.size == 0:
        return x
    a = max(0, active[0] * frame - int(pad * RATE))
    b = min(len(x), (active[-1] + 1) * frame + int(pad * RATE))
    return x[a:b]


def speech_rms(x: np.ndarray) -> float:
    frame = RATE // 100
    n = len(x) // frame
    e = (x[: n * frame].reshape(n, frame) ** 2).mean(axis=1)
    active = e[e > e.max() * 0.01]
    return float(np.sqrt(active.mean())) if active.size else float(np.sqrt(e.mean()))


def synth(voice, text: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "a.wav")
        synth_raw(voice, text, p)
        for _ in range(2):  # pyttsx3 now and then ends without writing, or writes nothing: again
            if os.path.exists(p) and os.path.getsize(p) > 44:
                break
            synth_raw(voice, text, p)
        pcm = decode_wav(Path(p).read_bytes())
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    x = trim(x)
    peak = np.abs(x).max() or 1.0
    return x * (0.6 / peak)


def heldout_voices() -> dict:
    """The held-out voices; festival's only where it is installed (said on stderr)."""
    voices = dict(HELDOUT_VOICES)
    if shutil.which("text2wave"):
        voices.update(FESTIVAL_VOICES)
    else:
        print("festival (text2wave) not installed: held-out set without festival voices", file=sys.stderr)
    return voices


def make_noise_bed(seconds: float = 40.0) -> np.ndarray:
    """Room tone and appliances (brown + pink noise from sox) plus a TV (TTS babble)."""
    with tempfile.TemporaryDirectory() as d:
        beds = []
        for kind in ("brownnoise", "pinknoise"):
            p = os.path.join(d, kind + ".wav")
            _run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", p, "synth", str(seconds), kind])
            beds.append(np.frombuffer(decode_wav(Path(p).read_bytes()), "<i2").astype(np.float32) / 32768)
        n = int(seconds * RATE)
        babble = np.zeros(n, np.float32)
        voices = [("flite", "awb", []), ("espeak", "en+f4", []), ("flite", "slt", []), ("espeak", "en-us+m2", [])]
        for v, text in zip(voices, BABBLE_TEXT):
            s = synth(v, text)
            s = np.tile(s, int(np.ceil(n / len(s))))[:n]
            babble += np.roll(s, random.randrange(n))
    def unit(a):
        a = a[:n]
        return a / (np.sqrt((a ** 2).mean()) or 1.0)
    return unit(0.8 * unit(beds[0]) + 0.5 * unit(beds[1]) + 0.9 * unit(babble))


def add_noise(x: np.ndarray, bed: np.ndarray, snr_db: float, rng: random.Random) -> np.ndarray:
    start = rng.randrange(0, len(bed) - len(x) - 1)
    noise = bed[start:start + len(x)]
    scale = speech_rms(x) / (10 ** (snr_db / 20)) / (np.sqrt((noise ** 2).mean()) or 1.0)
    y = x + noise * scale
    peak = np.abs(y).max()
    return y * (0.95 / peak) if peak > 0.95 else y


def write(path: Path, x: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(x, -1, 32767 / 32768) * 32768).round().astype("<i2").tobytes()
    path.write_bytes(encode_wav(pcm, RATE))
