"""The words of the advice, made for the ear first.

`compose` gives three things from one assessment:
- `spoken`: what is said when the check ends, short (about 25 s spoken, an emergency about
  12 s): the urgency and the one action in the first sentence, what was found, then one
  line of what helps or when to call;
- `parts`: the rest, in short parts that "more" speaks one at a time (what to do now, why,
  what helps, when to call);
- `full`: everything, for the screen and the audit (`triage.advice`).

Words depend on the stage of pregnancy (intents.wording.stage_keys) and the safety net
names only the signs not already found, so the advice never contradicts itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Urgency
from intents.wording import Advice, stage_keys
from intents.triage import Assessment

# Self-care measures help while waiting for a non-urgent appointment too.
_SELF_CARE_LEVELS = {Urgency.self_care, Urgency.routine, Urgency.soon}
_CALL_NOW_LEVELS = {Urgency.urgent, Urgency.emergency}
# Signs named in the spoken advice; the screen and "more" name them all. An emergency
# names its most serious sign only, to reach the action sooner.
_SPOKEN_SIGNS = 2
PART_KEYS = ("now", "why", "self_care", "self_care_more", "when_to_call")


@dataclass(frozen=True)
class AdviceText:
    headline: str                   # the first sentence: urgency and the one action
    spoken: str                     # said when the check ends
    parts: list[tuple[str, str]]    # (part key, text) for "more", none empty
    full: str                       # triage.advice


def _join(names: list[str], word: str = "and") -> str:
    if len(names) <= 1:
        return "".join(names)
    comma = "," if word == "or" and len(names) > 2 else ""  # "bleeding, fluid leaking, or trouble peeing"
    return ", ".join(names[:-1]) + f"{comma} {word} " + names[-1]


def staged(text: str | dict[str, str], weeks: int | None) -> str:
    """The text for the stage of pregnancy: the most specific stage given, else "default"."""
    if isinstance(text, str):
        return text
    for key in stage_keys(weeks):
        if key in text:
            return text[key]
    return text["default"]


def by_level(text: str | dict[str, str], urgency: Urgency) -> str:
    if isinstance(text, str):
        return text
    return text.get(urgency.value, text["default"])


def headline(advice: Advice, result: Assessment, stopped: bool = False) -> str:
    if stopped and result.urgency is Urgency.self_care:
        return advice.stopped_headline  # not "no warning signs": most were never asked
    by_stage = advice.urgency_by_stage.get(result.urgency, {})
    for key in stage_keys(result.weeks):
        if key in by_stage:
            return by_stage[key]
    return advice.urgency[result.urgency]


def _found(advice: Advice, result: Assessment, limit: int | None = None) -> list[str]:
    said: list[str] = []
    certain = [s for s in result.reasons if s not in result.uncertain]
    if certain:
        names = [advice.sign_names[s] for s in certain[:limit]]
        said.append(advice.found_intro.format(signs=_join(names)))
    if result.uncertain:
        unsure = [advice.sign_names[s] for s in result.uncertain[:limit]]
        them = "it" if len(unsure) == 1 else "them"
        said.append(advice.uncertain.format(signs=_join(unsure), them=them))
    return said


def _conditions(advice: Advice, result: Assessment) -> list[str]:
    texts = [staged(advice.conditions[c], result.weeks) for c in result.conditions]
    return [t for t in texts if t.strip()]  # a stage may have nothing to add


def safety_net(advice: Advice, result: Assessment, short: bool = False) -> str:
    """When to call: only signs not already found (advice that lists the bleeding it is
    about as a reason to call later contradicts itself)."""
    net = advice.safety_net
    if result.urgency in _CALL_NOW_LEVELS:
        said = [net.urgent]
    else:
        found = set(result.reasons)
        signs = [s.say for s in net.signs if not (set(s.slots) & found)]
        said = [net.call_if.format(signs=_join(signs, "or"))] if signs else []
        if not set(net.worse.slots) & found:
            said.append(net.worse.say)
        if not short:
            said.append(net.in_emergency)
    if not short:
        said.append(net.closing)
    return " ".join(said)


def compose(advice: Advice, result: Assessment, emergency_number: str, stopped: bool = False) -> AdviceText:
    first = headline(advice, result, stopped)
    why = _found(advice, result)
    if stopped and result.urgency is not Urgency.self_care:
        why.append(advice.stopped)
    why += _conditions(advice, result)
    if result.urgency is Urgency.self_care:
        why.append(advice.causes)
    now = staged(advice.now[result.urgency], result.weeks)
    helps = advice.self_care if result.urgency in _SELF_CARE_LEVELS else [advice.while_waiting]
    parts = [("now", now), ("why", " ".join(why)), ("self_care", helps[0]),
             ("self_care_more", " ".join(helps[1:])), ("when_to_call", safety_net(advice, result))]
    parts = [(key, _fill(text, emergency_number)) for key, text in parts if text.strip()]

    emergency = result.urgency is Urgency.emergency
    spoken = [first] + _found(advice, result, limit=1 if emergency else _SPOKEN_SIGNS)
    if emergency:
        # the first thing to do besides calling ("Don't drive yourself."); no offer of
        # more, to stay short: "more" still works
        spoken.append(now.split(". ")[0].rstrip(".") + ".")
    else:
        if stopped and result.urgency is not Urgency.self_care:
            spoken.append(advice.stopped)
        if result.urgency in _SELF_CARE_LEVELS:
            # what the sign may be (sciatica) waits for "more"; what helps and when to call
            # come now
            if result.urgency is Urgency.self_care and not stopped:
                spoken.append(advice.self_care_short)
            spoken.append(safety_net(advice, result, short=True))
        else:
            spoken += _conditions(advice, result)[:1]  # miscarriage, preterm labor, kidney infection
        spoken.append(advice.spoken_offer)
    return AdviceText(
        headline=_fill(first, emergency_number),
        spoken=_fill(" ".join(spoken), emergency_number),
        parts=parts,
        full=_fill(" ".join([first] + [text for _, text in parts]), emergency_number),
    )


def _fill(text: str, emergency_number: str) -> str:
    return " ".join(text.replace("{emergency_number}", emergency_number).split())


def render(advice: Advice, result: Assessment, emergency_number: str, stopped: bool = False) -> str:
    """The whole advice (`triage.advice`): the action first, then every part."""
    return compose(advice, result, emergency_number, stopped).full
