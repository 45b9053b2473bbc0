"""A restart loses nothing: `backpain serve` killed with SIGKILL between turns, started
again on the same data directory, continues the conversation; the audit log survives and
`backpain audit` exports it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from benchmarks.server import REPO, ServeProcess, clean_env
from service_harness import answer_for


def audit_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice.cli", "audit", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def env(tmp_path):
    return clean_env(BACKPAIN_DATA_DIR=str(tmp_path / "data"))


def test_sigkill_between_turns_loses_nothing(tmp_path, env):
    server = ServeProcess(tmp_path, env).start()
    try:
        with server.client() as c:
            reply = c.post("/v1/sessions", json={}).json()
            sid = reply["session_id"]
            for _ in range(3):
                reply = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply)}).json()
            assert not reply["done"]
    finally:
        server.kill()  # SIGKILL: no shutdown code runs
    assert server.proc.returncode == -9

    server.start()  # same data directory, new process, new port
    try:
        with server.client() as c:
            assert c.get(f"/v1/sessions/{sid}").json() == reply  # exactly where it stopped
            turns = 0
            while not reply["done"]:
                reply = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply, {"persistent"})}).json()
                turns += 1
                assert turns < 60
            advice = reply["triage"]
            # a finished check, then killed again: its audit entry is already on disk
        server.kill()
        server.start()
        with server.client() as c:
            assert c.get(f"/v1/sessions/{sid}").json()["triage"] == advice
            # start over and finish again: a second check, a second entry
            again = c.post(f"/v1/sessions/{sid}/text", json={"text": "start over"}).json()
            assert not again["done"]
            while not again["done"]:
                again = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(again)}).json()
    finally:
        server.kill()

    listed = audit_cli(env)
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    assert [e["urgency"] for e in entries] == [advice["urgency"], again["triage"]["urgency"]]
    first = entries[0]
    assert first["reasons"] == advice["reasons"] and first["engine"] == "text" and first["weeks"] == 28
    assert first["slots"]["persistent"] == "yes"
    assert entries[0]["session_ref"] == entries[1]["session_ref"]  # one conversation, two checks
    # nothing that was said, and not the session id, is in the audit log
    assert sid not in listed.stdout
    for words in ("lower back aches", "28 weeks", advice["advice"][:40]):
        assert words not in listed.stdout

    out = tmp_path / "audit.csv"
    exported = audit_cli(env, "--format", "csv", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["urgency"] for r in rows] == [e["urgency"] for e in entries]
    assert rows[0]["persistent"] == "yes" and rows[0]["engine"] == "text"

    later = audit_cli(env, "--since", entries[1]["time"])
    assert [e["id"] for e in json.loads(later.stdout)] == [entries[1]["id"]]
    future = audit_cli(env, "--since", "2999-01-01")
    assert json.loads(future.stdout) == []
    bad = audit_cli(env, "--since", "last tuesday")
    assert bad.returncode == 2 and "--since" in bad.stderr
