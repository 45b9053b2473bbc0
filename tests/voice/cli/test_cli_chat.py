"""`backpain chat`, piped, as a script or another program would use it."""

import json
import subprocess
import sys

from benchmarks.server import REPO


def chat(lines, *args, env=None):
    import os
    return subprocess.run(
        [sys.executable, "-m", "voice.cli", "chat", *args],
        input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=REPO, timeout=60,
        env={**os.environ, **(env or {})},
    )


def test_json_gives_one_reply_per_turn():
    result = chat(["my back hurts", "no", "nope"], "--json")
    assert result.returncode == 0, result.stderr
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(replies) == 4  # greeting + three turns
    assert replies[0]["expecting"] == "free_text"
    assert replies[2]["slots"]["vaginal_bleeding"] == "no"
    assert len({r["session_id"] for r in replies}) == 1


def test_plain_text_conversation_to_advice():
    result = chat(["I'm soaking pads with blood"], env={"BACKPAIN_EMERGENCY_NUMBER": "999"})
    assert result.returncode == 0
    assert "Call 999 now" in result.stdout


def test_help_and_bad_weeks():
    assert "chat" in subprocess.run([sys.executable, "-m", "voice.cli", "--help"], capture_output=True, text=True, cwd=REPO).stdout
    bad = subprocess.run([sys.executable, "-m", "voice.cli", "chat", "--weeks", "80"], capture_output=True, text=True, cwd=REPO)
    assert bad.returncode == 2 and "between 1 and 42" in bad.stderr
