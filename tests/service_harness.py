"""Helpers for the service tests: conversations, store workers, the in-process app.

The real processes (`backpain serve`, redis-server) come from benchmarks/server.py, the one
harness the tests and the benchmarks share.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.server import REPO, ServeProcess, clean_env


# --- a session held busy by another thread -------------------------------------------------


@contextmanager
def voice_server(tmp: Path, ready_within: float = 60, **env):
    """A real `backpain serve` on a private data folder, once its recogniser is loaded."""
    env = clean_env(BACKPAIN_DATA_DIR=str(tmp / "data"), BACKPAIN_SESSION_STORE="memory", **env)
    with ServeProcess(tmp, env, args=["--log-level", "warning"]) as server:
        yield server.wait_ready(ready_within)  # the recogniser loads in the background


@contextmanager
def session_held(store, session_id: str):
    """Another thread holds the session's lock for as long as the `with` block runs."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with store.lock(session_id):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert held.wait(10)
        yield
    finally:
        release.set()
        t.join(10)


# --- conversation helpers ----------------------------------------------------------------


def answer_for(reply: dict, yes: set[str] = frozenset()) -> str:
    """What a person with the signs in `yes` (and nothing else) answers to `reply`."""
    if reply["expecting"] == "weeks":
        return "28 weeks"
    if reply["expecting"] == "free_text":
        return "my lower back aches after work"
    return "yes" if set(reply["asking"]) & set(yes) else "no"


def finish(post, reply: dict, yes: set[str] = frozenset(), limit: int = 60) -> dict:
    """Answers until the advice is given; `post(session_id, text) -> reply dict`."""
    for _ in range(limit):
        if reply["done"]:
            return reply
        reply = post(reply["session_id"], answer_for(reply, yes))
    raise AssertionError("the conversation did not finish")


# --- store workers (run in separate processes by the cross-process lock tests) ------------


def open_store_spec(spec: str, **kwargs):
    """"sqlite:/path/to/file.db" or "redis://..." -> a store."""
    from voice.store import RedisStore, SQLiteStore

    if spec.startswith("sqlite:"):
        return SQLiteStore(spec[len("sqlite:"):], **kwargs)
    return RedisStore(spec, **kwargs)


def increment_worker(spec: str, session_id: str, times: int) -> None:
    """Read-modify-write `turns` of one session `times` times, under the store's lock."""
    store = open_store_spec(spec, lock_timeout=60)
    for _ in range(times):
        with store.lock(session_id):
            state = store.get(session_id)
            turns = state.turns
            time.sleep(0.001)  # widen the window a missing lock would lose updates in
            state.turns = turns + 1
            store.put(state)
    store.close()


def run_increment_workers(spec: str, session_id: str, processes: int, times: int) -> None:
    code = f"import service_harness as h; h.increment_worker({spec!r}, {session_id!r}, {times})"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), str(REPO)])}
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env) for _ in range(processes)]
    try:
        for p in procs:
            assert p.wait(timeout=120) == 0, "a worker process failed"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


# --- in-process app ------------------------------------------------------------------------


def make_service(tmp: Path, store: str = "sqlite", **overrides):
    """A SkillService on a temp data dir; `overrides` are Settings fields."""

    from voice.config import Settings
    from voice.service import SkillService

    settings = Settings(data_dir=Path(tmp) / "data", session_store=store, sqlite_sync="normal", **overrides)
    return SkillService(settings)


def make_client(tmp: Path, store: str = "sqlite", client=("testclient", 50000), **overrides):
    from fastapi.testclient import TestClient

    from voice.http.app import create_app

    service = make_service(tmp, store, **overrides)
    return TestClient(create_app(service), client=client)


def health_during(client, session_id: str, wav: bytes, timeout: float = 60) -> tuple[float, dict]:
    """The slowest /healthz answer while `wav` is uploaded as an audio turn from another
    thread, and the upload's "status" and "seconds": an audio turn must never hold up the service."""
    import httpx

    done: dict = {}

    def upload():
        with httpx.Client(base_url=client.base_url, timeout=timeout) as c:
            start = time.monotonic()
            done["status"] = c.post(f"/v1/sessions/{session_id}/audio", content=wav,
                                    headers={"Content-Type": "audio/wav"}).status_code
            done["seconds"] = time.monotonic() - start

    t = threading.Thread(target=upload)
    t.start()
    time.sleep(0.3)
    worst = 0.0
    while t.is_alive():
        start = time.monotonic()
        assert client.get("/healthz").status_code == 200
        worst = max(worst, time.monotonic() - start)
        time.sleep(0.05)
    t.join()
    return worst, done


def assert_not_held_up(worst: float, done: dict) -> None:
    """The slowest /healthz of `health_during` did not wait for the recognition. Held up, it
    takes about as long as the recognition itself; on a loaded machine even a free answer is
    slower, so the bound grows with the recognition's own time (half a second at least)."""
    assert done["status"] == 200
    assert worst < max(0.5, done["seconds"] / 4), \
        f"/healthz took {worst:.2f} s during a {done['seconds']:.1f} s recognition"
