"""The interaction model: questions, vocabularies, rules and advice, loaded from data/.

Everything the skill says or listens for lives in the YAML files beside this module.
They are validated once at start-up; a broken file raises `InteractionModelError`
naming the file and the problem, so a bad edit never reaches a conversation.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Optional

import yaml
from pydantic import BaseModel, Field, ValidationError

from models import Urgency
from intents.patterns import compile_phrases
from intents.phrasebook import PhraseError, compile_vocabulary, expand_grammar
from intents.vocabulary import Grammar, Vocabulary
from intents.wording import Advice, Question, Questions, Strict

DATA_FILES = ("slots.yaml", "questions.yaml", "vocabulary.yaml", "advice.yaml", "grammar.yaml")
# The base files hold the en-US words; another locale's folder under data/locales/ holds
# only what it words differently (questions.yaml, advice.yaml), merged over the base.
DEFAULT_LOCALE = "en-US"
LOCALE_FILES = ("questions.yaml", "advice.yaml")


class InteractionModelError(RuntimeError):
    """A data file is missing, malformed or inconsistent."""


# --- slots.yaml ---------------------------------------------------------------------


class Condition(Strict):
    id: str
    all: list[str] = Field(default_factory=list)
    any: list[str] = Field(default_factory=list)
    urgency: Optional[Urgency] = None
    weeks_from: Optional[int] = None
    weeks_below: Optional[int] = None


class Window(Strict):
    from_weeks: Optional[int] = None
    below_weeks: Optional[int] = None

    def holds(self, weeks: int | None) -> bool:
        """Unknown weeks are in every window: the advice then covers every possibility."""
        if weeks is None:
            return True
        return (self.from_weeks is None or weeks >= self.from_weeks) and (
            self.below_weeks is None or weeks < self.below_weeks)


class SlotRules(Strict):
    # every red-flag slot with its level, in the order the reasons of equal level are given
    levels: dict[str, Urgency]
    # a sign of one stage of pregnancy counts only in its window of weeks
    windows: dict[str, Window] = Field(default_factory=dict)
    conditions: list[Condition]

    @property
    def slots(self) -> tuple[str, ...]:
        """The red-flag slot ids: the slot list of the data, nowhere else."""
        return tuple(self.levels)


class InteractionModel(Strict):
    rules: SlotRules
    questions: Questions
    vocabulary: Vocabulary
    advice: Advice
    grammar: Grammar

    @property
    def slot_ids(self) -> tuple[str, ...]:
        return self.rules.slots

    def question(self, question_id: str) -> Question:
        for q in self.questions.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)


def packaged_data():
    """The interaction model that ships with the skill: intents/data/."""
    return resources.files("intents").joinpath("data")


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping: YAML keeps only the last,
    so a second `absent:` under a sign would silently drop the first list."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice (first on line {seen[key]})", key_node.start_mark)
        seen[key] = key_node.start_mark.line + 1
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _load_yaml(text: str):
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


def _read(name: str, folder=None) -> dict:
    try:
        text = (folder or packaged_data()).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InteractionModelError(f"intents/data/{name}: file is missing") from exc
    try:
        data = _load_yaml(text)
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


def _check_slot_ids(file: str, where: str, ids, slots: tuple[str, ...]) -> None:
    unknown = sorted(set(ids) - set(slots))
    if unknown:
        raise InteractionModelError(f"intents/data/{file}: {where}: unknown slot id(s) {unknown}")


def _check_complete(file: str, where: str, ids, slots: tuple[str, ...]) -> None:
    missing = [s for s in slots if s not in set(ids)]
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
        for part in ("present", "absent", "negatable", "exclude", "partial", "absent_when_asked", "present_when_asked"):
            check(f"signs.{slot}.{part}", getattr(patterns, part))
    a = vocab.answering
    for where, phrases in [("splits", a.splits), ("exclusions", a.exclusions), ("minimizers.phrases", a.minimizers.phrases),
                           ("hedges.phrases", a.hedges.phrases), ("hedges.how_often", a.hedges.how_often), ("corrections", a.corrections),
                           ("over_in_a_correction", a.over_in_a_correction),
                           ("fine_after_a_name", a.fine_after_a_name), ("question_backs", a.question_backs),
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
    slots = rules.slots
    bad = [s for s in slots if not re.fullmatch(r"[a-z][a-z0-9_]*", s) or s == "weeks"]
    if not slots or bad:
        raise InteractionModelError(f"intents/data/slots.yaml: levels: slot ids are lower_case words, not 'weeks': {bad}")
    _check_slot_ids("slots.yaml", "windows", rules.windows, slots)
    for cond in rules.conditions:
        _check_slot_ids("slots.yaml", f"conditions.{cond.id}", cond.all + cond.any, slots)
        if cond.id not in advice.conditions:
            raise InteractionModelError(f"intents/data/advice.yaml: conditions: no text for {cond.id!r}")
    asked = [s for q in questions.questions for s in q.slots]
    _check_slot_ids("questions.yaml", "questions", asked, slots)
    _check_complete("questions.yaml", "questions", asked, slots)
    if len(asked) != len(set(asked)):
        raise InteractionModelError("intents/data/questions.yaml: questions: a slot is asked by two questions")
    _check_complete("questions.yaml", "slot_questions", questions.slot_questions, slots)
    _check_slot_ids("questions.yaml", "slot_questions", questions.slot_questions, slots)
    _check_slot_ids("questions.yaml", "questions.*.only_if", [s for q in questions.questions for s in q.only_if], slots)
    _check_complete("vocabulary.yaml", "signs", vocab.signs, slots)
    _check_slot_ids("vocabulary.yaml", "signs", vocab.signs, slots)
    _check_slot_ids("vocabulary.yaml", "signs.*.absent_like/asked_with", [s for p in vocab.signs.values() for s in p.absent_like + p.asked_with], slots)
    _check_slot_ids("vocabulary.yaml", "implies", [s for pair in vocab.implies for s in pair], slots)
    _check_slot_ids("vocabulary.yaml", "small_amounts.no_for", vocab.small_amounts.no_for, slots)
    _check_slot_ids("vocabulary.yaml", "answering.names", vocab.answering.names, slots)
    _check_slot_ids("vocabulary.yaml", "answering.minimizers.applies_to", vocab.answering.minimizers.applies_to, slots)
    _check_slot_ids("vocabulary.yaml", "answering.hedges.not_an_answer_for", vocab.answering.hedges.not_an_answer_for, slots)
    _check_complete("advice.yaml", "sign_names", advice.sign_names, slots)
    for where, table in (("urgency", advice.urgency), ("now", advice.now)):
        missing_levels = [u.value for u in Urgency if u not in table]
        if missing_levels:
            raise InteractionModelError(f"intents/data/advice.yaml: {where}: missing {missing_levels}")
    _check_slot_ids("advice.yaml", "safety_net.worse", advice.safety_net.worse.slots, slots)
    _check_slot_ids("vocabulary.yaml", "answering.durations", vocab.answering.durations, slots)
    for i, sign in enumerate(advice.safety_net.signs):
        _check_slot_ids("advice.yaml", f"safety_net.signs[{i}]", sign.slots, slots)
    # every question heard after the advice has its answer, and every feeling its words
    unanswered = sorted(set(vocab.after_advice.questions) - set(advice.answers))
    if unanswered:
        raise InteractionModelError(f"intents/data/advice.yaml: answers: no answer for {unanswered}")
    unworded = sorted(set(vocab.feelings) - set(questions.feelings))
    if unworded:
        raise InteractionModelError(f"intents/data/questions.yaml: feelings: no words for {unworded}")
    _check_patterns(vocab)


def locales(data=None) -> tuple[str, ...]:
    """The locales there are words for: the default, and each folder under data/locales/."""
    folder = (data or packaged_data()).joinpath("locales")
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


def _read_locale(name: str, locale: str, folder=None) -> dict:
    data = _read(name, folder)
    if locale == DEFAULT_LOCALE or name not in LOCALE_FILES:
        return data
    path = (folder or packaged_data()).joinpath("locales", locale, name)
    if not path.is_file():
        return data
    where = f"intents/data/locales/{locale}/{name}"
    try:
        override = _load_yaml(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise InteractionModelError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(override, dict):
        raise InteractionModelError(f"{where}: expected a mapping at the top level")
    return _merge(data, override, where)


@lru_cache(maxsize=None)
def load(locale: str = DEFAULT_LOCALE, data=None) -> InteractionModel:
    """Load and validate the interaction model of `locale` (cached: read once per locale).
    `data`: another folder laid out like intents/data/ (a path), else the packaged one."""
    if locale not in locales(data):
        raise InteractionModelError(f"unknown locale {locale!r}: there are words for {', '.join(locales(data))}")
    rules = _parse("slots.yaml", SlotRules, _read("slots.yaml", data))
    questions = _parse("questions.yaml", Questions, _read_locale("questions.yaml", locale, data))
    try:
        vocab_data = compile_vocabulary(_read("vocabulary.yaml", data))
    except PhraseError as exc:
        raise InteractionModelError(f"intents/data/vocabulary.yaml: {exc}") from exc
    vocab = _parse("vocabulary.yaml", Vocabulary, vocab_data)
    advice = _parse("advice.yaml", Advice, _read_locale("advice.yaml", locale, data))
    try:
        grammar_data = expand_grammar(_read("grammar.yaml", data))
    except PhraseError as exc:
        raise InteractionModelError(f"intents/data/grammar.yaml: {exc}") from exc
    grammar = _parse("grammar.yaml", Grammar, grammar_data)
    _check_slot_ids("grammar.yaml", "signs", grammar.signs, rules.slots)
    validate(rules, questions, vocab, advice)
    return InteractionModel(rules=rules, questions=questions, vocabulary=vocab, advice=advice, grammar=grammar)
