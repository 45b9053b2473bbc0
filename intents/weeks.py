"""Weeks of pregnancy from an utterance: "twelve weeks", "28 wks", "about seven months"."""

from __future__ import annotations

import re
from typing import Callable, Iterator

from intents.context import ELSEWHERE
from models import MAX_WEEKS, MIN_WEEKS

WEEKS_PER_MONTH = 4.3

# "30 8": a ten and a unit a recogniser wrote apart ("thirty eight" as "30 8") is one number
_NUMBER = r"((?<!\d )[2-4]0 [1-9](?! ?\d)|\d+(?: point \d+)?)"
_HALF = r"(?: and (?:a )?half)?"
_WEEKS = re.compile(rf"{_NUMBER}{_HALF} ?(?:weeks?|wks?|wk|w)(?![a-z])")
_WEEK_ORDINAL = re.compile(r"(\d+) ?(?:st|nd|rd|th) week")
_MONTHS = re.compile(rf"{_NUMBER}{_HALF} ?(?:months?|mos?|mths?)(?:{_HALF})?(?![a-z])")
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
# "my 20 week scan": the name of a visit, not how far along she is now
_VISIT_AFTER = re.compile(r"^ ?(?:scan|check|checkup|check up|appointment|ultrasound|screening|test|blood test|visit)")
# "a month", "a month and a half": one month, written so that every offset stays where it was
_A_MONTH = re.compile(r"(?<![a-z0-9])a (?=months?(?![a-z]))")
# "8 or 9 weeks", "between 18 and 20 weeks": no one number; asked again
# "9 10 weeks" (how "nineteen weeks" can be heard): two numbers side by side are not one either
_RANGE_BEFORE = re.compile(r"\d+ (?:(?:or|to|and|or maybe) (?:about |maybe )?)?$")
_RANGE_AFTER = re.compile(r"^ (?:(?:or|to|and|or maybe) (?:about |maybe )?)?\d+")
_PREGNANCY_BEFORE = re.compile(r"(?:i am|i m|am|at|about|around|almost|nearly|currently|just|only|over|exactly|roughly|she is|baby is|pregnant|along|now|today|since i am|meant|mean|said|actually|sorry|wait) (?:about |around |almost |nearly |only |just |over |now |exactly |like |maybe |probably )?$")

_WEEKS_CORRECTED = re.compile(r"(?<![a-z])(?:(?:the|my) weeks|how far along|how many weeks|i said \d+ weeks)(?![a-z])")
# "not thirteen": a number said only to be taken back
_TAKEN_BACK = re.compile(r"(?:not|no not|rather than|instead of) (?:about |around )?$")
# "now I'm 20", "this time I'm 24 weeks": the pregnancy now, not one before
_NOW = re.compile(r"(?<![a-z])(?:now|this time|this one|currently|today|so)(?![a-z])")
# "20 weeks today, no 21": a number that replaces the one before it
_REPLACES = re.compile(r"(?:^|[ ,])(?:no|sorry|i mean|i meant|make that|actually|wait|rather) ,? ?$")
# "the midwife said 27 weeks": what she was told of this pregnancy, not a what-if
_TOLD = re.compile(r"(?<![a-z])(?:said|says|told|tells|reckons|thinks|measured|dated)(?![a-z])")
# "and I'm 23 now": how far along she is, said in an answer about how long it has hurt
# a time then, not how far along she is: "at 12 weeks", "until 30 weeks"
_WHEN_THEN = re.compile(r"(?<![a-z])(?:at|by|to|from|since|until|till|after|before|was|were|had|born|came|lost)(?: about| around)? $")
_I_AM = re.compile(r"(?<![a-z])(?:i am|i m|she is|baby is) (?:about |around |nearly |almost |now |only |just )?$")
# "three oh" for thirty, as a number is read out
_READ_OUT = re.compile(r"(?<![0-9])([1-4]) (?:oh|o|zero)(?![a-z0-9])")


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
    if expecting_weeks:  # "about a month" answers the question; "over a month" of pain does not
        text = _A_MONTH.sub("1 ", text)
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
        if _DURATION_BEFORE.search(before) or _DURATION_AFTER.match(after) or _VISIT_AFTER.match(after):
            continue
        at_start = not before.strip(" .,")
        own_clause = _OWN_CLAUSE_BEFORE.search(before) and _OWN_CLAUSE_AFTER.match(after)
        if not (expecting_weeks or at_start or own_clause or _PREGNANCY_BEFORE.search(before)
                or _PREGNANCY_AFTER.match(after)):
            continue
        if not expecting_weeks and weeks < 4 and not _PREGNANCY_AFTER.match(after):
            continue  # nobody volunteers "2 weeks" of pregnancy; it is how long the pain has lasted
        yield _checked(weeks) + (m.span(), False)
    # her weeks corrected in an answer to another question: "going back to the weeks, I said
    # twenty-two, I'm actually twenty-five now" (rule 12)
    correcting = not expecting_weeks and bool(_WEEKS_CORRECTED.search(text))
    if expecting_weeks or correcting:
        # bare numbers answer "how many weeks?"; with several ("thirteen, no sorry, thirty",
        # "I had my first at 38 weeks, now I'm 20") the caller picks by corrections and context
        taken = [m.span() for m, _ in candidates]
        for n in _BARE.finditer(text):
            if _RANGE_AFTER.match(text[n.end():]) or _RANGE_BEFORE.search(text[:n.start()]):
                continue  # one end of a range: the weeks stay unknown (every stage's advice applies)
            if correcting and not _PREGNANCY_BEFORE.search(text[:n.start()]):
                continue
            if not any(a <= n.start() < b for a, b in taken) and not _DAYS_AFTER.match(text[n.end():]):
                yield _checked(_number(n.group(1))) + (n.span(), True)


def _checked(weeks: float) -> tuple[int | None, bool]:
    rounded = int(weeks + 0.5)
    if MIN_WEEKS <= rounded <= MAX_WEEKS:
        return rounded, False
    return None, True


def weeks_said(text: str, of_mention: Callable, correction_start: Callable[[str], int | None],
               expecting_weeks: bool, only_now: bool = False) -> tuple[int | None, bool]:
    """Weeks of this pregnancy: not a past one, not someone else's, not one taken back
    ("thirteen, no sorry, thirty", "I said thirty, not thirteen"). only_now: only weeks
    said to be now ("since sixteen weeks, and I'm twenty three now"), in an answer about
    how long it has hurt."""
    spelled = _READ_OUT.sub(r"\g<1>0", text)
    begin = correction_start(spelled) or 0
    found = []
    for weeks, out_of_range, span, bare in find_weeks(spelled, expecting_weeks or only_now):
        context, cue = of_mention(spelled, *span)
        told = context == "hypothetical" and cue is not None and _TOLD.search(spelled[cue[0]:cue[1]])
        # "I'm thirty weeks with my second": the pregnancy she is in, counted among her others
        # ("32 weeks with my second" too, but not "I bled at 12 weeks with my first")
        mine = context == "historical" and cue is not None and cue[0] >= span[1] and (_I_AM.search(
            spelled[max(0, span[0] - 20):span[0]]) or not spelled[span[1]:cue[0]].strip(" ,") and not _WHEN_THEN.search(
            spelled[max(0, span[0] - 12):span[0]]))
        if (context in ELSEWHERE and not told and not mine) or _TAKEN_BACK.search(spelled[:span[0]]):
            continue
        now = bool(_NOW.search(spelled[max(0, span[0] - 25):span[0]]))
        if only_now and not _I_AM.search(spelled[max(0, span[0] - 20):span[0]]):
            continue
        replaces = bool(_REPLACES.search(spelled[max(0, span[0] - 15):span[0]]))
        # after a correction first ("20 weeks, no, 21" too), then "now I'm 20", then "N weeks"
        # over a bare number; among bare numbers the last said ("thirty... no, thirty one"), else the first
        found.append(((span[0] >= begin, replaces, now, not bare, span[0] if bare else -span[0]), weeks, out_of_range))
    if not found:
        return None, False
    _, weeks, out_of_range = max(found)
    return weeks, out_of_range
