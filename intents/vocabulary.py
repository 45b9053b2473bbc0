"""What the skill listens for, as vocabulary.yaml holds it: answers, commands, sign
phrases, context cues and the words of answers in people's own words. Types only."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from intents.wording import Strict


# --- vocabulary.yaml ----------------------------------------------------------------


class CueSet(Strict):
    forward: list[str] = Field(default_factory=list)
    backward: list[str] = Field(default_factory=list)
    both: list[str] = Field(default_factory=list)
    pseudo: list[str] = Field(default_factory=list)
    anaphoric: list[str] = Field(default_factory=list)  # a next clause about the one before


class ContextCues(Strict):
    terminations: list[str]
    # terminations that explain the clause before ("after my last baby, because I couldn't
    # pee"): a past, another person's or a what-if context reaches across them
    explanations: list[str] = Field(default_factory=list)
    # a past, another person's or a what-if cue said first, before a comma ("Last time, I
    # had bleeding", "My sister, she had"): it reaches the next clause, unless that clause
    # says it is about now
    fronted_openers: list[str] = Field(default_factory=list)
    now_words: list[str] = Field(default_factory=list)
    negated: CueSet
    historical: CueSet
    family: CueSet
    hypothetical: CueSet
    uncertain: CueSet


class SignPatterns(Strict):
    present: list[str]
    absent: list[str] = Field(default_factory=list)
    negatable: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    # one half of a sign with two ("chest pain" of "trouble breathing or chest pain"): said,
    # it is the sign; denied, it leaves the other half open, so it rules nothing out (rule 10)
    partial: list[str] = Field(default_factory=list)
    # phrases that rule the sign out only in answer to a question about it: "the same as
    # always" to "is it getting worse?", not to "is the baby moving less?" (rule 10)
    absent_when_asked: list[str] = Field(default_factory=list)
    # and phrases that say it only there: "nothing helps" to "has it lasted more than two weeks?"
    present_when_asked: list[str] = Field(default_factory=list)
    # other slots whose question counts as this one's for those two lists: "it comes and goes"
    # to "is the belly pain constant?" says the waves
    asked_with: list[str] = Field(default_factory=list)
    # slots whose `absent` phrases rule this sign out too: "no pain in my tummy" denies both
    # belly signs, and is written once
    absent_like: list[str] = Field(default_factory=list)


class Commands(Strict):
    courtesy: str
    repeat: list[str]
    help: list[str]
    stop: list[str]
    start_over: list[str]
    clarify: list[str]


class OutOfScope(Strict):
    not_pregnant: list[str]
    not_back: list[str]
    back_words: str
    question: str


class SmallAmounts(Strict):
    phrases: list[str]
    no_for: list[str]


class Minimizers(Strict):
    phrases: list[str]
    applies_to: list[str]


class Hedges(Strict):
    phrases: list[str]
    not_an_answer_for: list[str]
    # how often: a sign said "sometimes" and denied in the same answer is asked again alone
    how_often: list[str] = Field(default_factory=list)


class SeverityDenials(Strict):
    phrases: list[str]
    applies_to: list[str]


class Exceptions(Strict):
    """"apart from the numbness, no": the part after a marker names what is said."""

    markers: list[str]
    # what people except that is not a sign asked about ("apart from the back pain, no")
    not_signs: list[str] = Field(default_factory=list)


class References(Strict):
    first: list[str] = Field(default_factory=list)
    second: list[str] = Field(default_factory=list)
    middle: list[str] = Field(default_factory=list)  # of three things; elsewhere see questions.yaml
    third: list[str] = Field(default_factory=list)
    last: list[str] = Field(default_factory=list)
    first_two: list[str] = Field(default_factory=list)
    last_two: list[str] = Field(default_factory=list)
    all: list[str] = Field(default_factory=list)
    none: list[str] = Field(default_factory=list)
    others: list[str] = Field(default_factory=list)
    others_no: list[str] = Field(default_factory=list)

    def items(self):
        return self.model_dump().items()


class Answering(Strict):
    splits: list[str]
    # an answer word that opens the answer: a part of its own even without a comma
    leads: list[str] = Field(default_factory=list)
    # "the toilet side of things is fine": a no about something the question did not name,
    # so not a no to the question's other signs
    scoped_answers: list[str] = Field(default_factory=list)
    names: dict[str, list[str]]
    # names of half of a sign ("no numbness" to the legs question leaves the weakness): a
    # denial of one says nothing; of two or more, the sign is ruled out
    partial_names: dict[str, list[str]] = Field(default_factory=dict)
    references: References
    exclusions: list[str]
    exclusions_after: list[str] = Field(default_factory=list)  # "the last one only"
    exceptions: Exceptions | None = None
    # a part whose subject is the sign named just before: its answer words are that sign's
    about_the_sign_before: list[str] = Field(default_factory=list)
    # the whole part after a sign named alone, saying it is fine: "chest, also okay" is a no,
    # though "okay" alone answers yes
    fine_after_a_name: list[str] = Field(default_factory=list)
    # a part that asks back what was asked ("numb as well, did you say?"): the signs named
    # before it wait for the answer after it
    question_backs: list[str] = Field(default_factory=list)
    minimizers: Minimizers
    hedges: Hedges
    severity_denials: SeverityDenials | None = None
    corrections: list[str]
    # after a correction cue, what says a sign named is over: "sorry, the fever was yesterday"
    over_in_a_correction: list[str] = Field(default_factory=list)
    descriptions: list[str]
    # slots whose answers tell how long it has hurt: "three weeks now" is not weeks of pregnancy
    durations: list[str] = Field(default_factory=list)


class AfterAdvice(Strict):
    """What people say after the advice, besides corrections and commands."""

    thanks: list[str]
    goodbye: list[str]
    more: list[str]
    questions: dict[str, list[str]]  # question id -> patterns; the answers are in advice.yaml


class Vocabulary(Strict):
    """As compiled at load (intents/phrasebook.py): every phrase a regex; `macros` the
    regex of each list and rule; the file's templates kept by where they are."""

    macros: dict[str, str]
    lists: dict[str, list[str]] = Field(default_factory=dict)  # name -> value templates
    rules: dict[str, str] = Field(default_factory=dict)  # name -> regex fragment
    templates: dict[str, list[str]] = Field(default_factory=dict)  # "signs.fever.present" -> templates
    answers: dict[Literal["yes", "no", "unsure"], list[str]]
    small_amounts: SmallAmounts
    commands: Commands
    context: ContextCues
    out_of_scope: OutOfScope
    signs: dict[str, SignPatterns]
    implies: list[tuple[str, str]]
    answering: Answering
    after_advice: AfterAdvice
    feelings: dict[str, list[str]]  # feeling -> patterns; the kind words are in questions.yaml
    # dialect and typed spellings of a word the skill listens for ("nae" -> "no"): whole words
    respellings: dict[str, str] = Field(default_factory=dict)


# --- grammar.yaml: what a grammar recogniser may hear -----------------------------------


class WeeksGrammar(Strict):
    unknown: list[str]
    leads: list[str]
    week_tails: list[str]
    month_tails: list[str]


class SpokenSign(Strict):
    present: list[str] = Field(default_factory=list)
    absent: list[str] = Field(default_factory=list)


class Grammar(Strict):
    """Whole phrases (no patterns): a grammar-constrained recogniser hears only these."""

    answers: dict[Literal["yes", "no", "unsure"], list[str]]
    small_amounts: list[str]
    heads: dict[Literal["yes", "no", "unsure"], list[str]]
    tails: dict[Literal["yes", "no", "unsure"], list[str]]
    commands: list[str]
    always: list[str]
    echo_heads: dict[Literal["present", "absent"], list[str]]
    signs: dict[str, SpokenSign]
    weeks: WeeksGrammar
