"""vocabulary.yaml as written (templates, `lists:`, `rules:`) -> as the model keeps it.

Every phrase of the file is a template (intents/templates.py). At load each one is compiled
to the regex the rest of the skill matches with: a `<rule>` is filled in, a `{list}` stays a
`{name}` macro, filled by `intents.patterns.compile_phrases` from `macros` (each list as one
group of its values, and each rule). The templates are kept beside the regexes, by where
they are in the file, for what samples phrases (`sample_phrases`). Pure: dicts in, dicts out.
"""

from __future__ import annotations

import re
from typing import Any

from intents.templates import TemplateError, sample, to_regex

# keys whose strings are slot ids, not phrases
NOT_PHRASES = frozenset({"no_for", "applies_to", "not_an_answer_for", "durations", "implies", "respellings", "absent_like", "asked_with"})
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class PhraseError(ValueError):
    """A bad template, list or rule; the message says where ("signs.fever.present[2]: ...")."""


def _check_names(lists: Any, rules: Any) -> None:
    if not isinstance(lists, dict) or not all(isinstance(v, list) and all(isinstance(s, str) for s in v) for v in lists.values()):
        raise PhraseError("lists: expected a mapping of name -> list of templates")
    if not isinstance(rules, dict) or not all(isinstance(v, str) for v in rules.values()):
        raise PhraseError("rules: expected a mapping of name -> regex")
    for name in [*lists, *rules]:
        if not _NAME.fullmatch(str(name)):
            raise PhraseError(f"lists/rules: {name!r} is not a lower_case name")
    both = sorted(set(lists) & set(rules))
    if both:
        raise PhraseError(f"lists/rules: {both} named twice")
    for name, regex in rules.items():
        try:
            re.compile(regex)
        except re.error as exc:
            raise PhraseError(f"rules.{name}: bad regex {regex!r}: {exc}") from exc


# a list reference left in a compiled template (a regex quantifier starts with a digit)
_LIST_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def _compile(template: str, where: str, lists: dict, rules: dict) -> str:
    if "?" in template:  # "lets? go" would match only a literal "?", which no text keeps
        raise PhraseError(f"{where}: bad template {template!r}: '?' is no template syntax; write [s] or (a|b)")
    try:
        regex = to_regex(template, None, rules)
    except TemplateError as exc:
        raise PhraseError(f"{where}: bad template {template!r}: {exc}") from exc
    unknown = sorted({f"{{{n}}}" for n in _LIST_REF.findall(regex) if n not in lists})
    if unknown:
        raise PhraseError(f"{where}: bad template {template!r}: unknown list {', '.join(unknown)}")
    return regex


def compile_vocabulary(data: dict) -> dict:
    """The file's mapping with every template compiled, `macros` made from `lists` and
    `rules`, and the templates kept under `templates` (where -> templates)."""
    data = dict(data)
    lists, rules = data.pop("lists", {}), data.pop("rules", {})
    _check_names(lists, rules)
    templates: dict[str, list[str]] = {}
    macros = {name: "(?:" + "|".join(_compile(v, f"lists.{name}[{i}]", lists, rules) for i, v in enumerate(values)) + ")"
              for name, values in lists.items()}
    macros.update(rules)

    def walk(node, where: str):
        if isinstance(node, dict):
            return {k: v if k in NOT_PHRASES else walk(v, f"{where}.{k}" if where else str(k)) for k, v in node.items()}
        if isinstance(node, list):
            if all(isinstance(s, str) for s in node):
                templates[where] = list(node)
            return [walk(v, f"{where}[{i}]") for i, v in enumerate(node)]
        if isinstance(node, str):
            return _compile(node, where, lists, rules)
        return node

    compiled = walk(data, "")
    compiled["macros"] = macros
    compiled["templates"] = templates
    compiled["lists"], compiled["rules"] = lists, rules
    return compiled


def sample_phrases(vocab, where: str, per_template: int = 30, rng=None, gap_words: tuple[str, ...] = ()) -> list[str]:
    """Concrete phrases of the templates at `where` in vocabulary.yaml ("signs.fever.present",
    "answers.no"), for a language model or a grammar: for each template its first
    `per_template` phrases in order, or, given `rng` (a random.Random), `per_template` picked
    at random (repeats kept, as a corpus counts them). A gap of words is said as one of
    `gap_words` (in order, the first; at random, one a third of the time), or as nothing;
    other rules (guards, digits) say nothing."""
    from intents.templates import choose

    gaps = [name for name, regex in vocab.rules.items() if "\\w+" in regex]
    templates = vocab.templates.get(where, ())
    if rng is None:
        # spaces on both sides: a gap's own space may be before or after it ("(?:\\w+ )"),
        # and a phrase's spaces are joined into one
        words = {name: f" {gap_words[0]} " for name in gaps} if gap_words else {}
        return [p for t in templates for p in sample(t, vocab.lists, words, per_template)]
    # at random, a gap says a word as often as an optional part is said (a third of the time)
    words = {name: (lambda: f" {rng.choice(gap_words)} " if rng.random() < 1 / 3 else "") for name in gaps} if gap_words else {}
    return [choose(t, rng, vocab.lists, words) for t in templates for _ in range(per_template)]


def expand_grammar(data: dict) -> dict:
    """grammar.yaml as written (templates) -> whole phrases, each template expanded into
    every phrase it says ("weeks [pregnant|along]" -> "weeks pregnant", "weeks along",
    "weeks"). A grammar has no lists or rules: a recogniser hears whole phrases only."""
    def walk(node, where: str):
        if isinstance(node, dict):
            return {k: walk(v, f"{where}.{k}" if where else str(k)) for k, v in node.items()}
        if isinstance(node, list) and all(isinstance(s, str) for s in node):
            out: list[str] = []
            for i, template in enumerate(node):
                try:
                    out += sample(template, limit=None)
                except TemplateError as exc:
                    raise PhraseError(f"{where}[{i}]: bad template {template!r}: {exc}") from exc
            return out
        return node
    return walk(data, "")
