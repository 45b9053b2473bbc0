"""The skill as a service: sessions plus the dialogue, shared by HTTP, chat and voice.

Every caller takes a turn the same way: `SkillService.turn` for typed text,
`SkillService.audio_turn` for speech (recognised, then that same text turn), and
`reply_body` for the JSON of a Reply.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading

from models import Reply
from intents.dialogue import Dialogue
from voice import metrics
from voice.asr import Engine, Recognition, hear
from voice.config import Settings
from voice.store import SessionStore, open_store
from voice.store.audit import event_for_turn

# what secrets.token_urlsafe makes; anything else cannot be a session and is not looked up
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")

transcript_log = logging.getLogger("backpain.transcripts")
log = logging.getLogger("backpain")


class SessionNotFound(KeyError):
    pass


def reply_body(reply: Reply) -> dict:
    """A Reply as the JSON object clients get (HTTP, `chat --json`, `replay --json`):
    `transcript` is there on audio turns only (interface.md)."""
    body = reply.model_dump(mode="json")
    if body.get("transcript") is None:
        body.pop("transcript", None)
    return body


class TurnConflict(RuntimeError):
    """The turn sent with a request is not the conversation's current one: the request
    answers a reply that is no longer the latest (a retry of a turn that was answered)."""

    def __init__(self, current: Reply, sent: int):
        super().__init__(f"turn {sent} is not the current turn {current.turn}")
        self.current, self.sent = current, sent


def check_turn(current: Reply, sent: int | None) -> None:
    """Raises TurnConflict when `sent` (the turn of the Reply being answered) is stale."""
    if sent is not None and sent != current.turn:
        raise TurnConflict(current, sent)


class SkillService:
    def __init__(self, settings: Settings | None = None, store: SessionStore | None = None):
        self.settings = settings or Settings()
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
             alternatives: list[str] | None = None, confident: bool = True, expected_turn: int | None = None) -> Reply:
        """One user turn. `engine`: "text" for typed turns (the default without a
        transcript), else the recogniser's name (default: the one set_asr_engine named).
        `alternatives`: the recogniser's next likeliest transcripts of free speech.
        `confident`: False when the recogniser was not sure of what it heard (rule 11: an
        answer that would lower the urgency is then read back).
        `expected_turn`: the `turn` of the Reply this answers, when the client sent it; a
        stale one raises TurnConflict and changes nothing (a retry never answers twice).
        The transcript goes back in the returned Reply only; the store never holds it."""
        if engine is None:
            engine = "text" if transcript is None else (self.asr_engine or "asr")
        if not _SESSION_ID.match(session_id):
            raise SessionNotFound(session_id)
        with self.store.lock(session_id):
            before = self.store.get(session_id)
            if before is None:
                raise SessionNotFound(session_id)
            check_turn(before.last_reply, expected_turn)
            state = self.dialogue.turn(before, text, alternatives,
                                       spoken=transcript is not None, confident=confident)
            state.last_reply.transcript = None  # health data: what was heard is not kept
            event = event_for_turn(before, state, engine)
            self.store.put(state, audit=event)
        reply = state.last_reply.model_copy(update={"transcript": transcript})
        metrics.turn("text" if engine == "text" else "audio")
        if event is not None and event.kind == "append" and reply.triage is not None:
            metrics.triage(reply.triage.urgency.value)
        if self.settings.log_transcripts:
            transcript_log.warning("session %s… heard %r said %r", session_id[:6], text, reply.say)
        return reply

    def audio_turn(self, session_id: str, pcm: bytes, engine: Engine, expected_turn: int | None = None) -> Reply:
        """One spoken turn, as `backpain replay` and `listen` take it (the HTTP /audio route
        runs the same two halves, `hear` and `spoken_turn`, on its own threads).

        `pcm` (16 kHz mono s16le; b"" or silence is nothing said) is recognised by `engine`
        (a voice.asr Engine: `get_engine()`, or the server recogniser's `engine()`) listening
        only for what the pending question accepts, then answered as the text turn of what
        was heard: the Reply carries `transcript` ("" when nothing usable was heard: the
        skill says so and asks again, never a guessed yes/no), the recogniser's alternatives
        count for free speech, and an unsure reading that would lower the urgency is read
        back (rule 11). `engine.name` goes into the audit entry.
        Raises SessionNotFound, and TurnConflict for a stale `expected_turn` (before
        anything is decoded; nothing changes)."""
        latest = self.latest(session_id)
        check_turn(latest, expected_turn)
        heard = self.hear(engine, pcm, latest)
        return self.spoken_turn(session_id, heard, engine.name, expected_turn)

    @staticmethod
    def hear(engine: Engine, pcm: bytes, latest: Reply) -> Recognition:
        """What was said in `pcm`, heard by `engine` for the question `latest` asks."""
        return hear(engine, pcm, latest.expecting, latest.asking)

    def spoken_turn(self, session_id: str, heard: Recognition, engine: str | None = None,
                    expected_turn: int | None = None) -> Reply:
        """The text turn of what was heard, with the transcript in the Reply."""
        return self.turn(session_id, heard.text, transcript=heard.text, engine=engine,
                         alternatives=heard.alternatives, confident=heard.confident, expected_turn=expected_turn)

    def latest(self, session_id: str) -> Reply:
        state = self.store.get(session_id) if _SESSION_ID.match(session_id) else None
        if state is None:
            raise SessionNotFound(session_id)
        return state.last_reply

    def start_expiry(self, interval: float | None = None) -> "threading.Event":
        """Deletes expired conversations on a timer (not only on the next write), from a
        daemon thread; set the returned event to stop it. The interval is a quarter of the
        TTL, at most a minute."""
        interval = interval or min(max(self.settings.session_ttl / 4, 0.25), 60.0)
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(interval):
                try:
                    self.store.purge_expired()
                except Exception as e:  # a store that is down now may be back at the next tick
                    log.warning("expiring old conversations failed: %s", type(e).__name__)

        threading.Thread(target=run, name="expire-sessions", daemon=True).start()
        return stop

    def delete(self, session_id: str) -> None:
        if not _SESSION_ID.match(session_id):
            raise SessionNotFound(session_id)
        with self.store.lock(session_id):  # not while a turn of it is running
            if not self.store.delete(session_id):
                raise SessionNotFound(session_id)
