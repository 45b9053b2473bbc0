"""Where conversations live between turns.

`SessionStore` is the one interface every store implements; `MemoryStore` keeps them in
this process. Each session has its own lock so that two requests for one conversation
never interleave, while different conversations run in parallel.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Protocol

from models import DialogueState


class SessionStore(Protocol):
    def get(self, session_id: str) -> DialogueState | None: ...
    def put(self, state: DialogueState) -> None: ...
    def delete(self, session_id: str) -> bool: ...
    def lock(self, session_id: str): ...


class MemoryStore:
    def __init__(self) -> None:
        self._states: dict[str, str] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, session_id: str) -> DialogueState | None:
        raw = self._states.get(session_id)
        return DialogueState.model_validate_json(raw) if raw is not None else None

    def put(self, state: DialogueState) -> None:
        # stored serialised, as every other store does, so no caller shares live objects
        self._states[state.session_id] = state.model_dump_json()

    def delete(self, session_id: str) -> bool:
        with self._guard:
            self._locks.pop(session_id, None)
        return self._states.pop(session_id, None) is not None

    @contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(session_id, threading.Lock())
        with lock:
            yield
