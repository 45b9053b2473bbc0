"""The audit log as files: `backpain audit` writes it as JSON or CSV, from a date on.

Apart from the entries (voice/store/audit.py) because only the command line needs it:
the service writes entries, it never exports them.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone
from typing import Iterable

from voice.store.audit import AuditEntry


def parse_since(value: str) -> float:
    """ISO date or date-time (naive means UTC) -> Unix seconds."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--since: expected an ISO date or date-time such as 2025-01-31 or 2025-01-31T08:00:00Z, not {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp()


CSV_COLUMNS = ["id", "time", "urgency", "reasons", "weeks", "engine", "stopped", "revised_at", "session_ref"]


def to_json(entries: Iterable[AuditEntry]) -> str:
    """A JSON array, one entry per line."""
    lines = [json.dumps(e.model_dump(mode="json", exclude={"ts"}), ensure_ascii=False) for e in entries]
    if not lines:
        return "[]\n"
    return "[\n" + ",\n".join(lines) + "\n]\n"


def to_csv(entries: Iterable[AuditEntry]) -> str:
    """One row per check; a column per red-flag slot the entries hold (the slot list is
    data, and older entries may have been written under another one: blank there)."""
    entries = list(entries)
    slot_columns = list(dict.fromkeys(s for e in entries for s in e.slots))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS + slot_columns)
    for e in entries:
        row = [e.id, e.time, e.urgency.value, ";".join(e.reasons), "" if e.weeks is None else e.weeks, e.engine,
               "yes" if e.stopped else "no", e.revised_at or "", e.session_ref]
        row += [e.slots.get(s) or "" for s in slot_columns]
        writer.writerow(row)
    return out.getvalue()
