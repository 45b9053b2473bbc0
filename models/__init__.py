"""Pydantic types shared by every layer: slots, urgency, replies, triage, requests.

The urgency levels are fixed by the clinical contract; the slot ids live in the data
(intents/data/slots.yaml), so no type here lists them.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

# The red-flag slot ids are data (intents/data/slots.yaml, validated at start-up): adding a
# sign is a data edit. Saved states carry the version of their shape; a state saved under
# another slot list is brought up to date when it is next used (intents.dialogue).
STATE_SCHEMA = 2  # 1: before the version was saved (and before the slot list was data)

WEEKS_SLOT = "weeks"
MIN_WEEKS, MAX_WEEKS = 1, 42

SlotValue = Optional[Literal["yes", "no", "unsure"]]
Answer = Literal["yes", "no", "unsure"]
Expecting = Optional[Literal["yes_no", "weeks", "free_text"]]
Command = Literal["repeat", "help", "stop", "start_over", "clarify"]


class Urgency(str, Enum):
    """Lowest to highest; `rank` orders them."""

    self_care = "self_care"
    routine = "routine"
    soon = "soon"
    urgent = "urgent"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return list(Urgency).index(self)


class Triage(BaseModel):
    urgency: Urgency
    reasons: list[str] = Field(default_factory=list, description="slot ids, most serious first")
    advice: str


class Reply(BaseModel):
    """What the assistant answers on every turn (interface.md, "The Reply object")."""

    session_id: str
    say: str
    asking: list[str] = Field(default_factory=list)
    expecting: Expecting = None
    done: bool = False
    slots: dict[str, SlotValue | int] = Field(default_factory=dict)
    triage: Optional[Triage] = None
    transcript: Optional[str] = None
    turn: int = Field(0, description="answered turns so far; send it back with the next turn to make retries safe")


class Understanding(BaseModel):
    """What one utterance says, relative to the pending question."""

    answer: Optional[Answer] = None
    signs: dict[str, Answer] = Field(default_factory=dict)
    weeks: Optional[int] = None
    weeks_out_of_range: bool = False
    command: Optional[Command] = None
    out_of_scope: Optional[Literal["not_pregnant", "not_back", "question"]] = None
    # The pending question's signs, each as this answer settles it (rule 10: a sign the
    # answer does not clearly settle is left out, and asked on its own).
    slot_answers: dict[str, Answer] = Field(default_factory=dict)
    # A bare yes to a grouped question, naming no sign: follow up each sign.
    group_yes: bool = False
    # The answer corrects what was said before ("no wait", "actually"): it may lower an
    # answer already given (rule 12). Holds the slots it corrects.
    corrected: list[str] = Field(default_factory=list)
    # The answer only hedged ("sometimes", "a bit", "nothing severe") to a question about
    # how bad or how sudden: not a yes, and the question is asked again saying why.
    hedged: bool = False

    @property
    def understood(self) -> bool:
        return bool(self.answer or self.signs or self.weeks or self.command)


class DialogueState(BaseModel):
    """Everything needed to continue a conversation; serialisable so stores can keep it."""

    model_config = ConfigDict(validate_assignment=False)

    schema_version: int = Field(1, description="the shape of a saved state (models.STATE_SCHEMA)")
    session_id: str
    slots: dict[str, SlotValue] = Field(default_factory=dict, description="every red-flag slot of the data")
    weeks: Optional[int] = None
    weeks_tries: int = 0
    pending: Optional[str] = Field(None, description="id of the question being asked")
    pending_slots: list[str] = Field(default_factory=list)
    rephrased: bool = False
    misunderstood: int = 0
    split_groups: list[str] = Field(default_factory=list, description="groups to ask slot by slot")
    recheck: list[str] = Field(default_factory=list, description="signs counted unsure, asked once more plainly")
    # rule 11: a heard answer read back before it counts ("I heard 'no'. Is that right?")
    confirm: Optional[str] = Field(None, description="the heard words being read back")
    confirm_reply: Optional[Reply] = Field(None, description="the question the read-back interrupted")
    stopped: bool = False
    done: bool = False
    turns: int = 0
    last_question: str = ""
    last_reply: Optional[Reply] = None
    # the words of the turn being answered (a kind sentence for "I'm scared", what was asked
    # after the advice); never stored: it lives only while the turn is worked out
    _words: str = PrivateAttr(default="")


class StartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weeks: Optional[int] = Field(None, ge=MIN_WEEKS, le=MAX_WEEKS, description="weeks of pregnancy, if known")

    @field_validator("weeks", mode="before")
    @classmethod
    def _a_json_number(cls, value):
        # {"weeks": true} or "12" is a client bug, not 1 or 12 weeks fed to triage;
        # 28.0 is the integer 28 in JSON
        if isinstance(value, (bool, str)):
            raise ValueError("weeks must be a whole number from 1 to 42")
        return value


MAX_TEXT_CHARS = 2000


class TextRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(..., max_length=MAX_TEXT_CHARS, description="what the person said or typed")


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail
