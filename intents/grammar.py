"""Per-question grammars: the phrases a recogniser should listen for at each point.

The dialogue state decides what can be said next: a yes/no question accepts answers,
commands, phrases naming the asked signs and the emergency phrases; the weeks question
accepts numbers of weeks or months; the open question has no grammar (free speech); after
the advice, the commands and the emergency phrases.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = ("twenty", "thirty", "forty")


def number_words(n: int) -> str:
    """1..49 as spoken words: 28 -> "twenty eight"."""
    if n < 20:
        return _UNITS[n - 1]
    tens, unit = divmod(n, 10)
    return _TENS[tens - 2] + (f" {_UNITS[unit - 1]}" if unit else "")


@lru_cache(maxsize=1)
def _data() -> dict:
    text = resources.files("intents").joinpath("data", "grammar.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _unique(phrases) -> list[str]:
    return list(dict.fromkeys(p.strip().lower() for p in phrases if p.strip()))


def weeks_phrases() -> list[str]:
    data = _data()["weeks"]
    phrases = list(data["unknown"])
    for n in range(1, 43):
        phrases += [f.format(n=number_words(n)) for f in data["frames"]]
    for n in range(1, 10):
        phrases += [f.format(n=number_words(n)) for f in data["month_frames"]]
    return _unique(phrases + _data()["commands"])


def yes_no_phrases(asking: list[str]) -> list[str]:
    data = _data()
    phrases = [p for answer in ("yes", "no", "unsure") for p in data["answers"][answer]]
    phrases += data["commands"] + data["always"]
    for slot in asking:
        phrases += data["signs"].get(slot, [])
    return _unique(phrases)


@lru_cache(maxsize=256)
def _cached(expecting: str | None, asking: tuple[str, ...]) -> tuple[str, ...] | None:
    if expecting == "yes_no":
        return tuple(yes_no_phrases(list(asking)))
    if expecting == "weeks":
        return tuple(weeks_phrases())
    if expecting is None:  # after the advice: commands, and any new emergency sign
        data = _data()
        return tuple(_unique(data["commands"] + data["always"]))
    return None


def phrases_for(expecting: str | None, asking: list[str] | None = None) -> list[str] | None:
    """The grammar for the pending question (expecting None: the advice was given).

    None means free speech, for the open question.
    """
    cached = _cached(expecting, tuple(asking or ()))
    return list(cached) if cached is not None else None
