"""`backpain serve` and redis-server as subprocesses for the benchmarks (loopback only;
every wait bounded; every process stopped by the `with` that started it)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class ServeProcess:
    def __init__(self, env: dict[str, str] | None = None, data_dir: str | None = None, log_level: str = "warning"):
        self._tmp = None if data_dir else tempfile.TemporaryDirectory(prefix="backpain-bench-")
        self.data_dir = data_dir or self._tmp.name
        self.port = free_port()
        self.host = "127.0.0.1"
        self.url = f"http://{self.host}:{self.port}"
        base = {k: v for k, v in os.environ.items() if not k.startswith("BACKPAIN_")}
        base.update({"BACKPAIN_DATA_DIR": self.data_dir, "BACKPAIN_RATE_LIMIT": "off"})
        base.update(env or {})
        self.env = base
        self.log_level = log_level
        self.proc: subprocess.Popen | None = None
        self.log_path = Path(self.data_dir) / f"serve-{self.port}.log"

    def __enter__(self) -> "ServeProcess":
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voice.cli", "serve", "--host", self.host, "--port", str(self.port),
             "--log-level", self.log_level],
            cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"backpain serve exited: {self.log_path.read_text(errors='replace')[-2000:]}")
            try:
                # ready: /readyz 200 (the recogniser loads in the background at start-up)
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("backpain serve was not ready within 60 s")

    def rss_mb(self) -> float | None:
        return rss_mb(self.proc.pid) if self.proc else None

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


class RedisProcess:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._tmp = tempfile.TemporaryDirectory(prefix="backpain-bench-redis-")
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    def __enter__(self) -> "RedisProcess":
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self._tmp.name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        self.__exit__()
        raise RuntimeError("redis-server did not start")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._tmp.cleanup()
