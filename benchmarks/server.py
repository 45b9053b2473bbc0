"""Real processes for the tests and the benchmarks: `backpain serve` and redis-server on free
loopback ports. Every wait is bounded; every process is stopped by its owner (`with`, or
start() ... stop()).

This is the one harness: the tests import it as `benchmarks.server` (pytest puts the
repository on the path, pyproject.toml); nothing here imports from tests/.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT = 30.0   # until /healthz answers
READY_TIMEOUT = 60.0   # until /readyz answers (the recogniser loads in the background)
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment minus every BACKPAIN_* variable, plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKPAIN_")}
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _status(url: str, timeout: float) -> int | None:
    """The HTTP status of GET `url`, or None when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def _stop(proc: subprocess.Popen | None, sig: int) -> None:
    """`sig`, then SIGKILL if the process has not exited within STOP_TIMEOUT."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)


class ServeProcess:
    """`backpain serve` on a free loopback port, its output in `log_dir/NAME-PORT.log`.

    start() returns once /healthz answers; wait_ready() once /readyz does. Each start()
    takes a new port, so a killed server can be started again on the same data."""

    def __init__(self, log_dir: str | Path, env: dict[str, str], args: list[str] | None = None,
                 name: str = "serve", max_files: int | None = None):
        self.env, self.args = env, list(args or [])
        self.max_files = max_files  # RLIMIT_NOFILE of the server (a low descriptor limit)
        self.host = HOST
        self.port = free_port()
        self.url = f"http://{self.host}:{self.port}"
        self.log_path = Path(log_dir) / f"{name}-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ServeProcess":
        self.port = free_port()
        self.url = f"http://{self.host}:{self.port}"
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "voice.cli", "serve", "--host", self.host, "--port", str(self.port),
                 *self.args],
                cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=self._limits if self.max_files else None)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"backpain serve exited {self.proc.returncode}:\n{self.logs()[-2000:]}")
            if _status(self.url + "/healthz", timeout=1.0) == 200:
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"backpain serve did not answer within {START_TIMEOUT} s:\n{self.logs()[-2000:]}")

    def _limits(self) -> None:  # in the child, before exec
        import resource

        resource.setrlimit(resource.RLIMIT_NOFILE, (self.max_files, self.max_files))

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> "ServeProcess":
        """Until /readyz answers 200 (the recogniser loads in the background)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _status(self.url + "/readyz", timeout=2.0) == 200:
                return self
            time.sleep(0.1)
        raise RuntimeError(f"not ready within {timeout} s:\n{self.logs()[-2000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=STOP_TIMEOUT)

    def stop(self) -> None:
        """SIGINT (a graceful shutdown), then SIGKILL if it hangs."""
        _stop(self.proc, signal.SIGINT)

    def logs(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def rss_mb(self) -> float | None:
        return rss_mb(self.proc.pid) if self.proc else None

    def client(self, **kwargs):
        """An httpx.Client on this server (httpx is a test dependency, hence imported here)."""
        import httpx

        return httpx.Client(base_url=self.url, timeout=kwargs.pop("timeout", 15.0), **kwargs)

    def __enter__(self) -> "ServeProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def bench_server(env: dict[str, str] | None = None):
    """A ready ServeProcess for a benchmark: its own temporary data folder, rate limit off,
    warnings-only log; `env` adds or overrides BACKPAIN_* settings."""
    with tempfile.TemporaryDirectory(prefix="backpain-bench-") as tmp:
        settings = {"BACKPAIN_DATA_DIR": tmp, "BACKPAIN_RATE_LIMIT": "off", **(env or {})}
        with ServeProcess(tmp, clean_env(**settings), ["--log-level", "warning"]) as server:
            yield server.wait_ready()


class RedisProcess:
    """A throw-away redis-server: no persistence, loopback only, its own folder (a temporary
    one unless `data_dir` is given)."""

    def __init__(self, data_dir: str | Path | None = None):
        self._tmp = None if data_dir else tempfile.TemporaryDirectory(prefix="backpain-redis-")
        self.data_dir = Path(data_dir or self._tmp.name)
        self.port = free_port()
        self.url = f"redis://{HOST}:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    @staticmethod
    def binary() -> str | None:
        return shutil.which("redis-server") or next(
            (p for p in ("/usr/bin/redis-server", "/usr/local/bin/redis-server") if os.path.exists(p)), None)

    def _pong(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> "RedisProcess":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cmd = [self.binary() or "redis-server", "--port", str(self.port), "--bind", HOST, "--save", "",
               "--appendonly", "no", "--dir", str(self.data_dir), "--daemonize", "no",
               "--logfile", str(self.data_dir / "redis.log")]
        self.proc = subprocess.Popen(cmd, cwd=self.data_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("redis-server exited at start")
            if self._pong():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("redis-server did not answer within 15 s")

    def stop(self) -> None:
        _stop(self.proc, signal.SIGTERM)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "RedisProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
