"""The settings of `backpain`: read once, after parsing, and only the part a command uses,
so a bad unrelated variable stops the commands that need it (one line naming it, exit 2)
and no other."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import wave

from benchmarks.server import REPO, clean_env
from voice.cli import build_parser
from voice.cli.models import why
from voice.cli.serve import bind_address
from voice.config import AsrSettings, Settings


def backpain(*args, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice.cli", *map(str, args)], cwd=REPO, env=clean_env(**env),
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_say_and_help_do_not_read_the_unrelated_settings(tmp_path):
    out = tmp_path / "x.wav"
    r = backpain("say", "hi", "-o", out, BACKPAIN_RATE_LIMIT="bogus")
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:4] == b"RIFF"
    r = backpain("--help", BACKPAIN_RATE_LIMIT="bogus", BACKPAIN_PORT="eighty")
    assert r.returncode == 0 and "serve" in r.stdout


def test_models_reads_only_the_recogniser_settings(tmp_path):
    r = backpain("models", "--json", HOME=str(tmp_path), BACKPAIN_ASR="pocketsphinx", BACKPAIN_RATE_LIMIT="bogus")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["choice"] == "pocketsphinx" and info["in_use"]["engine"] == "pocketsphinx"


def test_serve_refuses_a_bad_variable_in_one_line():
    r = backpain("serve", BACKPAIN_RATE_LIMIT="bogus")
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        "error: BACKPAIN_RATE_LIMIT: expected a rate such as 20/s or 600/min, or off, not 'bogus'"]


def test_say_speaks_at_the_settings_rate_unless_one_is_given(tmp_path):
    """BACKPAIN_TTS_RATE reaches the synthesiser through TtsSettings; --rate wins over it.
    (One process per WAV: within one process pyttsx3 does not reliably take a new rate.)"""
    def seconds(*args, **env) -> float:
        out = tmp_path / "speech.wav"
        r = backpain("say", "Call your midwife today if the pain comes with a fever.", "-o", out, *args, **env)
        assert r.returncode == 0, r.stderr
        with wave.open(io.BytesIO(out.read_bytes())) as w:
            return w.getnframes() / w.getframerate()

    slow = seconds(BACKPAIN_TTS_RATE="110")
    assert slow > seconds(BACKPAIN_TTS_RATE="260") * 1.5
    assert slow > seconds("--rate", "260", BACKPAIN_TTS_RATE="110") * 1.5


def test_a_bad_tts_rate_stops_say_with_one_line(tmp_path):
    r = backpain("say", "hi", "-o", tmp_path / "x.wav", BACKPAIN_TTS_RATE="fast")
    assert r.returncode == 2 and len(r.stderr.splitlines()) == 1 and "BACKPAIN_TTS_RATE" in r.stderr
    assert not (tmp_path / "x.wav").exists()


def test_serve_address_given_wins_over_the_settings():
    parse = build_parser().parse_args
    settings = Settings(host="0.0.0.0", port=9000)
    assert bind_address(parse(["serve"]), settings) == ("0.0.0.0", 9000)
    assert bind_address(parse(["serve", "--host", "127.0.0.1"]), settings) == ("127.0.0.1", 9000)
    assert bind_address(parse(["serve", "--port", "8000"]), settings) == ("0.0.0.0", 8000)


def test_models_says_why_from_the_recogniser_settings():
    asked = AsrSettings(choice="pocketsphinx", choice_is_default=False)
    assert why(asked, None, [], None) == "BACKPAIN_ASR=pocketsphinx asks for PocketSphinx."
    assert why(AsrSettings(), None, [], "no model").startswith("BACKPAIN_ASR=auto (the default), but it cannot")
