"""The README's configuration table, generated from the Settings' fields:
`python -m voice.config` prints it, `python -m voice.config --write README.md` puts it in place."""

from __future__ import annotations

from pathlib import Path

from voice.config.settings import Settings, variable


def markdown_table() -> str:
    """The README's configuration table, generated from the fields above."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra or {}
        shown = extra.get("shown_default")
        if shown is None:
            shown = f"`{info.default}`" if info.default not in ("", None) else "unset"
        rows.append(f"| `{variable(name)}` | {shown} | {info.description} |")
    return "\n".join(rows) + "\n"


def write_table(path: Path) -> None:
    """Put the table between the README's markers, keeping everything else."""
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- settings:start -->\n", "<!-- settings:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"{path}: no {start.strip()} ... {end} markers")
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    path.write_text(head + start + markdown_table() + end + tail, encoding="utf-8")
