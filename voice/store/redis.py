"""`RedisStore`: several `backpain serve` processes share sessions through one Redis.

A lock key with an expiry (SET NX PX + compare-and-delete) guards each conversation, so
a process that dies holding it blocks that conversation for one lease at most; the state
and the audit event are written in one MULTI/EXEC that WATCHes the lock key, so a writer
whose lock expired cannot overwrite a newer turn. Every state is written with PX = the
TTL: Redis expires idle conversations itself.
"""

from __future__ import annotations

import secrets
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from models import DialogueState
from voice.store.audit import AuditEntry, AuditEvent, revised
from voice.store.locks import SessionLocks
from voice.store.protocol import DEFAULT_LOCK_TIMEOUT, DEFAULT_TTL, SessionBusy, StoreUnavailable

# release only the lock we hold: delete when the value is still our token
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisStore:
    """Sessions and audit in Redis, shared by any number of service processes."""

    def __init__(
        self,
        url: str,
        ttl: float = DEFAULT_TTL,
        lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
        prefix: str = "backpain:",
        lease: float = 30.0,
    ) -> None:
        import redis  # the client library, imported only when a Redis store is chosen

        self._redis_mod = redis
        self.r = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2, health_check_interval=30)
        self.url = url
        self.ttl = ttl
        self.lock_timeout = lock_timeout
        self.lease_ms = int(max(lease, lock_timeout) * 1000)  # a turn holds the lock for milliseconds
        self.p = prefix
        self._local = SessionLocks(lock_timeout)
        self._held = threading.local()
        self._release = self.r.register_script(_RELEASE)

    def _key(self, session_id: str) -> str:
        return f"{self.p}s:{session_id}"

    def _lock_key(self, session_id: str) -> str:
        return f"{self.p}lock:{session_id}"

    def _tokens(self) -> dict[str, str]:
        tokens = getattr(self._held, "tokens", None)
        if tokens is None:
            tokens = self._held.tokens = {}
        return tokens

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        # threads of this process queue on a local lock; processes race for the Redis key
        with self._local.hold(session_id):
            key, token = self._lock_key(session_id), secrets.token_hex(16)
            deadline = time.monotonic() + self.lock_timeout
            pause = 0.001
            while not self._call(self.r.set, key, token, nx=True, px=self.lease_ms):
                if time.monotonic() >= deadline:
                    raise SessionBusy(session_id)
                time.sleep(pause)
                pause = min(pause * 2, 0.02)
            self._tokens()[session_id] = token
            try:
                yield
            finally:
                self._tokens().pop(session_id, None)
                try:
                    self._release(keys=[key], args=[token])
                except self._redis_mod.RedisError:
                    pass  # the lease expires on its own

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except self._redis_mod.RedisError as e:
            raise StoreUnavailable(f"redis: {type(e).__name__}") from e

    def get(self, session_id: str) -> DialogueState | None:
        raw = self._call(self.r.get, self._key(session_id))
        return DialogueState.model_validate_json(raw) if raw is not None else None

    def put(self, state: DialogueState, audit: AuditEvent | None = None) -> None:
        sid = state.session_id
        raw = state.model_dump_json()
        token = self._tokens().get(sid)
        ttl_ms = max(1, int(self.ttl * 1000))
        try:
            with self.r.pipeline(transaction=True) as pipe:
                if token is not None:
                    # we hold the lock: make sure we still do when the write lands
                    pipe.watch(self._lock_key(sid))
                    if pipe.get(self._lock_key(sid)) != token.encode():
                        raise SessionBusy(sid)
                audit_ops = self._audit_ops(pipe, audit) if audit is not None else None
                pipe.multi()
                pipe.set(self._key(sid), raw, px=ttl_ms)
                if audit_ops:
                    audit_ops(pipe)
                pipe.execute()
        except self._redis_mod.WatchError as e:
            raise SessionBusy(sid) from e
        except self._redis_mod.RedisError as e:
            raise StoreUnavailable(f"redis: {type(e).__name__}") from e

    def _audit_ops(self, pipe, event: AuditEvent):
        """Reads what a revision needs now (before MULTI); returns the queued writes."""
        entry = event.entry
        last_key = f"{self.p}audit:last:{entry.session_ref}"
        if event.kind == "revise":
            last_id = pipe.get(last_key) if pipe.watching else self.r.get(last_key)
            old = self.r.hget(f"{self.p}audit", last_id) if last_id else None
            if old is not None:
                updated = revised(AuditEntry.model_validate_json(old), entry)
                return lambda p: p.hset(f"{self.p}audit", updated.id, updated.model_dump_json())

        def append(p) -> None:
            p.hset(f"{self.p}audit", entry.id, entry.model_dump_json())
            p.zadd(f"{self.p}audit:ts", {entry.id: entry.ts})
            p.set(last_key, entry.id, px=max(1, int(self.ttl * 1000)))

        return append

    def delete(self, session_id: str) -> bool:
        return bool(self._call(self.r.delete, self._key(session_id)))

    def audit_entries(self, since: float | None = None) -> list[AuditEntry]:
        ids = self._call(self.r.zrangebyscore, f"{self.p}audit:ts", "-inf" if since is None else since, "+inf")
        if not ids:
            return []
        raws = self._call(self.r.hmget, f"{self.p}audit", ids)
        entries = [AuditEntry.model_validate_json(r) for r in raws if r is not None]
        return sorted(entries, key=lambda e: (e.ts, e.id))

    def purge_expired(self) -> int:
        return 0  # Redis expires sessions itself (PX on every write)

    def ping(self) -> bool:
        """True when Redis takes a write now (not only a PING: a full disk under
        appendonly, maxmemory or a failed save answers writes with an error)."""
        try:
            return bool(self.r.set(f"{self.p}ping", "1", px=10_000))
        except self._redis_mod.RedisError:
            return False

    def close(self) -> None:
        self.r.close()
