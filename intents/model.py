"""The interaction model: questions, vocabularies, rules and advice, loaded from data/.

Everything the skill says or listens for lives in the YAML files beside this module.
They are validated once at start-up; a broken file raises `InteractionModelError`
naming the file and the problem, so a bad edit never reaches a conversation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from models import RED_FLAG_SLOTS, Urgency
from intents.patterns import compile_phrases

DATA_FILES = ("slots.yaml", "questions.yaml", "vocabulary.yaml", "advice.yaml")


class InteractionModelError(RuntimeError):
    """A data file is missing, malformed or inconsistent."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- slots.yaml ---------------------------------------------------------------------


class Condition(_Strict):
    id: str
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    urgency: Optional[Urgency] = None
    weeks_from: Optional[int] = None
    weeks_below: Optional[int] = None


class SlotRules(_Strict):
    levels: dict[str, Urgency]
    conditions: list[Condition]


# --- questions.yaml -----------------------------------------------------------------


class Wording(_Strict):
    say: str
    plain: str


class Question(_Strict):
    id: str
    slots: list[str] = Field(default_factory=list)
    kind: Literal["yes_no", "weeks"] = "yes_no"
    say: Optional[str] = None
    plain: Optional[str] = None
    only_if: dict[str, list[str]] = Field(default_factory=dict)
    from_weeks: Optional[int] = None
    # the slots in the order the wording names them, when it differs from `slots`
    # (`slots` is the order of the follow-ups): "the first one" is the first named
    order: list[str] = Field(default_factory=list)

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
        return self


class Questions(_Strict):
    greeting: str
    open: Wording
    weeks: Wording
    questions: list[Question]
    slot_questions: dict[str, Wording]
    phrases: dict[str, str]


# --- vocabulary.yaml ----------------------------------------------------------------


class CueSet(_Strict):
    forward: list[str] = Field(default_factory=list)
    backward: list[str] = Field(default_factory=list)
    both: list[str] = Field(default_factory=list)
    pseudo: list[str] = Field(default_factory=list)
    anaphoric: list[str] = Field(default_factory=list)  # a next clause about the one before


class ContextCues(_Strict):
    terminations: list[str]
    negated: CueSet
    historical: CueSet
    family: CueSet
    hypothetical: CueSet
    uncertain: CueSet


class SignPatterns(_Strict):
    present: list[str]
    absent: list[str] = Field(default_factory=list)
    negatable: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)


class Commands(_Strict):
    courtesy: str
    repeat: list[str]
    help: list[str]
    stop: list[str]
    start_over: list[str]
    clarify: list[str]


class OutOfScope(_Strict):
    not_pregnant: list[str]
    not_back: list[str]
    back_words: str
    question: str


class SmallAmounts(_Strict):
    phrases: list[str]
    no_for: list[str]


class Minimizers(_Strict):
    phrases: list[str]
    applies_to: list[str]


class Hedges(_Strict):
    phrases: list[str]
    not_an_answer_for: list[str]


class References(_Strict):
    first: list[str] = Field(default_factory=list)
    second: list[str] = Field(default_factory=list)
    third: list[str] = Field(default_factory=list)
    last: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    others: list[str] = Field(default_factory=list)
    others_no: list[str] = Field(default_factory=list)

    def items(self):
        return self.model_dump().items()


class Answering(_Strict):
    splits: list[str]
    names: dict[str, list[str]]
    references: References
    exclusions: list[str]
    minimizers: Minimizers
    hedges: Hedges
    corrections: list[str]
    descriptions: list[str]


class Vocabulary(_Strict):
    macros: dict[str, str]
    answers: dict[Literal["yes", "no", "unsure"], list[str]]
    small_amounts: SmallAmounts
    commands: Commands
    context: ContextCues
    out_of_scope: OutOfScope
    signs: dict[str, SignPatterns]
    implies: list[tuple[str, str]]
    answering: Answering


# --- advice.yaml --------------------------------------------------------------------


class Advice(_Strict):
    urgency: dict[Urgency, str]
    found_intro: str
    uncertain: str
    stopped: str
    sign_names: dict[str, str]
    conditions: dict[str, str]
    while_waiting: str
    self_care: str
    causes: str
    safety_net: str


class InteractionModel(_Strict):
    rules: SlotRules
    questions: Questions
    vocabulary: Vocabulary
    advice: Advice

    def question(self, question_id: str) -> Question:
        for q in self.questions.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def _read(name: str) -> dict:
    try:
        text = resources.files("intents").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InteractionModelError(f"intents/data/{name}: file is missing") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InteractionModelError(f"intents/data/{name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InteractionModelError(f"intents/data/{name}: expected a mapping at the top level")
    return data


def _parse(name: str, cls: type[BaseModel], data: dict) -> BaseModel:
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise InteractionModelError(f"intents/data/{name}: {problems}") from exc


def _check_slot_ids(file: str, where: str, ids, allow_weeks: bool = False) -> None:
    known = set(RED_FLAG_SLOTS) | ({"weeks"} if allow_weeks else set())
    unknown = sorted(set(ids) - known)
    if unknown:
        raise InteractionModelError(f"intents/data/{file}: {where}: unknown slot id(s) {unknown}")


def _check_complete(file: str, where: str, ids) -> None:
    missing = [s for s in RED_FLAG_SLOTS if s not in set(ids)]
    if missing:
        raise InteractionModelError(f"intents/data/{file}: {where}: missing slot id(s) {missing}")


def _check_patterns(vocab: Vocabulary) -> None:
    """Compile every pattern once so a typo in a regex fails start-up, not a conversation."""
    def check(where: str, phrases: list[str]) -> None:
        try:
            compile_phrases(phrases, vocab.macros)
        except (re.error, KeyError) as exc:
            raise InteractionModelError(f"intents/data/vocabulary.yaml: {where}: bad pattern: {exc}") from exc

    for answer, phrases in vocab.answers.items():
        check(f"answers.{answer}", phrases)
    check("small_amounts.phrases", vocab.small_amounts.phrases)
    for command in ("repeat", "help", "stop", "start_over", "clarify"):
        check(f"commands.{command}", getattr(vocab.commands, command))
    for slot, patterns in vocab.signs.items():
        for part in ("present", "absent", "negatable", "exclude"):
            check(f"signs.{slot}.{part}", getattr(patterns, part))
    a = vocab.answering
    for where, phrases in [("splits", a.splits), ("exclusions", a.exclusions), ("minimizers.phrases", a.minimizers.phrases),
                           ("hedges.phrases", a.hedges.phrases), ("corrections", a.corrections),
                           ("descriptions", a.descriptions),
                           *((f"names.{k}", v) for k, v in a.names.items()),
                           *((f"references.{k}", v) for k, v in a.references.items())]:
        check(f"answering.{where}", phrases)
    check("out_of_scope.not_pregnant", vocab.out_of_scope.not_pregnant)
    check("out_of_scope.not_back", vocab.out_of_scope.not_back)


def validate(rules: SlotRules, questions: Questions, vocab: Vocabulary, advice: Advice) -> None:
    _check_complete("slots.yaml", "levels", rules.levels)
    _check_slot_ids("slots.yaml", "levels", rules.levels)
    for cond in rules.conditions:
        _check_slot_ids("slots.yaml", f"conditions.{cond.id}", cond.all + cond.any)
        if cond.id not in advice.conditions:
            raise InteractionModelError(f"intents/data/advice.yaml: conditions: no text for {cond.id!r}")
    asked = [s for q in questions.questions for s in q.slots]
    _check_slot_ids("questions.yaml", "questions", asked)
    _check_complete("questions.yaml", "questions", asked)
    if len(asked) != len(set(asked)):
        raise InteractionModelError("intents/data/questions.yaml: questions: a slot is asked by two questions")
    _check_complete("questions.yaml", "slot_questions", questions.slot_questions)
    _check_slot_ids("questions.yaml", "slot_questions", questions.slot_questions)
    for q in questions.questions:
        _check_slot_ids("questions.yaml", f"questions.{q.id}.only_if", q.only_if)
    _check_complete("vocabulary.yaml", "signs", vocab.signs)
    _check_slot_ids("vocabulary.yaml", "signs", vocab.signs)
    _check_slot_ids("vocabulary.yaml", "implies", [s for pair in vocab.implies for s in pair])
    _check_slot_ids("vocabulary.yaml", "small_amounts.no_for", vocab.small_amounts.no_for)
    _check_slot_ids("vocabulary.yaml", "answering.names", vocab.answering.names)
    _check_slot_ids("vocabulary.yaml", "answering.minimizers.applies_to", vocab.answering.minimizers.applies_to)
    _check_slot_ids("vocabulary.yaml", "answering.hedges.not_an_answer_for", vocab.answering.hedges.not_an_answer_for)
    _check_complete("advice.yaml", "sign_names", advice.sign_names)
    missing_levels = [u.value for u in Urgency if u not in advice.urgency]
    if missing_levels:
        raise InteractionModelError(f"intents/data/advice.yaml: urgency: missing {missing_levels}")
    _check_patterns(vocab)


@lru_cache(maxsize=1)
def load() -> InteractionModel:
    """Load and validate the interaction model (cached: the files are read once)."""
    rules = _parse("slots.yaml", SlotRules, _read("slots.yaml"))
    questions = _parse("questions.yaml", Questions, _read("questions.yaml"))
    vocab = _parse("vocabulary.yaml", Vocabulary, _read("vocabulary.yaml"))
    advice = _parse("advice.yaml", Advice, _read("advice.yaml"))
    validate(rules, questions, vocab, advice)
    return InteractionModel(rules=rules, questions=questions, vocabulary=vocab, advice=advice)
