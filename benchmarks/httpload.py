"""A minimal HTTP/1.1 keep-alive client for loopback load: cheap enough that the client
does not eat the CPU the server under test needs (2 cores here). Sync (single client
latency) and asyncio (many concurrent conversations) flavours; JSON and raw bodies."""

from __future__ import annotations

import asyncio
import http.client
import json
import math
import time


class HttpError(Exception):
    pass


class SyncClient:
    """One keep-alive connection, http.client underneath."""

    def __init__(self, host: str, port: int, headers: dict | None = None, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        self.headers = dict(headers or {})
        self.conn = http.client.HTTPConnection(host, port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "application/json"):
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = content_type
        for attempt in (0, 1):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, data
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def post_json(self, path: str, payload) -> tuple[int, dict]:
        status, data = self.request("POST", path, json.dumps(payload).encode())
        return status, json.loads(data) if data else {}

    def close(self) -> None:
        self.conn.close()


class AsyncClient:
    """One keep-alive connection over asyncio streams."""

    def __init__(self, host: str, port: int, headers: dict | None = None, timeout: float = 30.0):
        self.host, self.port, self.timeout = host, port, timeout
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._extra = extra
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_headers: dict[str, str] = {}  # of the latest response, names lower-case

    async def _connect(self) -> None:
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port), self.timeout)

    async def request(self, method: str, path: str, body: bytes = b"", content_type: str = "application/json"):
        if self.writer is None:
            await self._connect()
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self._extra}"
                f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        try:
            self.writer.write(head + body)
            return await asyncio.wait_for(self._read(), self.timeout)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.TimeoutError) as e:
            await self.close()
            raise HttpError(type(e).__name__) from e

    async def _read(self) -> tuple[int, bytes]:
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, close = 0, False
        self.last_headers = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            self.last_headers[name.decode("latin-1")] = value.strip().decode("latin-1")
            if name == b"content-length":
                length = int(value.strip())
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        data = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
        return status, data

    async def post_json(self, path: str, payload) -> tuple[int, dict]:
        status, data = await self.request("POST", path, json.dumps(payload).encode())
        try:
            return status, json.loads(data) if data else {}
        except ValueError:
            return status, {}

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except (ConnectionError, OSError):
                pass
        self.reader = self.writer = None


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list (q in 0..100)."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


def summary_ms(latencies_s: list[float]) -> dict:
    xs = sorted(x * 1000 for x in latencies_s)
    return {
        "n": len(xs),
        "median_ms": percentile(xs, 50),
        "p90_ms": percentile(xs, 90),
        "p99_ms": percentile(xs, 99),
        "max_ms": xs[-1] if xs else float("nan"),
        "mean_ms": sum(xs) / len(xs) if xs else float("nan"),
    }


def now() -> float:
    return time.perf_counter()
