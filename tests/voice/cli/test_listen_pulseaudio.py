"""`backpain listen` through a real audio path: a PulseAudio server started here, a
virtual microphone fed with fixture speech (module-pipe-source), the skill's speech played
into a null sink whose monitor is recorded. PortAudio (sounddevice) reaches it through
ALSA's pulse plugin, as on a desktop. The person answers each question when the skill
says it is listening; one question gets silence, one gets "repeat", and after the advice
"more".
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from benchmarks.server import REPO, clean_env

from asr_support import FIXTURES
RATE = 16000
CHUNK = RATE // 50  # 20 ms


def _pcm(path: Path) -> bytes:
    with wave.open(str(path)) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        return w.readframes(w.getnframes())


def _spoken(text: str, tmp: Path) -> bytes:
    """A short phrase no fixture has ("tell me more"), spoken by espeak-ng at 16 kHz."""
    raw, out = tmp / "raw.wav", tmp / "said.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
    return _pcm(out)


@pytest.fixture()
def pulse(tmp_path):
    for tool in ("pulseaudio", "pactl", "parec"):
        assert shutil.which(tool), f"{tool} missing: scripts/install-system-deps.sh --test installs it"
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    # PortAudio speaks ALSA; ALSA's default device becomes the PulseAudio server
    (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    fifo = tmp_path / "mic.fifo"
    env = {**clean_env(), "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
           "PULSE_RUNTIME_PATH": str(runtime / "pulse")}
    server = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit",
         "--log-target=stderr", "-L", "module-native-protocol-unix",
         "-L", "module-null-sink sink_name=speaker",
         "-L", f"module-pipe-source source_name=mic file={fifo} format=s16le rate={RATE} channels=1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            pytest.fail("PulseAudio did not start: " + server.stderr.read1(4000).decode(errors="replace"))
        subprocess.run(["pactl", "set-default-source", "mic"], env=env, check=True)
        subprocess.run(["pactl", "set-default-sink", "speaker"], env=env, check=True)
        yield env, fifo
    finally:
        server.terminate()
        server.wait(timeout=10)


class Microphone:
    """Writes speech into the pipe source at real time, silence in between."""

    def __init__(self, fifo: Path):
        self.said: queue.Queue[bytes] = queue.Queue()
        self._stop = threading.Event()
        self._fifo = open(fifo, "wb", buffering=0)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def say(self, pcm: bytes) -> None:
        self.said.put(b"\0\0" * (RATE // 2) + pcm + b"\0\0" * RATE)

    def _run(self) -> None:
        pending, start, sent = b"", time.monotonic(), 0
        while not self._stop.is_set():
            if not pending:
                try:
                    pending = self.said.get_nowait()
                except queue.Empty:
                    pending = b""
            chunk, pending = (pending[:CHUNK * 2], pending[CHUNK * 2:]) if pending else (b"\0\0" * CHUNK, b"")
            try:
                self._fifo.write(chunk.ljust(CHUNK * 2, b"\0"))
            except (BrokenPipeError, OSError):
                return
            sent += CHUNK
            time.sleep(max(0.0, start + sent / RATE - time.monotonic()))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._fifo.close()


def test_a_whole_spoken_conversation_through_a_microphone(pulse, tmp_path):
    env, fifo = pulse
    record = tmp_path / "played.raw"
    recorder = subprocess.Popen(["parec", "--device=speaker.monitor", "--format=s16le", f"--rate={RATE}",
                                 "--channels=1", "--raw", str(record)], env=env)
    no = _pcm(FIXTURES / "yesno" / "no__flite-kal.wav")
    script = [
        _pcm(FIXTURES / "opening" / "my-lower-back-aches-when-i-stand__flite-awb.wav"),
        _pcm(FIXTURES / "command" / "repeat__espeak-en-us.wav"),
        no,
        None,  # silence: the question is asked again
    ]
    more = _spoken("tell me more", tmp_path)
    mic = Microphone(fifo)
    listen = subprocess.Popen(
        [sys.executable, "-m", "voice.cli", "listen", "--weeks", "30", "--timeout", "6"],
        env={**env, "BACKPAIN_ASR": "pocketsphinx", "BACKPAIN_DATA_DIR": str(tmp_path / "data")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    out_lines: list[str] = []
    err_lines: list[str] = []

    def person():
        """Answers each time the skill starts listening (it has finished speaking): the
        script, then "no" to every question, "tell me more" after the advice, then nothing."""
        more_said = False
        for line in listen.stderr:
            err_lines.append(line)
            if not line.startswith("(listening...)"):
                continue
            time.sleep(0.3)  # the reply's stdout line comes through its own pipe
            last = next((o for o in reversed(out_lines) if o.startswith("skill:")), "")
            if more_said:
                continue  # silence after "more": the conversation ends
            if "Say more" in last:
                mic.say(more)
                more_said = True
            elif script:
                answer = script.pop(0)
                if answer is not None:
                    mic.say(answer)
            else:
                mic.say(no)

    threading.Thread(target=person, daemon=True).start()
    try:
        deadline = time.monotonic() + 480
        for line in listen.stdout:
            out_lines.append(line.rstrip())
            assert time.monotonic() < deadline, "\n".join(out_lines + err_lines)
        assert listen.wait(timeout=60) == 0, "".join(err_lines)
    finally:
        if listen.poll() is None:
            listen.kill()
        mic.close()
        recorder.terminate()
        recorder.wait(timeout=10)
    said = "\n".join(out_lines)
    heard = [line for line in out_lines if line.startswith("you:")]
    assert heard[0].startswith("you: my lower back"), said
    assert any("repeat" in h for h in heard), said
    skill = [line for line in out_lines if line.startswith("skill:")]
    # the repeated question is the one asked before it; silence asks the same again
    bleeding = [s for s in skill if "bleeding" in s and s.rstrip().endswith("?")]
    assert len(bleeding) >= 2, said
    advice = [i for i, s in enumerate(skill) if "Say more" in s]
    assert advice and "warning signs" in skill[advice[0]], said
    assert len(skill) > advice[0] + 1 and skill[-1] != skill[advice[0]], "'more' gets the next part: " + said
    # what was played: speech for every reply, not silence
    played = np.frombuffer(record.read_bytes(), dtype=np.int16).astype(np.float64)
    frames = played[: len(played) // 320 * 320].reshape(-1, 320)
    voiced_seconds = float((np.sqrt((frames ** 2).mean(axis=1)) > 300).sum()) * 0.02
    assert voiced_seconds > 30, f"only {voiced_seconds:.1f} s of speech reached the speaker"
