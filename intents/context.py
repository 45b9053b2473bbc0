"""ConText-style context of a sign mention: negated, historical, family, hypothetical.

A cue applies to mentions in its own clause: forward cues to mentions after them,
backward cues to mentions before them. Clauses end at sentence breaks and at termination
words ("but", "and my"...). This is the algorithm of Chapman et al.'s ConText, the one
medspaCy implements, kept small and data-driven; see BENCHMARKS.md for the comparison
with medspaCy on our utterance corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from intents.vocabulary import ContextCues, CueSet
from intents.patterns import NEGATION_WORD, compile_phrases

Context = Literal["present", "negated", "historical", "family", "hypothetical", "uncertain"]

# "I" between a family cue and the mention means the person speaks of herself again
# ("my mum says I have a fever"); "me" or "my" inside the mention makes her the one it
# happened to ("my toddler kicked me in the belly", "my toddler kicked my belly").
_FIRST_PERSON = re.compile(r"(?<![a-z])(?:i|myself)(?![a-z])")
_LEADING = re.compile(r"(?:(?:in|with|during|at|for|my|the|on|after) )*")
_SINCE = re.compile(r"(?<![a-z])since *$")
_AND = re.compile(r"(?:and )?also|and i")
_PRESENT = re.compile(r"(?<![a-z])(?:am|is|are|have|has|do|does|can|keep|keeps|s)(?![a-z])")
_CLAUSE_END = re.compile(r"[.,]")
_PAST = re.compile(r"(?<![a-z])(?:was|were|had|did|could|could not|went|got|came|felt|ended up)(?![a-z])")
# a clause about another person, in the past: "she could not walk", "he was"
_SHE_BEFORE = re.compile(r"(?<![a-z])(?:she|he|they) $")
_THEN = re.compile(r"(?:could|was|were|had|did|got|ended up|went|needed|would)(?![a-z])")
_ME = re.compile(r"(?<![a-z])(?:me|my|myself)(?![a-z])")


# contexts that put a sign elsewhere (what-if, past, another person): never a "yes" or a
# "no" for her now; they reach across an explanation ("..., because ...")
ELSEWHERE = ("hypothetical", "historical", "family")


@dataclass(frozen=True)
class _Cues:
    forward: re.Pattern | None
    backward: re.Pattern | None
    pseudo: re.Pattern | None
    anaphoric: re.Pattern | None = None

    @classmethod
    def of(cls, cues: CueSet) -> "_Cues":
        return cls(
            forward=compile_phrases(cues.forward + cues.both),
            backward=compile_phrases(cues.backward + cues.both),
            pseudo=compile_phrases(cues.pseudo),
            anaphoric=re.compile("|".join(f"(?:{p})" for p in cues.anaphoric)) if cues.anaphoric else None,
        )


class ContextRules:
    def __init__(self, cues: ContextCues, descriptions: list[str] = ()):
        """descriptions: words that look negated but describe a sign ("it never stops"):
        never a negation cue."""
        self._termination = compile_phrases(cues.terminations + ["\\."])
        self._explanation = compile_phrases(cues.explanations)
        self._openers = compile_phrases(cues.fronted_openers)
        self._now = compile_phrases(cues.now_words)
        # a clause that takes back the one before it (negated.anaphoric)
        self.retraction = (re.compile("|".join(f"(?:{p})" for p in cues.negated.anaphoric))
                           if cues.negated.anaphoric else None)
        negated = _Cues.of(cues.negated.model_copy(
            update={"pseudo": list(cues.negated.pseudo) + list(descriptions)}))
        self._negation_pseudo = negated.pseudo  # "it never stops": words with a "not" that deny nothing
        self._kinds: list[tuple[Context, _Cues]] = [
            ("hypothetical", _Cues.of(cues.hypothetical)),
            ("historical", _Cues.of(cues.historical)),
            ("family", _Cues.of(cues.family)),
            # uncertainty before negation: "I don't know if my waters broke" is not a no
            ("uncertain", _Cues.of(cues.uncertain)),
            ("negated", negated),
        ]

    def denial_in(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end] holds a negation word that is not part of a description
        or a pseudo-negation ("it never stops", "doesn't go away" are not denials)."""
        chunk = text[start:end]
        if self._negation_pseudo is not None:
            chunk = self._negation_pseudo.sub(lambda m: " " * len(m.group()), chunk)
        return bool(NEGATION_WORD.search(chunk))

    def clause(self, text: str, start: int, end: int) -> tuple[int, int, int]:
        """Character bounds of the clause around text[start:end], and where it begins for
        the contexts that reach across a "because" or from a fronted opener, in one pass."""
        left, right, reach = 0, len(text), 0
        for m in self._termination.finditer(text):
            if m.start() < start:  # ("and i" ends the clause before "i can walk okay" too)
                before, left = left, min(m.end(), start)
                if self._explanation is None or not self._explanation.fullmatch(m.group()):
                    reach = before if self._fronted(text, before, m, start) else left
            elif m.start() >= end:
                right = m.start()
                break
        return left, right, reach

    def _fronted(self, text: str, begin: int, comma: re.Match, start: int) -> bool:
        """Whether text[begin:comma.start()] only opens the sentence with a past or another
        person's cue ("last time", "with my first", "my mate"), so that it reaches the
        clause after the comma, where the mention at `start` is."""
        joined = _AND.fullmatch(comma.group())  # "... I had back pain and also I got a urine infection"
        if not (comma.group().startswith(",") or joined) or self._now is not None and self._now.search(
                text, comma.start(), start):
            return False
        opener = text[begin:comma.start()].strip(" ,.")
        while self._openers is not None and (m := self._openers.match(opener)):
            opener = opener[m.end():].strip(" ,")
        for kind, cues in self._kinds:
            cue = cues.forward.search(opener) if kind in ("historical", "family") and cues.forward is not None else None
            if cue is None or _SINCE.search(text, 0, begin):
                continue  # (not "since my first": from then until now)
            if not _LEADING.fullmatch(opener[:cue.start()]):
                return kind == "historical" and self._listed_on_after_and(text, opener, comma, start)
            rest = opener[cue.end():]
            if not joined and len(re.findall(r"[a-z0-9]+", rest)) <= 4 and not _FIRST_PERSON.search(rest):
                return True  # a short opener of its own: "last time,", "my sister, she had"
            return kind == "historical" and self._past_told_on(text, comma, start)
        return False

    def _listed_on_after_and(self, text: str, opener: str, comma: re.Match, start: int) -> bool:
        """What she had then, listed on after "and" with no verb of now: "I had terrible back
        pain with my first, and a lot of bleeding at the end with her"."""
        return (comma.group().endswith("and") and bool(_PAST.search(opener))
                and not _PRESENT.search(text, comma.end(), start) and not self._now_after(text, start))

    def _past_told_on(self, text: str, comma: re.Match, start: int) -> bool:
        """A past sentence told on after its comma, with a verb in the past and no "now": "in my
        first pregnancy I had sciatica very badly, I could not walk"."""
        return bool(_PAST.search(text, comma.end(), start + 12)) and not self._now_after(text, start)

    @staticmethod
    def _told_of_another(text: str, forward: re.Pattern, left: int) -> tuple[int, int] | None:
        """The family cue earlier in the sentence that a clause starting "she could", "he
        was" goes on about: "my mate had sciatica, down both legs, she couldn't walk"."""
        sentence = text.rfind(".", 0, left) + 1
        told = [h for h in forward.finditer(text, sentence, left) if not _FIRST_PERSON.search(text, h.end(), left)]
        return told[-1].span() if told else None

    def _now_after(self, text: str, start: int) -> bool:
        """A "now" word in the rest of the mention's clause: "..., I had bleeding this morning too"."""
        stop = _CLAUSE_END.search(text, start)
        return self._now is not None and bool(self._now.search(text, start, stop.start() if stop else len(text)))

    def of_phrase(self, text: str, start: int, end: int, kind: str | None, **bounds) -> tuple[Context, tuple[int, int] | None]:
        """of_mention for a sign phrase of `kind` ("yes" present, "no" absent, None negatable):
        a "no" phrase whose cue holds no negation word is confirmed, not denied ("he's kicking
        like crazy, so that's fine": "fine" confirms the no)."""
        context, cue = self.of_mention(text, start, end, **bounds)
        # (and "no bleeding, no water, no pains in the tummy" is a list of denials, not a double one)
        if kind == "no" and context == "negated" and (cue and not NEGATION_WORD.search(text, *cue) or NEGATION_WORD.match(text, start)):
            return "present", cue
        return context, cue

    def of_mention(self, text: str, start: int, end: int, within: tuple[int, int] | None = None,
                   others: tuple[tuple[int, int], ...] = ()) -> tuple[Context, tuple[int, int] | None]:
        """The context of the mention at text[start:end], and the span of the cue that set it.
        within: bounds the clause may not reach past (one part of an answer); others: other
        signs' phrases after the mention, whose words are theirs, not cues for it."""
        left, right, reach = self.clause(text, start, end)
        if within is not None:
            left, right, reach = max(left, within[0]), min(right, within[1]), max(reach, within[0])
        after = list(text[end:right])
        for a, b in others:
            if end <= a < right:
                after[a - end:b - end] = " " * (min(b, right) - a)
        theirs_blanked = "".join(after)
        for kind, cues in self._kinds:
            before, after = text[reach if kind in ELSEWHERE else left:start], theirs_blanked
            if cues.pseudo is not None:  # blanked for this kind of cue only
                before = cues.pseudo.sub(lambda m: " " * len(m.group()), before)
                after = cues.pseudo.sub(lambda m: " " * len(m.group()), after)
            if cues.forward is not None:
                hits = list(cues.forward.finditer(before))
                if kind == "family":
                    if _ME.search(text[start:end]):
                        hits = []
                    hits = [h for h in hits if not _FIRST_PERSON.search(before[h.end():])]
                    if not hits and _SHE_BEFORE.search(text, max(0, start - 6), start) and _THEN.match(text, start):
                        told = self._told_of_another(text, cues.forward, left)
                        if told:
                            return kind, told
                if hits:
                    h, at = hits[-1], reach if kind in ELSEWHERE else left
                    return kind, (at + h.start(), at + h.end())
            if cues.backward is not None:
                h = cues.backward.search(after)
                if h and kind == "historical" and self._now is not None and self._now.search(after, 0, h.start()):
                    h = None  # "it doesn't go down my leg this time, that was with my first": now
                if h:
                    return kind, (end + h.start(), end + h.end())
            if cues.anaphoric is not None and within is None and right < len(text):
                # the next clause takes back what this one named: "..., I don't have that"
                nxt = text[right:]
                nxt = nxt[1:] if nxt.startswith((",", ".")) else nxt
                h = cues.anaphoric.match(nxt.lstrip(" ,."))
                if h:
                    return kind, (right, right + h.end())
        return "present", None
