"""Phrase templates in the syntax of Home Assistant's hassil, compiled to regular expressions.

A template is words, `(a|b)` alternatives, `[x]` optional parts, `{name}` a named list
(its values are templates) and `<name>` a named rule (a regex fragment, for what a
template cannot say: "not after 'not '", a gap of a few words, a digit). hassil's own
parser reads the template; this module turns the parse tree into ONE regex string, so
matching stays `re` (fast, and on our word boundaries), and expands it into concrete
phrases for the grammars and the language model. Pure: no I/O.

Why not hassil's matcher: measured on the vocabulary (report of issue 13), it is far
slower than one compiled alternation, and it cannot say lookarounds or word gaps.
"""

from __future__ import annotations

import itertools
import re
from typing import Callable, Iterable, Mapping

from hassil.expression import Alternative, Expression, ListReference, RuleReference, Sequence, TextChunk
from hassil.parse_expression import parse_expression
from hassil.parser import ParseError, next_chunk

# characters of a template's words that mean something to `re`
_REGEX_SPECIAL = re.compile(r"([.^$*+?{}\[\]\\|()])")
_SEP = " "  # one word separator, kept apart so optional parts can take it in


class TemplateError(ValueError):
    """A template that does not parse, or names a list or rule that is not there."""


def parse(template: str) -> Expression:
    """hassil's parse tree of `template`. Not `parse_sentence`: it unwraps a template that
    is one group, and "(a|b)" must stay a group while "a|b" is a bare alternation."""
    if not template.strip():
        raise TemplateError("empty template")
    try:
        chunk = next_chunk(f"({template.strip()})")
        if chunk is None or chunk.end_index != len(template.strip()) + 2:
            raise TemplateError(f"unbalanced brackets in {template!r}")
        return parse_expression(chunk)
    except ParseError as exc:
        raise TemplateError(f"cannot parse {template!r}: {exc}") from exc


# --- to a regex ---------------------------------------------------------------------------


def _pieces(seq: Sequence) -> list:
    """A sequence as words, single separators and sub-expressions."""
    out: list = []
    for item in seq.items:
        if isinstance(item, TextChunk):
            for part in re.split(r"( +)", item.text):
                if part.startswith(" "):
                    if not (out and out[-1] is _SEP):  # hassil keeps "a  b" as one space
                        out.append(_SEP)
                elif part:
                    out.append(part)
        else:
            out.append(item)
    return out


def _attached(piece) -> bool:
    """Whether an optional part next to `piece` is part of the same word (leg[s], (a|b)[s])."""
    return piece is not None and piece is not _SEP and not _is_optional(piece) and not isinstance(piece, RuleReference)


def _is_optional(item) -> bool:
    return isinstance(item, Alternative) and item.is_optional


class _Compiler:
    def __init__(self, ref: Callable[[str, str], str]):
        self._ref = ref  # (kind, name) -> regex text for a list or rule reference

    def expression(self, exp: Expression, top: bool = False) -> str:
        if isinstance(exp, TextChunk):
            return _REGEX_SPECIAL.sub(r"\\\1", exp.text)
        if isinstance(exp, ListReference):
            return self._ref("list", exp.list_name)
        if isinstance(exp, RuleReference):
            return self._ref("rule", exp.rule_name)
        if isinstance(exp, Alternative):
            if exp.is_optional:
                return self.optional(exp, "", "")
            body = "|".join(self.choice(i) for i in exp.items)
            return body if top else f"(?:{body})"
        if isinstance(exp, Sequence):  # a group "(a b)" inside a sequence
            return self.sequence(exp) if top else f"(?:{self.sequence(exp)})"
        raise TemplateError(f"unsupported template part {type(exp).__name__}")

    def choice(self, exp: Expression) -> str:
        """One choice of an alternative: a sequence that is not a group of its own."""
        return self.sequence(exp) if isinstance(exp, Sequence) else self.expression(exp)

    def optional(self, alt: Alternative, before: str, after: str) -> str:
        """`[a|b]`, with the separator it took in: "my [left] leg" -> "my (?:left )?leg"."""
        choices = [i for i in alt.items if not (isinstance(i, TextChunk) and i.text == "")]
        bodies = [before + self.choice(c) + after for c in choices]
        if len(bodies) == 1 and len(bodies[0]) == 1:
            return f"{bodies[0]}?"  # leg[s] -> legs?
        return f"(?:{'|'.join(bodies)})?"

    def sequence(self, seq: Sequence) -> str:
        pieces = _pieces(seq)
        out: list[str] = []
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            if piece is _SEP:
                out.append(" ")
            elif isinstance(piece, str):
                out.append(_REGEX_SPECIAL.sub(r"\\\1", piece))
            elif _is_optional(piece):
                prev = pieces[i - 1] if i > 0 else None
                after = pieces[i + 1] if i + 1 < len(pieces) else None
                if _attached(prev) or _attached(after):
                    out.append(self.optional(piece, "", ""))  # part of a word: leg[s], [un]well
                else:
                    # a word of its own: the words around it keep one separator between them
                    # whether it is said or not. It takes in the separator after it when a word
                    # follows it (or a run of optional words, then a word), else the one before
                    left = prev is _SEP and out[-1:] == [" "]
                    j = i + 1
                    while j + 1 < len(pieces) and pieces[j] is _SEP and _is_optional(pieces[j + 1]):
                        j += 2
                    word_follows = j + 1 < len(pieces) and pieces[j] is _SEP
                    if after is _SEP and (word_follows or not left):
                        out.append(self.optional(piece, "", " "))
                        i += 1
                    elif left:
                        out.pop()
                        out.append(self.optional(piece, " ", ""))
                    else:
                        out.append(self.optional(piece, "", ""))
            else:
                out.append(self.expression(piece))
            i += 1
        return "".join(out)


def to_regex(template: str, lists: Mapping[str, str] | None = None, rules: Mapping[str, str] | None = None) -> str:
    """The regex of `template`. `lists` / `rules`: name -> regex to fill references with;
    when one is None its references stay `{name}`, to be filled later by
    `intents.patterns.expand_macros` (the form the interaction model keeps)."""
    tables = {"list": lists, "rule": rules}

    def ref(kind: str, name: str) -> str:
        table = tables[kind]
        if table is None:
            return "{" + name + "}"
        if name not in table:
            raise TemplateError(f"unknown {kind} " + ("{" + name + "}" if kind == "list" else f"<{name}>"))
        return table[name]
    return _Compiler(ref).expression(parse(template), top=True)


def list_regex(values: Iterable[str]) -> str:
    """A named list as one group of its values' regexes: {leg} -> "(?:legs?|thighs?|...)"."""
    return "(?:" + "|".join(to_regex(v) for v in values) + ")"


# --- to phrases -----------------------------------------------------------------------------


def _join(parts: Iterable[str]) -> str:
    return re.sub(r" +", " ", "".join(parts)).strip()


def _expand(exp: Expression, lists: Mapping[str, list[str]], rules: Mapping[str, str], depth: int) -> Iterable[str]:
    if depth > 10:
        raise TemplateError("lists nest more than 10 deep")
    if isinstance(exp, TextChunk):
        yield exp.text
    elif isinstance(exp, Alternative):
        # an optional part is left out first ("my leg", then "my left leg"); hassil keeps
        # the empty choice last
        items = exp.items[-1:] + exp.items[:-1] if exp.is_optional else exp.items
        for item in items:
            yield from _expand(item, lists, rules, depth)
    elif isinstance(exp, Sequence):
        options = [list(_expand(i, lists, rules, depth)) for i in exp.items]
        for combo in itertools.product(*options):
            yield "".join(combo)
    elif isinstance(exp, ListReference):
        if exp.list_name not in lists:
            raise TemplateError(f"unknown list {{{exp.list_name}}}")
        for value in lists[exp.list_name]:
            yield from _expand(parse(value), lists, rules, depth + 1)
    elif isinstance(exp, RuleReference):
        # a rule is a regex: it is said as what it stands for in `rules` (a guard or a gap
        # of words says nothing), or left out when the table has no words for it
        yield rules.get(exp.rule_name, "")
    else:
        raise TemplateError(f"unsupported template part {type(exp).__name__}")


def sample(template: str, lists: Mapping[str, list[str]] | None = None, rules: Mapping[str, str] | None = None,
           limit: int | None = 1000) -> list[str]:
    """Concrete phrases of `template`, in template order, without repeats, at most `limit`.
    `lists`: name -> value templates; `rules`: name -> the words a rule is said as (a
    rule not there says nothing: guards and word gaps)."""
    seen: dict[str, None] = {}
    for phrase in _expand(parse(template), lists or {}, rules or {}, 0):
        phrase = _join(phrase)
        if phrase and phrase not in seen:
            seen[phrase] = None
            if limit is not None and len(seen) >= limit:
                break
    return list(seen)


def choose(template: str, rng, lists: Mapping[str, list[str]] | None = None,
           rules: Mapping[str, str | Callable[[], str]] | None = None, optional: float = 1 / 3) -> str:
    """One phrase of `template` picked at random (`rng`: a random.Random): each alternative
    equally, an optional part said with probability `optional`. A rule is said as its
    entry in `rules` (a string, or a function giving one), else as nothing."""
    lists, rules = lists or {}, rules or {}

    def pick(exp: Expression) -> str:
        if isinstance(exp, TextChunk):
            return exp.text
        if isinstance(exp, Alternative):
            if exp.is_optional:
                return pick(rng.choice(exp.items[:-1])) if rng.random() < optional else ""
            return pick(rng.choice(exp.items))
        if isinstance(exp, Sequence):
            return "".join(pick(i) for i in exp.items)
        if isinstance(exp, ListReference):
            if exp.list_name not in lists:
                raise TemplateError(f"unknown list {{{exp.list_name}}}")
            return pick(parse(rng.choice(lists[exp.list_name])))
        if isinstance(exp, RuleReference):
            said = rules.get(exp.rule_name, "")
            return said() if callable(said) else said
        raise TemplateError(f"unsupported template part {type(exp).__name__}")
    return _join(pick(parse(template)))
