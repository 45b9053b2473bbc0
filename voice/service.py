"""The skill as a service: sessions plus the dialogue, shared by HTTP, chat and voice."""

from __future__ import annotations

import secrets

from models import Reply
from intents.dialogue import Dialogue
from voice.config import Settings
from voice.sessions import MemoryStore, SessionStore


class SessionNotFound(KeyError):
    pass


class SkillService:
    def __init__(self, settings: Settings | None = None, store: SessionStore | None = None):
        self.settings = settings or Settings.from_env()
        self.store = store or MemoryStore()
        self.dialogue = Dialogue(emergency_number=self.settings.emergency_number)

    def start(self, weeks: int | None = None) -> Reply:
        session_id = secrets.token_urlsafe(18)  # unguessable: the id is the only key to a conversation
        state = self.dialogue.start(session_id, weeks)
        self.store.put(state)
        return state.last_reply

    def turn(self, session_id: str, text: str, transcript: str | None = None) -> Reply:
        with self.store.lock(session_id):
            state = self.store.get(session_id)
            if state is None:
                raise SessionNotFound(session_id)
            state = self.dialogue.turn(state, text)
            state.last_reply.transcript = transcript
            self.store.put(state)
        return state.last_reply

    def latest(self, session_id: str) -> Reply:
        state = self.store.get(session_id)
        if state is None:
            raise SessionNotFound(session_id)
        return state.last_reply

    def delete(self, session_id: str) -> None:
        if not self.store.delete(session_id):
            raise SessionNotFound(session_id)
