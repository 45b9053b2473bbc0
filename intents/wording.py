"""What the skill says, as the data holds it: questions (questions.yaml) and advice
(advice.yaml), worded by stage of pregnancy. Types only; intents.model loads and checks them."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models import Urgency

# Stages of pregnancy that wording can depend on (triage.md rule 4 and the 24-week
# movement question): a stage, or a group of stages. The most specific one given wins.
STAGES = ("under_14", "14_to_19", "20_to_36", "37_plus", "unknown", "under_20", "from_20")


def stage_keys(weeks: int | None) -> tuple[str, ...]:
    """The stage names that apply at `weeks`, most specific first."""
    if weeks is None:
        return ("unknown",)
    if weeks < 14:
        return ("under_14", "under_20")
    if weeks < 20:
        return ("14_to_19", "under_20")
    return ("20_to_36" if weeks < 37 else "37_plus", "from_20")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- questions.yaml -----------------------------------------------------------------


def _check_stages(where: str, stages) -> None:
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise ValueError(f"{where}: unknown stage(s) {unknown}; stages are {list(STAGES)}")


class StageWording(Strict):
    say: str
    plain: str


class Wording(Strict):
    say: str
    plain: str
    # other words at some stages of pregnancy: no "waters" question at 9 weeks
    stages: dict[str, StageWording] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_stages(self) -> "Wording":
        _check_stages("stages", self.stages)
        return self

    def at(self, weeks: int | None) -> "StageWording":
        for key in stage_keys(weeks):
            if key in self.stages:
                return self.stages[key]
        return StageWording(say=self.say, plain=self.plain)


class Question(Strict):
    id: str
    slots: list[str] = Field(default_factory=list)
    kind: Literal["yes_no", "weeks"] = "yes_no"
    say: Optional[str] = None
    plain: Optional[str] = None
    only_if: dict[str, list[str]] = Field(default_factory=dict)
    from_weeks: Optional[int] = None  # ask only from this week, or when the weeks are unknown
    below_weeks: Optional[int] = None  # ask only before this week, or when the weeks are unknown
    # the slots in the order the wording names them, when it differs from `slots`
    # (`slots` is the order of the follow-ups): "the first one" is the first named
    order: list[str] = Field(default_factory=list)
    # where the wording names more things than slots: what a position may mean ("the middle
    # one" of "bleeding, spotting, or fluid"); a position meaning two signs leaves both unsure
    positions: dict[Literal["middle", "second", "third", "last", "first_two", "last_two"], list[str]] = Field(default_factory=dict)
    stages: dict[str, StageWording] = Field(default_factory=dict)  # as Wording.stages

    @property
    def named_order(self) -> list[str]:
        return list(self.order or self.slots)

    @model_validator(mode="after")
    def _shape(self) -> "Question":
        if self.kind == "yes_no" and not self.slots:
            raise ValueError(f"question {self.id!r} asks about no slot")
        if len(self.slots) > 1 and not (self.say and self.plain):
            raise ValueError(f"grouped question {self.id!r} needs both 'say' and 'plain'")
        if self.order and sorted(self.order) != sorted(self.slots):
            raise ValueError(f"question {self.id!r}: 'order' must list exactly its slots")
        if any(set(slots) - set(self.slots) or not slots for slots in self.positions.values()):
            raise ValueError(f"question {self.id!r}: 'positions' must name its own slots")
        _check_stages(f"question {self.id!r}", self.stages)
        return self


class Questions(Strict):
    greeting: str
    open: Wording
    weeks: Wording
    questions: list[Question]
    slot_questions: dict[str, Wording]
    phrases: dict[str, str]
    # one short kind sentence for a feeling heard (vocabulary.yaml `feelings`)
    feelings: dict[str, str] = Field(default_factory=dict)


# --- advice.yaml --------------------------------------------------------------------


class SafetySign(Strict):
    say: str
    slots: list[str]  # the sign is left out of the safety net when one of these was found


class SafetyNet(Strict):
    call_if: str  # "{signs}": the signs not already found
    signs: list[SafetySign]
    worse: SafetySign  # appended unless one of its slots (the pain already getting worse) was found
    in_emergency: str
    urgent: str  # for urgent and emergency advice, which already say to call now
    closing: str


class MoreParts(Strict):
    """Headings of the parts "more" speaks one at a time, in this order."""

    now: str
    why: str
    self_care: str
    self_care_more: str  # the heading of the second part of self-care
    when_to_call: str
    offer: str  # "{next}": the heading of the next part, lower-cased
    all_said: str


class AfterReplies(Strict):
    thanks: str
    goodbye: str
    other: str
    repeat_offer: str


Staged = str | dict[str, str]  # one text, or texts per stage of pregnancy ("default" for the rest)
ByLevel = str | dict[str, str]  # one text, or texts per urgency level ("default" for the rest)


class Advice(Strict):
    emergency_number: str
    urgency: dict[Urgency, str]  # the first sentence: how urgent, and the one action
    urgency_by_stage: dict[Urgency, dict[str, str]] = Field(default_factory=dict)
    stopped_headline: str  # stopped with nothing found: not "no warning signs"
    now: dict[Urgency, Staged]
    found_intro: str
    uncertain: str
    stopped: str
    sign_names: dict[str, str]
    conditions: dict[str, Staged]
    while_waiting: str
    self_care: list[str]  # each one part of "more"
    self_care_short: str
    causes: str
    safety_net: SafetyNet
    spoken_offer: str
    more: MoreParts
    after: AfterReplies
    answers: dict[str, ByLevel]

    @model_validator(mode="after")
    def _shape(self) -> "Advice":
        for level, texts in self.urgency_by_stage.items():
            _check_stages(f"urgency_by_stage.{level.value}", texts)
        for where, texts in [*((f"now.{k.value}", v) for k, v in self.now.items()),
                             *((f"conditions.{k}", v) for k, v in self.conditions.items())]:
            if isinstance(texts, dict):
                _check_stages(where, set(texts) - {"default"})
                if "default" not in texts:
                    raise ValueError(f"{where}: texts by stage need a 'default'")
        levels = {u.value for u in Urgency} | {"default"}
        for key, texts in self.answers.items():
            if isinstance(texts, dict):
                if set(texts) - levels or "default" not in texts:
                    raise ValueError(f"answers.{key}: texts by level need 'default' and only levels {sorted(levels)}")
        return self
