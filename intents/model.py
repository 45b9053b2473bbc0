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
# The base files hold the en-US words; another locale's folder under data/locales/ holds
# only what it words differently (questions.yaml, advice.yaml), merged over the base.
DEFAULT_LOCALE = "en-US"
LOCALE_FILES = ("questions.yaml", "advice.yaml")
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


def _check_stages(where: str, stages) -> None:
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        raise ValueError(f"{where}: unknown stage(s) {unknown}; stages are {list(STAGES)}")


class StageWording(_Strict):
    say: str
    plain: str


class Wording(_Strict):
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
        _check_stages(f"question {self.id!r}", self.stages)
        return self


class Questions(_Strict):
    greeting: str
    open: Wording
    weeks: Wording
    questions: list[Question]
    slot_questions: dict[str, Wording]
    phrases: dict[str, str]
    # one short kind sentence for a feeling heard (vocabulary.yaml `feelings`)
    feelings: dict[str, str] = Field(default_factory=dict)


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


class AfterAdvice(_Strict):
    """What people say after the advice, besides corrections and commands."""

    thanks: list[str]
    goodbye: list[str]
    more: list[str]
    questions: dict[str, list[str]]  # question id -> patterns; the answers are in advice.yaml


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
    after_advice: AfterAdvice
    feelings: dict[str, list[str]]  # feeling -> patterns; the kind words are in questions.yaml


# --- advice.yaml --------------------------------------------------------------------


class SafetySign(_Strict):
    say: str
    slots: list[str]  # the sign is left out of the safety net when one of these was found


class SafetyNet(_Strict):
    call_if: str  # "{signs}": the signs not already found
    signs: list[SafetySign]
    worse: str  # appended unless the pain is already getting worse
    in_emergency: str
    urgent: str  # for urgent and emergency advice, which already say to call now
    closing: str


class MoreParts(_Strict):
    """Headings of the parts "more" speaks one at a time, in this order."""

    now: str
    why: str
    self_care: str
    self_care_more: str  # the heading of the second part of self-care
    when_to_call: str
    offer: str  # "{next}": the heading of the next part, lower-cased
    all_said: str


class AfterReplies(_Strict):
    thanks: str
    goodbye: str
    other: str
    repeat_offer: str


Staged = str | dict[str, str]  # one text, or texts per stage of pregnancy ("default" for the rest)
ByLevel = str | dict[str, str]  # one text, or texts per urgency level ("default" for the rest)


class Advice(_Strict):
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
    after = vocab.after_advice
    for where, phrases in [("thanks", after.thanks), ("goodbye", after.goodbye), ("more", after.more),
                           *((f"questions.{k}", v) for k, v in after.questions.items())]:
        check(f"after_advice.{where}", phrases)
    for feeling, phrases in vocab.feelings.items():
        check(f"feelings.{feeling}", phrases)
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
    for where, table in (("urgency", advice.urgency), ("now", advice.now)):
        missing_levels = [u.value for u in Urgency if u not in table]
        if missing_levels:
            raise InteractionModelError(f"intents/data/advice.yaml: {where}: missing {missing_levels}")
    for i, sign in enumerate(advice.safety_net.signs):
        _check_slot_ids("advice.yaml", f"safety_net.signs[{i}]", sign.slots)
    # every question heard after the advice has its answer, and every feeling its words
    unanswered = sorted(set(vocab.after_advice.questions) - set(advice.answers))
    if unanswered:
        raise InteractionModelError(f"intents/data/advice.yaml: answers: no answer for {unanswered}")
    unworded = sorted(set(vocab.feelings) - set(questions.feelings))
    if unworded:
        raise InteractionModelError(f"intents/data/questions.yaml: feelings: no words for {unworded}")
    _check_patterns(vocab)


def locales() -> tuple[str, ...]:
    """The locales there are words for: the default, and each folder under data/locales/."""
    folder = resources.files("intents").joinpath("data", "locales")
    others = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return (DEFAULT_LOCALE, *[name for name in others if name != DEFAULT_LOCALE])


def _merge(base, override, where: str):
    """`override` over `base`: mappings key by key, lists of items with an `id` item by
    item; a key the base does not have is a typo, not a new word."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            if key not in base:
                raise InteractionModelError(f"{where}: {key!r} is not in the base file")
            merged[key] = _merge(base[key], value, f"{where}.{key}")
        return merged
    if isinstance(base, list) and isinstance(override, list) and all(isinstance(i, dict) and "id" in i for i in override):
        by_id = {item["id"]: item for item in override}
        unknown = sorted(set(by_id) - {item.get("id") for item in base if isinstance(item, dict)})
        if unknown:
            raise InteractionModelError(f"{where}: ids {unknown} are not in the base file")
        return [_merge(item, by_id[item["id"]], f"{where}.{item['id']}") if item.get("id") in by_id else item
                for item in base]
    return override


def _read_locale(name: str, locale: str) -> dict:
    data = _read(name)
    if locale == DEFAULT_LOCALE or name not in LOCALE_FILES:
        return data
    path = resources.files("intents").joinpath("data", "locales", locale, name)
    if not path.is_file():
        return data
    where = f"intents/data/locales/{locale}/{name}"
    try:
        override = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InteractionModelError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(override, dict):
        raise InteractionModelError(f"{where}: expected a mapping at the top level")
    return _merge(data, override, where)


@lru_cache(maxsize=None)
def load(locale: str = DEFAULT_LOCALE) -> InteractionModel:
    """Load and validate the interaction model of `locale` (cached: read once per locale)."""
    if locale not in locales():
        raise InteractionModelError(f"unknown locale {locale!r}: there are words for {', '.join(locales())}")
    rules = _parse("slots.yaml", SlotRules, _read("slots.yaml"))
    questions = _parse("questions.yaml", Questions, _read_locale("questions.yaml", locale))
    vocab = _parse("vocabulary.yaml", Vocabulary, _read("vocabulary.yaml"))
    advice = _parse("advice.yaml", Advice, _read_locale("advice.yaml", locale))
    validate(rules, questions, vocab, advice)
    return InteractionModel(rules=rules, questions=questions, vocabulary=vocab, advice=advice)
