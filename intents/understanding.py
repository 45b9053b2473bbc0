"""From one utterance to an `Understanding`: answer, red-flag signs, weeks, command. Pure:
text in, decisions out; built once from the interaction model (`Understander`)."""

from __future__ import annotations

import re
from functools import lru_cache

from models import Understanding
from intents.answer_parts import Mention, Span, overlaps
from intents.answering import AnswerReader
from intents.context import ELSEWHERE, ContextRules
from intents.model import InteractionModel, load
from intents.patterns import NEGATION_WORD, compile_following, compile_phrases, digits, normalise
from intents.sign_phrases import PART, blank, compile_signs
from intents.spelling import SpellingCorrector
from intents.weeks import weeks_said


def mention_value(value: str | None, context: str, matched: str, correcting: bool = False) -> str | None:
    """What one mention says of its sign: "yes", "no", "unsure", or None (nothing).

    value is "yes" for a present phrase, "no" for an absent one, None for a negatable one,
    PART for half of a sign: present when said, nothing when denied (rule 10), except in a
    correction, which takes back the very half that was said ("sorry, my leg isn't weak").
    """
    if context in ELSEWHERE:
        return None
    if value == PART:
        if context == "negated" or NEGATION_WORD.search(matched):
            return "no" if correcting else None  # half denied: the rest is still to ask (rule 10)
        return "unsure" if context == "uncertain" else "yes"
    if value is None:  # negatable: only a negated mention says anything
        if context != "negated" and not NEGATION_WORD.search(matched):
            return None
        return "no"
    if context == "negated":
        if value == "no":
            return None  # "it doesn't stay in my back" denies the absence: not a clear no (rule 10)
        # a sign said with its own "not" keeps it: "I can't breathe well", "can't feel my legs,
        # not at all" say how bad it is, not that it is absent
        return "yes" if NEGATION_WORD.search(matched) else "no"
    if context == "uncertain":
        return "unsure" if value == "yes" else "no"
    return value


def merge_mentions(found: list[tuple[str, str]], implies: list[tuple[str, str]]) -> dict[str, str]:
    """One value per sign; safety first: a present mention wins over a negated one."""
    values: dict[str, set[str]] = {}
    for slot, value in found:
        values.setdefault(slot, set()).add(value)
    signs = {slot: "yes" if "yes" in v else "unsure" if "unsure" in v else "no" for slot, v in values.items()}
    for cause, effect in implies:
        if signs.get(cause) == "yes" and signs.get(effect) == "no":
            # "a big gush, soaked my leggings, but it's clear, no blood": the soaking was
            # not blood; neither is settled by this, so heavy bleeding is left unknown
            del signs[cause]
            continue
        if signs.get(cause) == "yes":
            signs[effect] = "yes"
        if signs.get(effect) == "no" and cause not in signs:
            signs[cause] = "no"
    return signs


def with_signs_from(best: Understanding, others: list[Understanding]) -> Understanding:
    """`best`; when it names no sign as present, plus every sign another reading of the
    same speech (a recogniser's next likeliest transcripts) names as present.

    Only then: when the best reading already found a sign, the alternatives mostly add
    sound-alikes (a word that rhymes with the one said) that the advice would then read back as
    said; any sign still missing is asked about later anyway. Measured on openings: 1 point
    less recall than always merging, a quarter fewer spurious signs."""
    if any(v == "yes" for v in best.signs.values()):
        return best
    found = {s for u in others for s, v in u.signs.items() if v == "yes"}
    if not found:
        return best
    return best.model_copy(update={"signs": {**best.signs, **{s: "yes" for s in found}}})


class Understander:
    def __init__(self, model: InteractionModel):
        vocab = model.vocabulary
        macros = vocab.macros
        self._context = ContextRules(vocab.context, vocab.answering.descriptions)
        self._descriptions = compile_phrases(vocab.answering.descriptions, macros)
        self._signs = compile_signs(vocab)
        self._implies = list(vocab.implies)
        self._durations = list(vocab.answering.durations)
        self._over = compile_following(vocab.answering.over_in_a_correction, macros)
        self._answers = {a: compile_phrases(p, macros) for a, p in vocab.answers.items()}
        self._small_amount = compile_phrases(vocab.small_amounts.phrases, macros)
        self._small_means_no = set(vocab.small_amounts.no_for)
        cmds = vocab.commands
        self._commands = {}
        for name in ("stop", "start_over", "help", "clarify", "repeat"):
            phrase = f"(?:{'|'.join(getattr(cmds, name))})"
            # courtesy words around, and the command said more than once: "I'm done, goodbye"
            self._commands[name] = re.compile(
                rf"^(?:{cmds.courtesy} )*{phrase}(?: (?:{cmds.courtesy}|{phrase}))*$"
            )
        scope = vocab.out_of_scope
        self._not_pregnant = compile_phrases(scope.not_pregnant, macros)
        self._not_back = compile_phrases(scope.not_back, macros)
        self._back_words = re.compile(rf"(?<![a-z]){scope.back_words}(?![a-z])")
        self._question = re.compile(scope.question)
        self._spelling = SpellingCorrector.from_vocabulary(vocab)
        # "the second one" of "bleeding, spotting, or fluid" (questions.yaml, positions)
        self._positions = {tuple(q.named_order): q.positions for q in model.questions.questions if q.positions}
        self._reader = AnswerReader(vocab.answering, macros, self._context, self.answer, mention_value, {
            slot: p.exclude for slot, p in self._signs.items()}, compile_phrases(sum(vocab.answers.values(), []), macros))

    # --- parts ---------------------------------------------------------------------

    def command(self, text: str):
        bare = " ".join(w for w in text.split() if w not in (".", ","))
        if not bare or len(bare) > 80:
            return None
        for name, pattern in self._commands.items():
            if pattern.match(bare):
                return name
        return None

    def sign_matches(self, text: str):
        """Every sign phrase in `text`: (slot, value, match); value "yes" for a present
        phrase, "no" for an absent one, None for a negatable one."""
        for slot, patterns in self._signs.items():
            for value, m in patterns.matches(text):
                yield slot, value, m

    def signs(self, text: str, matches=None, correcting: bool = False,
              asking: list[str] = ()) -> tuple[dict[str, str], list[Span]]:
        """Signs mentioned, with their value, and the spans that express them. matches: the
        text's sign_matches, if known; asking: the pending question's signs, which its own
        answer phrases may rule out ("the same")."""
        found: list[tuple[str, str]] = []
        spans: list[Span] = []
        for slot, value, m in self.sign_matches(text) if matches is None else matches:
            if not self._signs[slot].counts(slot, m, asking) and not (correcting and not asking):
                continue  # "the same as always" rules out worsening only when asked, or in a correction after the advice
            context, cue = self._context.of_phrase(text, m.start(), m.end(), value)
            if context == "negated" and value == "yes" and self._reader.parts.excepted(text, m.start()):
                context = "present"  # "apart from a headache that won't shift, no, none of them"
            meaning = mention_value(value, context, m.group(), correcting)
            if correcting and meaning == "yes" and self._over.match(text, m.end()):
                meaning = "no"  # "sorry, the tingling was last week": taken back (rule 12)
            if meaning is None:
                continue
            spans.append(m.span())
            if cue:
                spans.append(cue)
            found.append((slot, meaning))
        return merge_mentions(found, self._implies), spans

    @staticmethod
    def answer_from_signs(signs: dict[str, str], asking: list[str]):
        """ "I've had chills" answers a question about chills even without a yes."""
        named = [signs[s] for s in asking if s in signs]
        if "yes" in named:
            return "yes"
        if "unsure" in named:
            return "unsure"
        if named and len(named) == len(asking):
            return "no"
        return None

    def weeks(self, text: str, expecting_weeks: bool, only_now: bool = False):
        """Weeks of this pregnancy said in `text` (intents.weeks.weeks_said)."""
        return weeks_said(digits(text), self._context.of_mention, self._reader.parts.correction_start,
                          expecting_weeks, only_now)

    def answer(self, text: str, taken: list[Span], asking: list[str]):
        """yes / no / unsure, ignoring words that belong to a sign mention."""
        small = "no" if asking and set(asking) <= self._small_means_no else "yes"
        patterns = [*self._answers.items(), (small, self._small_amount)]
        hits: list[tuple[Span, str]] = []
        # "it never stops", "nothing helps" describe a sign: their "never"/"nothing" is no answer
        taken = list(taken) + [m.span() for m in self._descriptions.finditer(text)]
        for answer, pattern in patterns:
            for m in pattern.finditer(text):
                if not any(overlaps(m.span(), t) for t in taken):
                    hits.append((m.span(), answer))
        # a longer phrase beats the one it contains: "i have not" is not "i have"
        kept = [
            (span, a)
            for span, a in hits
            if not any(
                o_span != span and o_span[0] <= span[0] and span[1] <= o_span[1] and o_a != a
                for o_span, o_a in hits
            )
        ]
        classes = {a for _, a in kept}
        if "unsure" in classes or {"yes", "no"} <= classes:
            return "unsure"  # a contradiction is asked again, never guessed
        return next(iter(classes), None)

    def is_question(self, raw: str) -> bool:
        """ "So it's not a kidney infection, then?": asked, not told."""
        return self.out_of_scope(raw, self._spelling.correct(normalise(raw))) == "question"

    def out_of_scope(self, raw: str, text: str):
        if self._not_pregnant and self._not_pregnant.search(text):
            return "not_pregnant"
        if self._not_back and self._not_back.search(text) and not self._back_words.search(text):
            return "not_back"
        if raw.rstrip().endswith("?") or self._question.match(text):
            return "question"
        return None

    # --- whole utterance -----------------------------------------------------------

    def __call__(self, raw: str, expecting: str | None = None, asking: list[str] | None = None) -> Understanding:
        text = self._spelling.correct(normalise(raw))
        command = self.command(text)
        if command:
            return Understanding(command=command)
        asking = asking or []
        matches = list(self.sign_matches(text))  # once: the mentions and the answer reader share them
        matches = self._reader.parts.ambiguous(text, asking, matches) if expecting == "yes_no" else matches
        signs, taken = self.signs(text, matches=matches, asking=asking)
        corrected: set[str] = set()
        if expecting == "yes_no" and set(self._durations) & set(asking):
            # "three weeks" is how long it has hurt; "and I'm 23 now" is how far along she is
            weeks, out_of_range = self.weeks(text, False, only_now=True)
        else:
            weeks, out_of_range = self.weeks(text, expecting == "weeks")
        begin = self._reader.parts.correction_start(text)
        # "no fall. oh sorry, about the weeks, I'm actually 25": the correction is the weeks'
        of_weeks = weeks is not None and begin is not None and bool(re.search(r"\d", digits(text[begin:])))
        if begin and not of_weeks:  # "actually I'm not bleeding": what follows the correction counts (rule 12)
            after, _ = self.signs(text[begin:], correcting=True, asking=asking)
            signs.update(after)
            corrected |= set(after)
        reading = None
        if expecting == "yes_no" and asking:
            mentions = [Mention(slot, value, m.span(), m.group()) for slot, value, m in matches]
            reading = self._reader.read(text, asking, asking, mentions, self._positions.get(tuple(asking), {}), of_weeks)
        answer = self.answer(text, taken, asking) if expecting in ("yes_no", "weeks") else None
        if answer is None and expecting == "yes_no":
            answer = self.answer_from_signs(signs, asking)
        if expecting == "weeks" and answer != "unsure":
            answer = None  # "yes" to "how many weeks?" tells nothing; "I don't know" does
        result = Understanding(
            answer=answer, signs=signs, weeks=weeks, weeks_out_of_range=out_of_range
        )
        if reading is not None:
            # the pending question's signs are read part by part (rule 10), not as mentions
            result.signs = {s: v for s, v in signs.items() if s not in asking}
            result.signs.update(dict.fromkeys(reading.denied_elsewhere, "no"))  # "fever? no" to the bleeding question
            result.signs.update({s: v for s, v in reading.slots.items() if s in reading.named})
            result.slot_answers = reading.slots
            result.group_yes = (len(asking) > 1 and not reading.named and reading.general == "yes"
                                and not reading.hedged)
            if reading.corrected:
                corrected |= set(reading.slots)
            if reading.softened and result.answer == "yes" and len(asking) == 1:
                result.answer, result.hedged = None, True  # "a normal headache, nothing severe": asked again
            if not reading.slots and reading.hedged and set(asking) <= self._reader.hedge_sensitive:
                result.answer, result.hedged = None, True  # "sometimes" is not an answer to how bad or how sudden
        result.corrected = sorted(corrected)
        if not (result.answer or result.signs or result.weeks or out_of_range):
            result.out_of_scope = self.out_of_scope(raw, text)
        return result


@lru_cache(maxsize=1)
def default_understander() -> Understander:
    return Understander(load())


def understand(text: str, expecting: str | None = None, asking: list[str] | None = None) -> Understanding:
    return default_understander()(text, expecting, asking)
