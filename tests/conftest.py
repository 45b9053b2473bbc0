"""Shared fixtures: a real `backpain serve` process on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))  # tests/corpus.py, tests/driver.py


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, env: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voice.cli", "serve", "--port", str(self.port), "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stdout.read()}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become healthy in time")

    def stop(self, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            (self.proc.kill if kill else self.proc.terminate)()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session", autouse=True)
def private_data_dir(tmp_path_factory):
    """No test writes sessions or audit entries into the real per-user data folder."""
    previous = os.environ.get("BACKPAIN_DATA_DIR")
    os.environ["BACKPAIN_DATA_DIR"] = str(tmp_path_factory.mktemp("backpain-data"))
    yield
    if previous is None:
        os.environ.pop("BACKPAIN_DATA_DIR", None)
    else:
        os.environ["BACKPAIN_DATA_DIR"] = previous


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("live-server-data")
    server = Server({"BACKPAIN_DATA_DIR": str(data), "BACKPAIN_SESSION_STORE": "memory"}).start()
    yield server
    server.stop()


@pytest.fixture()
def api(live_server):
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        yield client
