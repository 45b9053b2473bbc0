"""The one audio turn (recognised, then the same text turn) and the one Reply-to-JSON, with a
fake recogniser: what `backpain replay`/`listen` and POST .../audio all rely on."""

from __future__ import annotations

import struct

import pytest

from voice.asr import Recognition
from voice.audio.speech_cache import SpeechCache
from voice.config import Settings, TtsSettings
from voice.service import SessionNotFound, SkillService, TurnConflict, reply_body
from voice.store import MemoryStore

SPEECH = struct.pack("<4h", 0, 9000, -9000, 0) * 800  # loud enough not to be silence


class FakeEngine:
    name, model = "fake", "test"

    def __init__(self, text: str, confident: bool = True, alternatives=()):
        self.result = Recognition(text, 0.9, list(alternatives), confident)
        self.calls: list[tuple] = []

    def recognize(self, pcm, phrases=None, *, expecting=None):
        self.calls.append((phrases, expecting))
        return self.result


@pytest.fixture
def service():
    return SkillService(Settings(), store=MemoryStore())


def test_an_audio_turn_is_the_text_turn_of_what_was_heard(service):
    spoken, typed = service.start(), service.start()
    engine = FakeEngine("my lower back aches after work")
    heard = service.audio_turn(spoken.session_id, SPEECH, engine)
    said = service.turn(typed.session_id, "my lower back aches after work")
    assert engine.calls == [(None, spoken.expecting)]  # the opening question: free speech
    assert heard.transcript == "my lower back aches after work" and said.transcript is None
    assert heard.say == said.say and heard.asking == said.asking
    assert service.latest(spoken.session_id).transcript is None  # the store never holds it


def test_silence_is_nothing_heard_without_decoding(service):
    reply = service.start()
    engine = FakeEngine("yes")
    again = service.audio_turn(reply.session_id, b"", engine)
    assert engine.calls == [] and again.transcript == ""


def test_a_stale_turn_or_unknown_session_decodes_nothing(service):
    reply = service.start()
    engine = FakeEngine("no")
    with pytest.raises(TurnConflict):
        service.audio_turn(reply.session_id, SPEECH, engine, expected_turn=reply.turn + 5)
    with pytest.raises(SessionNotFound):
        service.audio_turn("no-such-session", SPEECH, engine)
    assert engine.calls == []


def test_reply_body_carries_the_transcript_on_audio_turns_only(service):
    reply = service.start()
    assert "transcript" not in reply_body(reply)
    heard = service.audio_turn(reply.session_id, SPEECH, FakeEngine(""))
    assert reply_body(heard)["transcript"] == ""


def test_the_speech_cache_key_follows_the_tts_settings():
    slow, fast = SpeechCache(TtsSettings(rate=120)), SpeechCache(TtsSettings(rate=200))
    assert slow.key("s", "hello") != fast.key("s", "hello")
    assert slow.key("s", "hello") == SpeechCache(TtsSettings(rate=120)).key("s", "hello")
    cache = SpeechCache(max_bytes=10, max_items=2)
    for n in range(3):
        cache.put(cache.key("s", str(n)), b"wav")
    assert cache.get(cache.key("s", "0")) is None and cache.get(cache.key("s", "2")) == b"wav"
