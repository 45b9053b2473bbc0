"""Reference phrase lists for grammars, used by the tests and the benchmark.

The dialogue's own grammar (`intents.grammar.phrases_for`) decides what each question
accepts; these lists are what the recogniser layer was measured with, and a fallback
for callers that have no grammar of their own. They are deliberately broad: a phrasing
missing from a grammar can only come back as "" (the skill re-asks), never as a
wrong yes/no, but every re-ask costs the person time.
"""

from __future__ import annotations

YES = [
    "yes", "yeah", "yep", "yup", "yes please", "yes i am", "yes i have", "yes i do",
    "yes it is", "yes it does", "yes there is", "yes i did", "yes it has", "i am", "i have",
    "i do", "it is", "it does", "i think so", "i think i am", "i think i have", "definitely",
    "absolutely", "that's right", "correct", "sure", "of course", "a little", "a bit",
    "sort of", "kind of", "yes a little", "yes a bit",
]
NO = [
    "no", "nope", "nah", "no i'm not", "no i am not", "no i haven't", "no i have not",
    "no i don't", "no i do not", "no it isn't", "no it's not", "no it doesn't",
    "no there isn't", "no i didn't", "no it hasn't", "not really", "not at all", "none",
    "no none", "never", "i'm not", "i haven't", "i don't", "i don't think so",
    "no not really", "no not at all", "no thanks", "no it's fine",
]
UNSURE = [
    "i'm not sure", "i am not sure", "not sure", "i don't know", "i'm not really sure",
    "maybe", "i can't tell", "i can't say", "possibly", "perhaps", "hard to say",
    "i don't really know", "i'm unsure",
]
COMMANDS = [
    "repeat", "repeat that", "say that again", "again", "what", "pardon", "sorry",
    "stop", "cancel", "quit", "exit", "stop it", "goodbye",
    "start over", "start again", "restart", "begin again",
    "help", "help me", "what can i say", "i don't understand", "what do you mean",
]
RED_FLAGS = [
    "i'm bleeding", "i am bleeding", "i'm bleeding a lot", "i'm bleeding heavily",
    "my waters have broken", "my waters broke", "i'm leaking fluid",
    "i can't breathe", "i'm having contractions", "i fainted", "i have a fever",
    "i can't feel my legs", "i can't pee", "i fell", "the baby isn't moving",
]
YES_NO_GRAMMAR = YES + NO + UNSURE + COMMANDS + RED_FLAGS

LABEL = {**{p: "yes" for p in YES}, **{p: "no" for p in NO}, **{p: "unsure" for p in UNSURE}}

_UNITS = ("one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = ("twenty thirty forty").split()


def number_words(n: int) -> str:
    if n < 20:
        return _UNITS[n - 1]
    tens, unit = divmod(n, 10)
    return _TENS[tens - 2] + ("" if unit == 0 else " " + _UNITS[unit - 1])


def weeks_phrases() -> list[str]:
    """'twelve', 'twelve weeks', 'i'm about twelve weeks pregnant', 'seven months', ..."""
    out: list[str] = []
    pre = ["", "i'm ", "about ", "i'm about ", "around ", "i think ", "nearly ", "almost "]
    for n in range(1, 43):
        w = number_words(n)
        unit = "week" if n == 1 else "weeks"
        for p in pre:
            out += [f"{p}{w}", f"{p}{w} {unit}", f"{p}{w} {unit} pregnant"]
    for n in range(1, 10):
        w = number_words(n)
        unit = "month" if n == 1 else "months"
        for p in pre:
            out += [f"{p}{w} {unit}", f"{p}{w} {unit} pregnant"]
    out += ["i don't know", "i'm not sure", "not sure", "no idea"]
    return out + COMMANDS


def weeks_value(text: str) -> int | None:
    """Reference parser for the benchmark: 'about seven months' -> 30."""
    words = text.replace("'", " ").split()
    total = 0
    seen = False
    for w in words:
        if w in _UNITS:
            total += _UNITS.index(w) + 1
            seen = True
        elif w in _TENS:
            total += (_TENS.index(w) + 2) * 10
            seen = True
    if not seen:
        return None
    if "month" in words or "months" in words:
        return round(total * 4.3)
    return total
