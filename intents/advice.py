"""The words of the advice: what was found, what to do now, self-care, safety net."""

from __future__ import annotations

from models import Urgency
from intents.model import Advice
from intents.triage import Assessment

# Self-care measures help while waiting for a non-urgent appointment too.
_SELF_CARE_LEVELS = {Urgency.self_care, Urgency.routine, Urgency.soon}


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def render(advice: Advice, result: Assessment, emergency_number: str, stopped: bool = False) -> str:
    parts: list[str] = []
    if result.reasons:
        names = [advice.sign_names[s] for s in result.reasons if s not in result.uncertain]
        if names:
            parts.append(advice.found_intro.format(signs=_join(names)))
        if result.uncertain:
            unsure = [advice.sign_names[s] for s in result.uncertain]
            them = "it" if len(unsure) == 1 else "them"
            parts.append(advice.uncertain.format(signs=_join(unsure), them=them))
    parts.append(advice.urgency[result.urgency])
    if stopped:
        parts.append(advice.stopped)
    parts += [advice.conditions[c] for c in result.conditions]
    if result.urgency in _SELF_CARE_LEVELS:
        if result.urgency is Urgency.self_care:
            parts.append(advice.causes)
        parts.append(advice.self_care)
    else:
        parts.append(advice.while_waiting)
    parts.append(advice.safety_net)
    return " ".join(p.strip() for p in parts).replace("{emergency_number}", emergency_number)
