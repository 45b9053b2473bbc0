"""The skill as a service: sessions plus the dialogue, shared by HTTP, chat and voice."""

from __future__ import annotations

import logging
import re
import secrets

from models import Reply
from intents.dialogue import Dialogue
from voice import metrics
from voice.audit import event_for_turn
from voice.config import Settings
from voice.sessions import SessionStore, open_store

# what secrets.token_urlsafe makes; anything else cannot be a session and is not looked up
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

transcript_log = logging.getLogger("backpain.transcripts")


class SessionNotFound(KeyError):
    pass


class SkillService:
    def __init__(self, settings: Settings | None = None, store: SessionStore | None = None):
        self.settings = settings or Settings.from_env()
        self.store = store if store is not None else open_store(self.settings)
        self.dialogue = Dialogue(locale=self.settings.locale, emergency_number=self.settings.emergency_number)
        self.asr_engine: str | None = None  # name of the recogniser behind audio turns

    def set_asr_engine(self, name: str, model: str = "") -> None:
        """Called once the recogniser is loaded: audit entries and /metrics name it."""
        self.asr_engine = name
        metrics.set_asr_engine(name, model)

    def start(self, weeks: int | None = None) -> Reply:
        session_id = secrets.token_urlsafe(18)  # unguessable: the id is the only key to a conversation
        state = self.dialogue.start(session_id, weeks)
        self.store.put(state)
        metrics.session_started()
        return state.last_reply

    def turn(self, session_id: str, text: str, transcript: str | None = None, engine: str | None = None,
             alternatives: list[str] | None = None, confident: bool = True) -> Reply:
        """One user turn. `engine`: "text" for typed turns (the default without a
        transcript), else the recogniser's name (default: the one set_asr_engine named).
        `alternatives`: the recogniser's next likeliest transcripts of free speech.
        `confident`: False when the recogniser was not sure of what it heard (rule 11: an
        answer that would lower the urgency is then read back)."""
        if engine is None:
            engine = "text" if transcript is None else (self.asr_engine or "asr")
        if not _SESSION_ID.match(session_id):
            raise SessionNotFound(session_id)
        with self.store.lock(session_id):
            before = self.store.get(session_id)
            if before is None:
                raise SessionNotFound(session_id)
            state = self.dialogue.turn(before, text, alternatives,
                                       spoken=transcript is not None, confident=confident)
            state.last_reply.transcript = transcript
            event = event_for_turn(before, state, engine)
            self.store.put(state, audit=event)
        reply = state.last_reply
        metrics.turn("text" if engine == "text" else "audio")
        if event is not None and event.kind == "append" and reply.triage is not None:
            metrics.triage(reply.triage.urgency.value)
        if self.settings.log_transcripts:
            transcript_log.warning("session %s… heard %r said %r", session_id[:6], text, reply.say)
        return reply

    def latest(self, session_id: str) -> Reply:
        state = self.store.get(session_id) if _SESSION_ID.match(session_id) else None
        if state is None:
            raise SessionNotFound(session_id)
        return state.last_reply

    def delete(self, session_id: str) -> None:
        if not _SESSION_ID.match(session_id):
            raise SessionNotFound(session_id)
        with self.store.lock(session_id):  # not while a turn of it is running
            if not self.store.delete(session_id):
                raise SessionNotFound(session_id)
