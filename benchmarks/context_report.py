"""How the context benchmark (benchmarks/context_eval.py) scores an approach, and its Markdown section."""

from __future__ import annotations

import re
from pathlib import Path

START, END = "<!-- context-eval:start -->", "<!-- context-eval:end -->"


# --- scoring -----------------------------------------------------------------------


def sign_counts(expected: dict, got: dict) -> dict[str, int]:
    """Scored (slot, value) pairs: listed slots exact; an unlisted slot counts only when "yes"."""
    counts = {"tp": 0, "fp": 0, "fn": 0}
    for slot, value in expected.items():
        if got.get(slot) == value:
            counts["tp"] += 1
        else:
            counts["fn"] += 1
    for slot, value in got.items():
        if (slot in expected and expected[slot] != value) or (slot not in expected and value == "yes"):
            counts["fp"] += 1
    return counts


def class_counts(expected: dict, got: dict) -> dict[str, dict[str, int]]:
    """The same counts split by value: present ("yes") and negated ("no")."""
    out = {}
    for name, v in (("present", "yes"), ("negated", "no"), ("uncertain", "unsure")):
        c = {"tp": 0, "fp": 0, "fn": 0}
        for slot, value in expected.items():
            if value == v:
                c["tp" if got.get(slot) == v else "fn"] += 1
        for slot, value in got.items():
            if value == v and ((slot in expected and expected[slot] != v) or (slot not in expected and v == "yes")):
                c["fp"] += 1
        out[name] = c
    return out


def prf(c: dict[str, int]) -> dict[str, float | None]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": p, "recall": r, "f1": f}


def add(total: dict, c: dict):
    for k, v in c.items():
        total[k] = total.get(k, 0) + v


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _f(x) -> str:
    return "—" if x is None else f"{x:.3f}"


def _short(d: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in d.items()) or "{}"


def _spread(rows: list[dict]) -> list[dict]:
    """Rows taken in turn from each category, so the first few show every kind of error."""
    by_cat: dict[str, list[dict]] = {}
    for r in rows:
        by_cat.setdefault(r["category"], []).append(r)
    out = []
    while any(by_cat.values()):
        for queue in by_cat.values():
            if queue:
                out.append(queue.pop(0))
    return out


def markdown(result: dict, examples: int = 12, category_order: list[str] = ()) -> str:
    res = result["approaches"]
    load = result["load"]
    v = result["versions"]
    lines = [
        "## Context of sign mentions: project rules vs medspaCy ConText",
        "",
        f"`make bench-context` (`python -m benchmarks.context_eval`), corpus tests/data/utterances.yaml "
        f"({result['corpus_items']} utterances), scored with benchmarks/corpus.py `mismatches`. "
        f"Python {v['python']}, spaCy {v['spacy']}, medspaCy {v['medspacy']} (blank English pipeline, "
        "spaCy `sentencizer` + `medspacy_context`, no model download).",
        "",
        "All approaches use the project's sign regexes on the same normalised text; only the context of each "
        "mention (negated / historical / family / hypothetical / uncertain) differs. Answers, weeks and "
        "commands come from the project pipeline. *Exact* = no mismatch at all; *signs exact* = no sign "
        "mismatch; *as adopted* = answers re-derived from the new signs, as the pipeline would if it switched. "
        "Sign P/R/F1 count (slot, value) pairs: a listed slot must have its value, an unlisted slot counts "
        'only when "yes".',
        "",
        "| approach | exact | signs exact | as adopted | sign P | sign R | sign F1 | TP / FP / FN | median ms / utterance | median ms, signs step |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for r in res.values():
        c = r["counts"]
        lines.append(
            f"| {r['label']} | {_pct(r['exact'])} | {_pct(r['signs_exact'])} | {_pct(r['adopted_exact'])} "
            f"| {_f(r['precision'])} | {_f(r['recall'])} | {_f(r['f1'])} | {c['tp']} / {c['fp']} / {c['fn']} "
            f"| {r['latency_ms_median']:.2f} | {r['signs_latency_ms_median']:.2f} |"
        )
    for var in result["variants"].values():
        lines.append(f"| {var['label']} | {_pct(var['exact'])} | | | | | | | | |")

    lines += [
        "",
        "By context category of the corpus section: utterances exact, and in brackets the wrongly filled "
        'signs (FP, e.g. "yes" for a past pregnancy) / listed signs missed or wrong (FN):',
        "",
        "| category | n | " + " | ".join(r["label"].split(" ")[0] for r in res.values()) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in res) + " |",
    ]
    cats = [c for c in category_order if c in res["rules"]["by_category"]]
    cats += [c for c in res["rules"]["by_category"] if c not in cats]
    for cat in cats:
        row = [cat, str(res["rules"]["by_category"][cat]["n"])]
        for r in res.values():
            b = r["by_category"][cat]
            row.append(f"{b['exact']}/{b['n']} ({b['fp']}/{b['fn']})")
        lines.append("| " + " | ".join(row) + " |")

    lines += [
        "",
        'By value of the sign (present = "yes", negated = "no"), over all utterances:',
        "",
        "| value | " + " | ".join(r["label"].split(" ")[0] + " P / R / F1" for r in res.values()) + " |",
        "| --- | " + " | ".join("---" for _ in res) + " |",
    ]
    for cls in ("present", "negated", "uncertain"):
        row = [cls]
        for r in res.values():
            b = r["by_class"][cls]
            row.append(f"{_f(b['precision'])} / {_f(b['recall'])} / {_f(b['f1'])}")
        if any(r["by_class"][cls]["tp"] + r["by_class"][cls]["fp"] + r["by_class"][cls]["fn"] for r in res.values()):
            lines.append("| " + " | ".join(row) + " |")

    lines += [
        "",
        f"Load: project understander {load['rules_understander_s']:.2f} s (cold, includes the vocabulary and "
        f"spelling dictionary); medspaCy import + pipeline {load['medspacy_s']:.2f} s and "
        f"+{load['medspacy_rss_mib']:.0f} MiB RSS ({load['medspacy_default_rules']} default rules; "
        f"{load['medspacy_plus_rules']} with the project cues); whole process {load['process_rss_mib']:.0f} MiB.",
    ]
    for name, rows in result["differ"].items():
        worse = [r for r in rows if r["rules_ok"]]
        better = [r for r in rows if not r["rules_ok"]]
        lines += [
            "",
            f"{res[name]['label']}: {len(worse)} utterances right with the project rules and wrong here, "
            f"{len(better)} the other way round. " + ("Some, taken in turn from each category:" if rows else ""),
        ]
        if rows:
            lines += [
                "",
                "| category | utterance | expected signs | got | problem |",
                "| --- | --- | --- | --- | --- |",
            ]
        for r in _spread(worse + better)[:examples]:
            problem = "; ".join(r["problems"]) if r["problems"] else "(fixed here)"
            text = r["text"].replace("|", "\\|")
            lines.append(f"| {r['category']} | {text} | {_short(r['expected'])} | {_short(r['got'])} | {problem} |")
    return "\n".join(lines) + "\n"


def write_section(path: Path, section: str) -> None:
    """Put the section between the markers, keeping everything else in the file."""
    block = f"{START}\n{section.rstrip()}\n{END}\n"
    if not path.exists():
        path.write_text("# Benchmarks\n\n" + block, encoding="utf-8")
        return
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text, encoding="utf-8")
