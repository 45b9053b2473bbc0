"""The audit log: one entry per finished check, kept by the session store.

An entry records what was decided and on what grounds: when, the urgency, the reasons,
every red-flag slot value, the weeks, which engine heard the finishing turn ("text" for
typed turns, else the ASR engine's name) and whether the person stopped early. It never
holds what was said: no transcript, no audio, no reply text, and not the session id
(the id is the key to a live conversation); `session_ref` is a one-way hash of it, so
two checks of one conversation ("start over") can be told apart from two conversations.

Exactly once per finished check: the entry is written in the same store transaction as
the turn that finished the check. If a new sign named after the advice changes the
triage, that same entry is revised (`revised_at` set) rather than a second one added.

Every store (voice/store/) writes these entries; `backpain audit` exports them as JSON or
CSV (voice/store/audit_export.py).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timezone
from typing import Literal, Optional

from pydantic import BaseModel, Field

from models import DialogueState, SlotValue, Urgency


class AuditEntry(BaseModel):
    id: str = Field(description="time-ordered unique id")
    time: str = Field(description="when the advice was first given, ISO 8601 UTC")
    ts: float = Field(description="the same as Unix seconds")
    urgency: Urgency
    reasons: list[str] = Field(default_factory=list)
    slots: dict[str, SlotValue] = Field(default_factory=dict)
    weeks: Optional[int] = None
    engine: str = "text"
    stopped: bool = False
    session_ref: str = ""
    revised_at: Optional[str] = None


def session_ref(session_id: str) -> str:
    """A one-way reference to a session: links its checks without revealing the id."""
    return hashlib.sha256(("backpain-audit:" + session_id).encode()).hexdigest()[:16]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_entry_id(ts: float) -> str:
    return f"{int(ts * 1000):013d}-{secrets.token_hex(4)}"


def entry_for(state: DialogueState, engine: str, now: float | None = None) -> AuditEntry:
    """The audit entry of a state whose check has just finished (state.done)."""
    reply = state.last_reply
    if reply is None or reply.triage is None:
        raise ValueError("the check has not finished")
    ts = time.time() if now is None else now
    return AuditEntry(
        id=new_entry_id(ts),
        time=iso(ts),
        ts=ts,
        urgency=reply.triage.urgency,
        reasons=list(reply.triage.reasons),
        slots=dict(state.slots),
        weeks=state.weeks,
        engine=engine,
        stopped=state.stopped,
        session_ref=session_ref(state.session_id),
    )


class AuditEvent(BaseModel):
    """What a turn asks the store to do to the audit log, atomically with the state."""

    kind: Literal["append", "revise"]
    entry: AuditEntry


def event_for_turn(before: DialogueState, after: DialogueState, engine: str) -> AuditEvent | None:
    """Append when a check finishes; revise when a finished check's triage changes."""
    if not after.done or after.last_reply is None or after.last_reply.triage is None:
        return None
    if not before.done:
        return AuditEvent(kind="append", entry=entry_for(after, engine))
    old = before.last_reply.triage if before.last_reply else None
    new = after.last_reply.triage
    if old == new:
        return None  # "repeat" or anything else that leaves the advice as it was
    return AuditEvent(kind="revise", entry=entry_for(after, engine))


def revised(existing: AuditEntry, update: AuditEntry) -> AuditEntry:
    """`existing` (same check) with the outcome of `update`; id and first time kept."""
    return existing.model_copy(
        update=dict(
            urgency=update.urgency,
            reasons=update.reasons,
            slots=update.slots,
            weeks=update.weeks,
            engine=update.engine,
            stopped=update.stopped,
            revised_at=update.time,
        )
    )
