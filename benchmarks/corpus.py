"""Loading and scoring the labelled utterance corpus (tests/data/utterances.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def utterances() -> list[dict]:
    return yaml.safe_load((DATA / "utterances.yaml").read_text(encoding="utf-8"))


def conversations() -> list[dict]:
    return yaml.safe_load((DATA / "conversations.yaml").read_text(encoding="utf-8"))


def mismatches(item: dict, got) -> list[str]:
    """What the understanding got wrong: listed signs exact, no unlisted sign "yes"."""
    problems = []
    expected = item.get("signs") or {}
    for slot, value in expected.items():
        if got.signs.get(slot) != value:
            problems.append(f"sign {slot}: expected {value}, got {got.signs.get(slot)}")
    for slot, value in got.signs.items():
        if slot not in expected and value == "yes":
            problems.append(f"sign {slot}: unexpected yes")
    for field in ("answer", "weeks", "command"):
        if item.get(field) != getattr(got, field):
            problems.append(f"{field}: expected {item.get(field)!r}, got {getattr(got, field)!r}")
    return problems
