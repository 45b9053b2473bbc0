"""The first five minutes: what `make run` installs, what `backpain serve` prints first, and
that ordinary runs print no warnings and no traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from asr_support import FIXTURES
from benchmarks.server import REPO, ServeProcess, clean_env


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    return clean_env(HOME=str(home), BACKPAIN_DATA_DIR=str(home / "data"), BACKPAIN_ASR="pocketsphinx")


def test_chat_into_head_ends_without_a_traceback(env):
    """`backpain chat | head -2`: head leaves after two lines, the chat stops quietly."""
    lines = "my back hurts\n" + "repeat\n" * 3000  # far more than a pipe holds: the writer must hit EPIPE
    r = subprocess.run(f"{sys.executable} -m voice.cli chat | head -2", shell=True, cwd=REPO, env=env,
                       input=lines, capture_output=True, text=True, timeout=120)
    assert r.stdout.splitlines()[0].startswith("If this is an emergency")
    assert len(r.stdout.splitlines()) == 2
    assert r.stderr == "", r.stderr
    # and the same through --json
    r = subprocess.run(f"{sys.executable} -m voice.cli chat --json | head -1", shell=True, cwd=REPO, env=env,
                       input=lines, capture_output=True, text=True, timeout=120)
    assert r.stdout.startswith('{"session_id"') and r.stderr == "", r.stderr


def test_replay_prints_no_warnings(env):
    """Grammar phrases with words a model lacks are expected; they are not warned about."""
    files = [FIXTURES / "opening/i-have-a-fever-and-chills__flite-rms.wav", FIXTURES / "yesno/no__pyttsx3-en-us+f2.wav"]
    r = subprocess.run([sys.executable, "-m", "voice.cli", "replay", *map(str, files)], cwd=REPO, env=env,
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert "WARNING" not in r.stderr and "warning" not in r.stderr.lower(), r.stderr
    assert r.stderr.strip().startswith("speech recognition: pocketsphinx")


def test_serve_prints_the_page_address_first_then_the_recogniser_progress(tmp_path):
    env = clean_env(HOME=str(tmp_path), BACKPAIN_DATA_DIR=str(tmp_path / "data"), BACKPAIN_ASR="pocketsphinx",
                    BACKPAIN_SESSION_STORE="memory", BACKPAIN_ASR_WORKERS="0")
    with ServeProcess(tmp_path, env, ["--log-level", "warning"], name="first") as server:
        server.wait_ready()
        deadline = time.monotonic() + 10
        while "speech:     ready" not in server.logs() and time.monotonic() < deadline:
            time.sleep(0.05)
        lines = server.logs().splitlines()
    assert lines[0] == f"Back pain check: open {server.url}/ in your browser"
    loading = lines.index("  speech:     loading the speech recogniser (typing works meanwhile)...")
    ready = next(i for i, line in enumerate(lines) if line.startswith("  speech:     ready (pocketsphinx, "))
    assert loading < ready
    assert not [line for line in lines if "WARNING" in line or "Traceback" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_no_test_tools_and_make_test_does():
    """What each target would do after a change to pyproject.toml (`make -n`: nothing runs)."""
    def plan(target: str) -> str:
        r = subprocess.run(["make", "--no-print-directory", "-n", "-W", "pyproject.toml", target], cwd=REPO, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout

    run = plan("run")
    assert "pip install --progress-bar on -e ." in run
    assert "[test]" not in run and "--test" not in run  # no test extras, no Korean model, no browser
    assert run.rstrip().endswith("backpain serve")
    test = plan("test")
    assert "install-system-deps.sh --test" in test and "-e '.[test]'" in test
    assert test.rstrip().endswith("pytest")
