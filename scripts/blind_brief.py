"""Write the brief a blind test writer works from: `python -m scripts.blind_brief OUT_DIR`.

A helper session that must not see the code gets only OUT_DIR: the clinical contract
(triage.md), the questions as the skill asks them (questions.md, made from
intents/data/questions.yaml) and the writers' guides of docs/blind-writing/.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "spec" / "triage.md"


def questions_md(data: dict) -> str:
    single = data["slot_questions"]
    out = ["# The questions the skill asks (ids, slots, wording)", "",
           f"Question id `open`, the opening: \"{data['open']['say']}\"", "",
           f"Question id `weeks`: \"{data['weeks']['say']}\" (plainer: \"{data['weeks']['plain']}\")", "",
           "## Grouped and single questions, in the order asked", ""]
    for q in data["questions"]:
        if q.get("kind") == "weeks":
            out.append("- `weeks` (see above)")
            continue
        slots = q["slots"]
        when = [text for key, text in (("only_if", "asked only when vaginal_bleeding is yes or unsure"),
                                       ("from_weeks", f"asked only from {q.get('from_weeks')} weeks, or when weeks are unknown"),
                                       ("below_weeks", f"asked only before {q.get('below_weeks')} weeks, or when weeks are unknown"))
                if key in q]
        say, plain = q.get("say") or single[slots[0]]["say"], q.get("plain") or single[slots[0]]["plain"]
        out += [f"- `{q['id']}`: slots {', '.join(slots)}" + (f" ({'; '.join(when)})" if when else ""),
                f"  - says: \"{say}\"", f"  - plainer: \"{plain}\""]
    out += ["", "## Single questions (one slot each: asked alone, or after a yes to a grouped question)", ""]
    out += [f"- `{slot}`: \"{q['say']}\" (plainer: \"{q['plain']}\")" for slot, q in single.items()]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m scripts.blind_brief OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load((ROOT / "intents" / "data" / "questions.yaml").read_text(encoding="utf-8"))
    (out / "questions.md").write_text(questions_md(data), encoding="utf-8")
    if CONTRACT.exists():
        shutil.copy(CONTRACT, out / "triage.md")
    for guide in (ROOT / "docs" / "blind-writing").glob("*.md"):
        shutil.copy(guide, out / guide.name)
    print(f"brief written to {out}: {', '.join(sorted(p.name for p in out.iterdir()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
