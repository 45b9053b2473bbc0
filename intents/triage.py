"""The rules of triage.md: from slot values to urgency, reasons and conditions."""

from __future__ import annotations

from dataclasses import dataclass, field

from models import SlotValue, Urgency
from intents.model import Condition, SlotRules


@dataclass(frozen=True)
class Assessment:
    urgency: Urgency
    reasons: list[str]                 # present slots, most serious first
    uncertain: list[str] = field(default_factory=list)   # present because "unsure" (rule 5)
    conditions: list[str] = field(default_factory=list)  # ids of slots.yaml conditions that apply
    weeks: int | None = None           # the advice is worded for the stage of pregnancy


def present(value: SlotValue) -> bool:
    """Rule 5: a sign still unsure after the plainer re-ask counts as present."""
    return value in ("yes", "unsure")


def _applies(cond: Condition, found: set[str], weeks: int | None) -> bool:
    if not set(cond.all) <= found:
        return False
    if cond.any and not (set(cond.any) & found):
        return False
    if weeks is not None:
        if cond.weeks_from is not None and weeks < cond.weeks_from:
            return False
        if cond.weeks_below is not None and weeks >= cond.weeks_below:
            return False
    return True


def assess(rules: SlotRules, slots: dict[str, SlotValue], weeks: int | None) -> Assessment:
    found = {s for s in rules.slots if present(slots.get(s))
             and (s not in rules.windows or rules.windows[s].holds(weeks))}
    urgency = Urgency.self_care
    for slot in found:
        urgency = max(urgency, rules.levels[slot], key=lambda u: u.rank)
    conditions = []
    for cond in rules.conditions:
        if _applies(cond, found, weeks):
            conditions.append(cond.id)
            if cond.urgency is not None:
                urgency = max(urgency, cond.urgency, key=lambda u: u.rank)
    order = {s: i for i, s in enumerate(rules.slots)}
    reasons = sorted(found, key=lambda s: (-rules.levels[s].rank, order[s]))
    uncertain = [s for s in reasons if slots.get(s) == "unsure"]
    return Assessment(urgency, reasons, uncertain, conditions, weeks)
