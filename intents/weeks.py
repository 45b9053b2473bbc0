"""Weeks of pregnancy from an utterance: "twelve weeks", "28 wks", "about seven months"."""

from __future__ import annotations

import re
from typing import Iterator

from models import MAX_WEEKS, MIN_WEEKS

WEEKS_PER_MONTH = 4.3

# "30 8": a ten and a unit a recogniser wrote apart ("thirty eight" as "30 8") is one number
_NUMBER = r"((?<!\d )[2-4]0 [1-9](?! ?\d)|\d+(?: point \d+)?)"
_HALF = r"(?: and (?:a )?half)?"
_WEEKS = re.compile(rf"{_NUMBER}{_HALF} ?(?:weeks?|wks?|wk|w)(?![a-z])")
_WEEK_ORDINAL = re.compile(r"(\d+) ?(?:st|nd|rd|th) week")
_MONTHS = re.compile(rf"{_NUMBER}{_HALF} ?(?:months?|mos?|mths?)(?![a-z])")
_MONTH_ORDINAL = re.compile(r"(\d+) ?(?:st|nd|rd|th) month")
_PLUS_DAYS = re.compile(r"(\d+) ?(?:plus|\+) ?\d(?: days?)?")  # "32 plus 4", as midwives write it
_PREGNANCY_AFTER = re.compile(r"^ ?(?:pregnant|along|gestation|into)")
# "7 days", "about 7 minutes" (how "seven months" can be heard): not a number of weeks
_DAYS_AFTER = re.compile(r"^ ?(?:days?|d|minutes?|mins?|hours?|hrs?|years?|yrs?|seconds?)(?![a-z])")
_BARE = re.compile(rf"(?<![a-z0-9]){_NUMBER}(?![a-z0-9])")
# "for 3 weeks", "2 weeks ago": a duration of the pain, not the pregnancy
_DURATION_BEFORE = re.compile(r"(?:for|past|last|than|over the|since|every|in the last|couple of|few) (?:about |around |almost |nearly |over |the )?$")
_DURATION_AFTER = re.compile(r"^ ?(?:ago|now or|straight|in a row|of (?:pain|this|back pain|it))")
# in free text a number of weeks counts only when it is about the pregnancy
# "my lower back aches, 25 weeks": a number of weeks that is a clause of its own
_OWN_CLAUSE_BEFORE = re.compile(r"[.,] (?:and |um |so |oh )?(?:about |around |nearly |almost |just |only )?$")
_OWN_CLAUSE_AFTER = re.compile(r"^ ?(?:[.,]|$|(?:now|today|pregnant|along|gone|exactly|and|so|with)\b)")
# "due in 8 weeks" (40 - 8), "two weeks overdue" (40 + 2), "my last period was 10 weeks ago"
_DUE_IN_BEFORE = re.compile(r"(?:due|baby is due|baby s due|due date is) (?:in )?(?:about |around |just |only |roughly )?$")
_OVERDUE_AFTER = re.compile(r"^ ?(?:overdue|over due|late|past (?:my |the )?due date)")
_LAST_PERIOD_BEFORE = re.compile(r"(?:last period|last menstrual period|lmp)(?: \w+){0,3} (?:about |around )?$")
_AGO_AFTER = re.compile(r"^ ?ago")
# "8 or 9 weeks", "between 18 and 20 weeks": no one number; asked again
# "9 10 weeks" (how "nineteen weeks" can be heard): two numbers side by side are not one either
_RANGE_BEFORE = re.compile(r"\d+ (?:(?:or|to|and|or maybe) (?:about |maybe )?)?$")
_RANGE_AFTER = re.compile(r"^ (?:(?:or|to|and|or maybe) (?:about |maybe )?)?\d+")
_PREGNANCY_BEFORE = re.compile(r"(?:i am|i m|am|at|about|around|almost|nearly|currently|just|only|over|exactly|roughly|she is|baby is|pregnant|along|now|today|since i am|meant|mean|said|actually|sorry|wait) (?:about |around |almost |nearly |only |just |over |now |exactly )?$")


def _number(text: str) -> float:
    tens, _, unit = text.partition(" ")
    return float(tens) + float(unit) if unit.isdigit() else float(text.replace(" point ", "."))


def _value(match: re.Match, half: float = 0.5) -> float:
    return _number(match.group(1)) + (half if "half" in match.group(0) else 0)


def find_weeks(text: str, expecting_weeks: bool) -> Iterator[tuple[int | None, bool, tuple[int, int], bool]]:
    """(weeks, out_of_range, span, bare) for each mention in text whose numbers are digits;
    bare: a number alone, not "N weeks" or "N months".

    Months are converted at 4.3 weeks a month.
    """
    candidates: list[tuple[re.Match, float]] = []
    for m in _PLUS_DAYS.finditer(text):
        candidates.append((m, float(m.group(1))))
    for m in _WEEKS.finditer(text):
        candidates.append((m, _value(m, half=0.0)))  # "34 and a half weeks" is 34 completed weeks
    for m in _WEEK_ORDINAL.finditer(text):
        candidates.append((m, float(m.group(1))))
    for m in _MONTHS.finditer(text):
        candidates.append((m, _value(m) * WEEKS_PER_MONTH))
    for m in _MONTH_ORDINAL.finditer(text):
        candidates.append((m, (float(m.group(1)) - 0.5) * WEEKS_PER_MONTH))
    for m, weeks in sorted(candidates, key=lambda c: c[0].start()):
        before, after = text[: m.start()], text[m.end():]
        if _RANGE_BEFORE.search(before):
            continue
        if _DUE_IN_BEFORE.search(before):
            yield _checked(40 - weeks) + (m.span(), False)
            continue
        if _OVERDUE_AFTER.match(after):
            yield _checked(min(40 + weeks, MAX_WEEKS)) + (m.span(), False)
            continue
        if _LAST_PERIOD_BEFORE.search(before) and _AGO_AFTER.match(after):
            yield _checked(weeks) + (m.span(), False)
            continue
        if _DURATION_BEFORE.search(before) or _DURATION_AFTER.match(after):
            continue
        at_start = not before.strip(" .,")
        own_clause = _OWN_CLAUSE_BEFORE.search(before) and _OWN_CLAUSE_AFTER.match(after)
        if not (expecting_weeks or at_start or own_clause or _PREGNANCY_BEFORE.search(before)
                or _PREGNANCY_AFTER.match(after)):
            continue
        if not expecting_weeks and weeks < 4 and not _PREGNANCY_AFTER.match(after):
            continue  # nobody volunteers "2 weeks" of pregnancy; it is how long the pain has lasted
        yield _checked(weeks) + (m.span(), False)
    if expecting_weeks:
        # bare numbers answer "how many weeks?"; with several ("thirteen, no sorry, thirty",
        # "I had my first at 38 weeks, now I'm 20") the caller picks by corrections and context
        taken = [m.span() for m, _ in candidates]
        for n in _BARE.finditer(text):
            if _RANGE_AFTER.match(text[n.end():]) or _RANGE_BEFORE.search(text[:n.start()]):
                continue  # one end of a range: the weeks stay unknown (every stage's advice applies)
            if not any(a <= n.start() < b for a, b in taken) and not _DAYS_AFTER.match(text[n.end():]):
                yield _checked(_number(n.group(1))) + (n.span(), True)


def _checked(weeks: float) -> tuple[int | None, bool]:
    rounded = int(weeks + 0.5)
    if MIN_WEEKS <= rounded <= MAX_WEEKS:
        return rounded, False
    return None, True
