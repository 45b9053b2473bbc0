"""Real processes for the service tests: `backpain serve` subprocesses and a redis-server.

Imported by tests/test_service_*.py, test_store_*.py, test_security*.py, test_fuzz*.py.
Every wait here is bounded; every process started is stopped by its owner (fixtures).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment minus every BACKPAIN_* variable, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKPAIN_")}
    env.update({k: str(v) for k, v in overrides.items()})
    return env


class Server:
    """`backpain serve` on a free loopback port, output captured to a file."""

    def __init__(self, tmp: Path, env: dict[str, str], args: list[str] | None = None, name: str = "serve"):
        self.tmp, self.env, self.args = Path(tmp), env, list(args or [])
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.tmp / f"{name}-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Server":
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(self.log_path, "ab")
        cmd = [sys.executable, "-m", "voice.cli", "serve", "--port", str(self.port), *self.args]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"backpain serve exited {self.proc.returncode}:\n{self.logs()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"backpain serve did not answer within {START_TIMEOUT} s:\n{self.logs()}")

    def wait_ready(self, timeout: float = 60.0) -> "Server":
        """Until /readyz answers 200 (the recogniser loads in the background)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=2.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"not ready within {timeout} s:\n{self.logs()[-2000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=kwargs.pop("timeout", 15.0), **kwargs)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class RedisServer:
    """A throw-away redis-server: no persistence, loopback only, its own temp dir."""

    def __init__(self, tmp: Path):
        self.tmp = Path(tmp)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def binary() -> str | None:
        return shutil.which("redis-server") or next(
            (p for p in ("/usr/bin/redis-server", "/usr/local/bin/redis-server") if os.path.exists(p)), None)

    def start(self) -> "RedisServer":
        import redis

        self.tmp.mkdir(parents=True, exist_ok=True)
        cmd = [self.binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(self.tmp), "--daemonize", "no", "--logfile", str(self.tmp / "redis.log")]
        self.proc = subprocess.Popen(cmd, cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server exited at start")
            try:
                if client.ping():
                    client.close()
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer within 15 s")

    def flush(self) -> None:
        import redis

        r = redis.Redis(host="127.0.0.1", port=self.port)
        r.flushall()
        r.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


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
    from voice.sessions import RedisStore, SQLiteStore

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
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import service_harness as h; h.increment_worker({spec!r}, {session_id!r}, {times})")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=REPO) for _ in range(processes)]
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
    from dataclasses import replace

    from voice.config import Settings
    from voice.service import SkillService

    settings = replace(Settings(), data_dir=Path(tmp) / "data", session_store=store, sqlite_sync="normal", **overrides)
    return SkillService(settings)


def make_client(tmp: Path, store: str = "sqlite", client=("testclient", 50000), **overrides):
    from fastapi.testclient import TestClient

    from voice.app import create_app

    service = make_service(tmp, store, **overrides)
    return TestClient(create_app(service), client=client)
