"""`backpain audit`: the audit log of finished checks (no transcripts), as JSON or CSV."""

from __future__ import annotations

import argparse
import sys

NEEDS = "settings"


def run(args: argparse.Namespace, settings) -> int:
    from voice.store import describe, open_store
    from voice.store.audit_export import parse_since, to_csv, to_json

    if settings.session_store == "memory":
        print("error: BACKPAIN_SESSION_STORE=memory keeps no audit log beyond the process", file=sys.stderr)
        return 2
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        entries = store.audit_entries(since)
    finally:
        store.close()
    text = to_csv(entries) if args.format == "csv" else to_json(entries)
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        print(f"{len(entries)} audit entries from {describe(store)} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0
