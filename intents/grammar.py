"""Per-question grammars: the phrases a recogniser should listen for at each point.

The dialogue state decides what can be said next: a yes/no question accepts answers,
commands, phrases naming the asked signs and the emergency phrases; the weeks question
accepts numbers of weeks or months; the open question has no grammar (free speech); after
the advice, the commands and the emergency phrases.
"""

from __future__ import annotations

from functools import lru_cache

from intents.model import load

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
    """grammar.yaml as validated with the rest of the interaction model at start-up."""
    return load().grammar.model_dump()


def _unique(phrases) -> list[str]:
    return list(dict.fromkeys(p.strip().lower() for p in phrases if p.strip()))


# Fewer than 4 weeks is not a pregnancy anyone reports (a test turns positive at about 4),
# so a recogniser does not listen for it: measured on held-out voices, "nine weeks" and
# "four months" were heard as "one weeks" and "one months". Without them (and with "one
# month" singular): 316 -> 317 of 352 right, 176 -> 179 of 200 on the fixtures and the
# blind-written phrasings. Typed, any number 1-42 is still understood.
FEWEST_WEEKS_SPOKEN = 4


def _singular(tail: str) -> str:
    """ "months pregnant" -> "month pregnant", after "one" (weeks start at 4)."""
    return "month" + tail[len("months"):] if tail.startswith("months") else tail


def weeks_phrases() -> list[str]:
    data = _data()["weeks"]
    leads = [""] + data["leads"]

    def framed(numbers, tails):
        return [" ".join(filter(None, (lead, number_words(n), _singular(tail) if n == 1 else tail)))
                for lead in leads for n in numbers for tail in [""] + tails]
    phrases = (data["unknown"] + framed(range(FEWEST_WEEKS_SPOKEN, 43), data["week_tails"])
               + framed(range(1, 10), data["month_tails"]))
    return _unique(phrases + _data()["commands"])


def answer_phrases(answer: str) -> list[str]:
    """Every phrase meaning `answer` (yes / no / unsure): said alone, or a head + a tail."""
    data = _data()
    heads, tails = data["heads"][answer], data["tails"][answer]
    return _unique(data["answers"][answer] + heads + [f"{h} {t}" for h in heads for t in tails])


def sign_phrases(slot: str) -> dict[str, list[str]]:
    """Phrases naming `slot` as present or absent, alone and echoed after "yes" / "no"."""
    data = _data()
    signs = data["signs"].get(slot, {})
    return {side: _unique(signs.get(side, []) + [f"{h} {p}" for h in data["echo_heads"][side]
                                                 for p in signs.get(side, [])])
            for side in ("present", "absent")}


def yes_no_phrases(asking: list[str]) -> list[str]:
    data = _data()
    phrases = [p for answer in ("yes", "no", "unsure") for p in answer_phrases(answer)]
    phrases += data["small_amounts"] + data["commands"] + data["always"]
    for slot in asking:
        phrases += [p for side in sign_phrases(slot).values() for p in side]
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
