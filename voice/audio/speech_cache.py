"""Synthesised replies kept for a while, so a client that fetches the same reply twice pays once.

An LRU of WAVs keyed by session and a hash of (text, rate, voice), bounded in bytes and in
entries. Memory only (speech of a health conversation is never written anywhere); entries
of deleted sessions simply age out.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from voice.config import TtsSettings


class SpeechCache:
    def __init__(self, tts: TtsSettings | None = None, max_bytes: int = 32 * 1024 * 1024, max_items: int = 256):
        self.tts = tts or TtsSettings()
        self.max_bytes, self.max_items = max_bytes, max_items
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def key(self, session_id: str, text: str) -> tuple[str, str]:
        """The text, and how it is spoken: the same words in another voice are another WAV."""
        spoken_as = f"{self.tts.rate}|{self.tts.voice or ''}"
        return session_id, hashlib.sha256(f"{spoken_as}\n{text}".encode()).hexdigest()

    def get(self, key) -> bytes | None:
        with self._lock:
            wav = self._items.get(key)
            if wav is not None:
                self._items.move_to_end(key)
            return wav

    def put(self, key, wav: bytes) -> None:
        if len(wav) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._items[key] = wav
            self._bytes += len(wav)
            while self._bytes > self.max_bytes or len(self._items) > self.max_items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)
