"""Moved to voice.store.audit and voice.store.audit_export; this shim goes when every
importer is updated."""

from voice.store.audit import (  # noqa: F401
    AuditEntry,
    AuditEvent,
    entry_for,
    event_for_turn,
    iso,
    new_entry_id,
    revised,
    session_ref,
)
from voice.store.audit_export import CSV_COLUMNS, parse_since, to_csv, to_json  # noqa: F401
