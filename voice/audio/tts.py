"""Speech out: text the skill says -> WAV bytes, through pyttsx3 (espeak-ng on Linux).

`prepare_for_speech` exists because synthesisers read what is written: "911" as
"nine hundred and eleven", "38 °C" as "38 degree sign C", "OB" as "ob". Advice that
is misread in an emergency is a safety problem, so phone numbers are spelt out digit by
digit and units are written as words. Ordinary numbers are left as digits: the
synthesiser reads those naturally ("38" -> "thirty-eight", "100.4" -> "one hundred
point four").

pyttsx3 drives one process-wide espeak instance, which is not re-entrant, so synthesis
is serialised with a lock. pyttsx3 prints "Audio saved to ..." on stdout, which would
corrupt `backpain chat --json`/`replay --json` output, so that print is swallowed. If
pyttsx3 cannot start (no libespeak), the espeak-ng command line is used instead.

The rate and voice come from the caller: explicit arguments, else the `TtsSettings` it
read at start (voice/config/settings.py: BACKPAIN_TTS_RATE/VOICE), else the defaults.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import wave

from voice.config import TtsSettings

_DIGITS = "zero one two three four five six seven eight nine".split()
# Numbers that are dialled, not counted (emergency and health lines of several countries).
SPOKEN_AS_DIGITS = {"911", "999", "112", "111", "000", "988", "811", "999", "101", "119", "995", "061"}

_LOCK = threading.Lock()
DEFAULT_RATE = TtsSettings().rate  # words per minute, when neither the caller nor the settings say


def _digits(s: str) -> str:
    return " ".join(_DIGITS[int(c)] for c in s if c.isdigit())


_REPLACEMENTS: list[tuple[re.Pattern, object]] = [
    (re.compile(r"(\d+(?:\.\d+)?)\s*°\s*C\b"), r"\1 degrees Celsius"),
    (re.compile(r"(\d+(?:\.\d+)?)\s*°\s*F\b"), r"\1 degrees Fahrenheit"),
    (re.compile(r"(\d+(?:\.\d+)?)\s*º\s*([CF])\b"), lambda m: f"{m.group(1)} degrees "
     + ("Celsius" if m.group(2) == "C" else "Fahrenheit")),
    (re.compile(r"°"), " degrees "),
    (re.compile(r"(\d+(?:\.\d+)?)\s*%"), r"\1 percent"),
    (re.compile(r"(\d+)\s*[-–—]\s*(\d+)(?=\s*(?:weeks?|days?|hours?|minutes?|times?|months?)\b)"), r"\1 to \2"),
    (re.compile(r"\b24/7\b"), "day and night"),
    (re.compile(r"\be\.g\.", re.I), "for example"),
    (re.compile(r"\bi\.e\.", re.I), "that is"),
    (re.compile(r"\betc\.", re.I), "and so on"),
    (re.compile(r"\bvs\.?\b", re.I), "versus"),
    (re.compile(r"&"), " and "),
    (re.compile(r"\bOB/GYN\b", re.I), "O B G Y N"),
    (re.compile(r"\bOB-?GYN\b", re.I), "O B G Y N"),
    (re.compile(r"\bOB\b"), "O B"),
    (re.compile(r"\bER\b"), "E R"),
    (re.compile(r"\bA&E\b"), "A and E"),
    (re.compile(r"\bGP\b"), "G P"),
    (re.compile(r"\bNHS\b"), "N H S"),
    (re.compile(r"\bhrs?\b"), "hours"),
    (re.compile(r"\bmins?\b"), "minutes"),
    (re.compile(r"\bwks?\b"), "weeks"),
]
# Phone numbers: 3-digit service numbers, and digit groups joined by spaces/dashes/dots.
_PHONE = re.compile(r"(?<![\d.])(\+?\d[\d\-. ]{5,}\d|\d{3})(?![\d.]|\s*°)")


def _phone(m: re.Match) -> str:
    s = m.group(0)
    digits = re.sub(r"\D", "", s)
    if len(digits) == 3:
        return _digits(digits) if digits in SPOKEN_AS_DIGITS or digits.startswith("0") else s
    if not re.search(r"[\-. ]", s.strip()) and len(digits) < 7:
        return s  # a plain large number such as 12000 is a quantity, not a phone number
    if " " in s.strip() and not re.search(r"[\-.]", s) and len(digits) < 7:
        return s  # "12 15" is two numbers
    return (", ".join(_digits(g) for g in re.split(r"[\-. ]+", s.strip("+")) if g)
            + ("" if not s.startswith("+") else ""))


def prepare_for_speech(text: str) -> str:
    """Rewrite text so a synthesiser says it the way a person would (see module docstring)."""
    out = text.replace("\u00a0", " ")
    for pat, rep in _REPLACEMENTS:
        out = pat.sub(rep, out)
    out = _PHONE.sub(_phone, out)
    out = re.sub(r"\s{2,}", " ", out)
    return out.strip()


def _rate_and_voice(rate: int | None, voice: str | None, tts: TtsSettings | None) -> tuple[int, str | None]:
    """Explicit arguments win over the settings; the rate is kept to what espeak says clearly."""
    tts = tts or TtsSettings()
    rate = tts.rate if rate is None else rate
    voice = voice if voice is not None else tts.voice
    return max(80, min(400, int(rate))), voice


_engine = None
_default_voice: str | None = None


def _drop_engine() -> None:
    global _engine
    _engine = None


def _pyttsx3_to_file(text: str, path: str, rate: int, voice: str | None) -> None:
    global _engine, _default_voice
    import pyttsx3

    if _engine is None:
        _engine = pyttsx3.init()
        _default_voice = _engine.getProperty("voice")
        # The espeak driver prints "Audio saved to ..." from espeak's callback thread, and on
        # a fresh engine's first long text that happens after runAndWait has returned, outside
        # the redirect below (it corrupted `replay --json --speak-to` output). Silence it at
        # the source; the redirect stays for other drivers.
        driver_module = sys.modules.get("pyttsx3.drivers.espeak")
        if driver_module is not None:
            driver_module.print = lambda *args, **kwargs: None
        atexit.register(_drop_engine)  # tear down while modules exist (else __del__ errors at exit)
    e = _engine
    # The voice is set on every call, then the rate (selecting a voice resets the rate).
    # Set directly on the driver (immediate espeak calls) rather than through pyttsx3's
    # command queue, whose espeak driver starts synthesis before applying queued
    # properties: rate 110 and 260 gave identical lengths through the queue.
    drv = getattr(getattr(e, "proxy", None), "_driver", None)
    target = drv if drv is not None else e
    target.setProperty("voice", voice or _default_voice)
    target.setProperty("rate", rate)
    with contextlib.redirect_stdout(io.StringIO()):
        e.save_to_file(text, path)
        e.runAndWait()


def _espeak_to_file(text: str, path: str, rate: int, voice: str | None) -> None:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    if not exe:
        raise RuntimeError("no speech synthesiser: install espeak-ng (scripts/install-system-deps.sh)")
    cmd = [exe, "-s", str(rate), "-w", path]
    if voice:
        cmd += ["-v", voice]
    subprocess.run(cmd + ["--", text], check=True, capture_output=True, timeout=60)


def _complete_wav(data: bytes) -> bool:
    """A whole WAV file: espeak's callback thread can still be writing after runAndWait."""
    try:
        with wave.open(io.BytesIO(data)) as w:
            frames = w.getnframes()
            body = w.readframes(frames)
            return frames > 0 and len(body) == frames * w.getsampwidth() * w.getnchannels()
    except (wave.Error, EOFError):
        return False


def synthesize(text: str, *, rate: int | None = None, voice: str | None = None,
               tts: TtsSettings | None = None) -> bytes:
    """WAV bytes (16-bit mono, the synthesiser's rate) of `text` read aloud, at `rate` words
    per minute in `voice` (None: those of `tts`, the caller's settings)."""
    rate, voice = _rate_and_voice(rate, voice, tts)
    spoken = prepare_for_speech(text) or "."
    with _LOCK, tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "speech.wav")
        try:
            _pyttsx3_to_file(spoken, path, rate, voice)
            data = open(path, "rb").read() if os.path.exists(path) else b""
        except Exception:
            data = b""
        if not _complete_wav(data):  # pyttsx3 unavailable, or its file still being written: fall back
            path = os.path.join(d, "speech-cli.wav")  # never the file espeak's thread may still write
            _espeak_to_file(spoken, path, rate, voice)
            data = open(path, "rb").read()
    return data


def list_voices() -> list[dict]:
    """Voices pyttsx3 can use, for BACKPAIN_TTS_VOICE."""
    import pyttsx3

    with _LOCK:
        global _engine
        if _engine is None:
            _engine = pyttsx3.init()
        return [dict(id=v.id, name=v.name, languages=list(v.languages or [])) for v in _engine.getProperty("voices")]
