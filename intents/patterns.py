"""Text normalisation and phrase patterns shared by every part of understanding."""

from __future__ import annotations

import re
import unicodedata

from text_to_num import alpha2digit

_MACRO = re.compile(r"\{(\w+)\}")

_CONTRACTIONS = [
    (r"\bcan'?t\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bwon'?t\b", "will not"),
    (r"\bshan'?t\b", "shall not"),
    (r"\bain'?t\b", "is not"),
    (r"\b(\w+)n't\b", r"\1 not"),  # don't, isn't, haven't, didn't, doesn't...
    (r"\bi'?m\b", "i am"),
    (r"\bim\b", "i am"),
    (r"\bit'?s\b(?! own\b)", "it is"),  # not "on its own"
    (r"\bthat'?s\b", "that is"),
    (r"\bthere'?s\b", "there is"),
    (r"\bwhat'?s\b", "what is"),
    # "let's", not "it never lets go", "nothing lets up"
    (r"(?<!never )(?<!it )(?<!that )(?<!this )(?<!pain )(?<!she )(?<!he )\blet'?s\b(?! (?:up|go|off)\b)", "let us"),
    (r"\b(i|you|we|they)'ve\b", r"\1 have"),
    (r"\b(i|you|we|they|she|he)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they|she|he)'d\b", r"\1 would"),
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(she|he)'s\b", r"\1 is"),
    (r"\bive\b", "i have"),
    # typed or recognised without the apostrophe: "hes moving loads", "theres blood"
    (r"\b(he|she)s\b", r"\1 is"),
    (r"\b(that|there|what)s\b", r"\1 is"),
    (r"\bits (?=(?:not|been|getting|got|a|the|just|only|all|really|very|so|still|like|never|always|more|less|fine|ok|okay|bad|worse|better|constant|coming|going|on|in|over|about)\b)", "it is "),
    (r"\bidk\b", "i do not know"),
    (r"\bdunno\b", "do not know"),
    (r"\bpls\b|\bplz\b", "please"),
]
_CONTRACTIONS = [(re.compile(a), b) for a, b in _CONTRACTIONS]
# "dont", "havent", "isnt", typed without the apostrophe
_BARE_NOT = re.compile(r"\b(do|does|did|is|are|was|were|have|has|had|could|would|should|must|need)nt\b")

# Sentence breaks survive normalisation as " . " so that context cues stop at them.
_BREAK = re.compile(r"[.!?;:\n]+")
_COMMA = re.compile(r"\s*,+\s*")
_NON_WORD = re.compile(r"[^a-z0-9., ]+")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower-case, expand contractions, drop punctuation; keep sentence breaks as " . " and commas as " , "."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\u2019", "'").replace("`", "'").replace("\u2018", "'")
    text = _BARE_NOT.sub(r"\1 not", text)
    for pattern, repl in _CONTRACTIONS:
        text = pattern.sub(repl, text)
    # decimals such as 38.5 or 100.4 keep their point; other dots are breaks
    text = re.sub(r"(\d)\.(\d)", r"\1 point \2", text)
    text = re.sub(r"(\d) ?\+ ?(\d)", r"\1 plus \2", text)  # "26+3": weeks plus days
    text = _BREAK.sub(" . ", text)
    text = text.replace("'", " ").replace("-", " ")
    text = _NON_WORD.sub(" ", text)
    text = _COMMA.sub(" , ", text)
    return _SPACES.sub(" ", text).strip()


def digits(text: str) -> str:
    """Number words as digits ("twenty eight" -> "28"), on already normalised text."""
    try:
        return alpha2digit(text, "en", threshold=0)
    except Exception:  # text2num can fail on odd number sequences; the words still read
        return text


def expand_macros(pattern: str, macros: dict[str, str]) -> str:
    for _ in range(5):  # macros may use macros; a few rounds are enough for ours
        expanded = _MACRO.sub(lambda m: macros[m.group(1)], pattern)
        if expanded == pattern:
            return expanded
        pattern = expanded
    return pattern


# A word gap in a sign phrase never steps over a negation ("pain does not go down my legs"
# must not read as "pain ... down my legs"), nor into the next clause ("no numbness but my
# legs have gone weak" is not "numbness ... my legs").
_GAP = "(?:\\w+ )"
_GAP_WITHOUT_NEGATION = "(?:(?!(?:not|no|never|nor|but|though|although|however|except|whereas) )\\w+ )"
NEGATION_WORD = re.compile(r"(?<![a-z])(?:not|no|never|nor|none|without)(?![a-z])")
# the same for a stretch of the sentence ("tummy <same_sentence_50> all the time" must not
# read "my tummy hurts but it comes and goes, it's not there all the time")
_SPAN = re.compile(r"\[\^\.\]\{0,(\d+)\}")
# A "not" that describes ("doesn't go away", "never stops") is no denial: the span may cross it.
_SPAN_WITHOUT_NEGATION = (r"(?:(?!(?<![a-z])(?:(?:not|no|never|nor)(?![a-z])(?! (?:go|goes|going|stop|stops|stopping|let|lets|"
                          r"letting|ease|eases|easing|get|gets|getting|help|helps|helping|improve|improving|better|matter)(?![a-z]))"
                          r"|(?:but|though|although|however|except|whereas)(?![a-z])))[^.]){0,\1}")


def compile_phrases(
    phrases: list[str] | tuple[str, ...], macros: dict[str, str] | None = None, guard_gaps: bool = False
) -> re.Pattern | None:
    """One alternation of all phrases, matched on word boundaries; None when empty."""
    if not phrases:
        return None
    parts = [expand_macros(p, macros or {}) for p in phrases]
    if guard_gaps:
        parts = [_SPAN.sub(_SPAN_WITHOUT_NEGATION, p.replace(_GAP, _GAP_WITHOUT_NEGATION)) for p in parts]
    # longest alternatives first so "i do not think so" wins over "i do not"
    parts.sort(key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(f"(?:{p})" for p in parts) + r")(?![a-z0-9])")




def compile_following(phrases: list[str] | tuple[str, ...], macros: dict[str, str] | None = None) -> re.Pattern:
    """The phrases as a pattern to `match` right after a position (one space allowed first):
    "the last one only", "..., the fever was yesterday". Never matches when there are none."""
    pattern = compile_phrases(phrases, macros)
    return re.compile(r" ?(?:" + pattern.pattern + r")") if pattern is not None else re.compile(r"(?!)")
