"""Context of sign mentions: the project's ConText-style rules vs medspaCy's ConText.

Compared on the labelled utterance corpus (tests/data/utterances.yaml), scored with
benchmarks/corpus.py's `mismatches`:

  (a) rules      the project's pipeline, `intents.understanding.understand`;
  (b0) medspacy_default  the same sign regexes (`default_understander()._signs`) on the
                 same normalised, spelling-corrected text, but medspaCy's ConText with its
                 default English rules and default settings decides negated / historical /
                 family / hypothetical / uncertain;
  (b) medspacy   the same, but a cue lying inside a mention does not modify that mention.
                 Our sign phrases may hold a negation word ("the baby has not moved" is a
                 present sign). medspaCy means a modifier never to modify a target it
                 overlaps, but 1.3.1's test (`medspacy.util.tuple_overlaps`) misses a
                 modifier strictly inside the target, so by default "not" negates "baby has
                 not moved". (b) adds that check as each rule's `on_modifies` callback, a
                 public hook; the library's own option, `prune_on_target_overlap=True`, is
                 reported as a variant: it drops the cue for every mention, so "no cramps"
                 (an absent phrase) stops negating "cramps" (a present one);
  (c) medspacy+  (b) plus the project's cue lists (vocabulary.yaml `context:`) added as
                 extra ConTextRules (regex patterns, the same alternations the project
                 compiles).

Answers, weeks and commands are taken from (a) for every approach, so only the context
of sign mentions differs. "as adopted" additionally re-derives the answer from the new
signs and cue spans, as the pipeline would if (b) or (c) replaced intents/context.py.

Needs medspaCy, which is not a project dependency: run it with `make bench-context`
(separate venv .venv-eval). Fully offline: spaCy's blank English pipeline, no model.

    python -m benchmarks.context_eval                  # print the Markdown section
    python -m benchmarks.context_eval --write BENCHMARKS.md
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from functools import partial
from pathlib import Path

from intents.patterns import normalise
from intents.understanding import default_understander

from benchmarks.context_medspacy import ConTextUnderstander, load_medspacy, project_cue_rules, rss_mib
from benchmarks.context_report import add, class_counts, markdown, prf, sign_counts, write_section

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "utterances.yaml"

# corpus section header (substring) -> context category of its utterances
SECTIONS = [
    ("single red flag", "present"),
    ("several signs", "mixed"),
    ("negations", "negated"),
    ("past pregnancy", "historical"),
    ("family", "family"),
    ("hypothetical", "hypothetical"),
    ("plain back pain", "plain"),
    ("out of scope", "out_of_scope"),
    ("answers to yes/no", "yes_no_answers"),
    ("weeks question", "weeks_answers"),
    ("commands", "commands"),
]
CATEGORY_ORDER = [c for _, c in SECTIONS]
APPROACHES = {
    "rules": "(a) project rules (intents/context.py)",
    "medspacy_default": "(b0) medspaCy ConText, default rules and settings",
    "medspacy": "(b) medspaCy ConText, default rules, cue inside a mention ignored",
    "medspacy_plus": "(c) = (b) + project cues as ConTextRules",
}


# --- corpus ------------------------------------------------------------------------


def _categories(path: Path = CORPUS) -> list[str]:
    """Context category of each corpus item, from the `# ---- section (n) ----` headers."""
    categories, current = [], "other"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ----"):
            current = next((c for key, c in SECTIONS if key in line), "other")
        elif line.startswith("- text:"):
            categories.append(current)
    return categories



def _timed(fn, reps: int) -> list[float]:
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


# --- run ---------------------------------------------------------------------------


def run(reps: int = 3, pyrush_variant: bool = True) -> dict:
    from benchmarks import corpus

    items = corpus.utterances()
    categories = _categories()
    assert len(categories) == len(items), (len(categories), len(items))

    t0 = time.perf_counter()
    base = default_understander()
    rules_load_s = time.perf_counter() - t0

    rss0 = rss_mib()
    t0 = time.perf_counter()
    nlp = load_medspacy()
    medspacy_load_s = time.perf_counter() - t0
    rss1 = rss_mib()

    nlp_default = load_medspacy(inside_target="default")
    nlp_plus = load_medspacy(extra_rules=project_cue_rules())

    import medspacy
    import spacy

    understanders = {
        "medspacy_default": ConTextUnderstander(base, nlp_default),
        "medspacy": ConTextUnderstander(base, nlp),
        "medspacy_plus": ConTextUnderstander(base, nlp_plus),
    }

    def args(item):
        return item["text"], item.get("expecting"), item.get("asking")

    results = {}
    project = [base(*args(it)) for it in items]
    for name in APPROACHES:
        per_item, totals, per_class = [], {}, {}
        by_cat: dict[str, dict] = {}
        latencies, sign_latencies = [], []
        for item, cat, proj in zip(items, categories, project):
            u = base if name == "rules" else understanders[name]
            if name == "rules":
                got, adopted = proj, proj
            else:
                got = proj.model_copy(update={"signs": u.signs_of_utterance(item["text"])})
                adopted = u(*args(item))
            text = u._spelling.correct(normalise(item["text"]))
            latencies.extend(_timed(partial(u, *args(item)), reps))
            sign_latencies.extend(_timed(partial(u.signs, text), reps))
            expected = item.get("signs") or {}
            problems = corpus.mismatches(item, got)
            sign_problems = [p for p in problems if p.startswith("sign ")]
            adopted_problems = corpus.mismatches(item, adopted)
            counts = sign_counts(expected, got.signs)
            add(totals, counts)
            for cls, c in class_counts(expected, got.signs).items():
                add(per_class.setdefault(cls, {}), c)
            cat_row = by_cat.setdefault(cat, {"n": 0, "exact": 0, "signs_exact": 0, "tp": 0, "fp": 0, "fn": 0})
            cat_row["n"] += 1
            cat_row["exact"] += not problems
            cat_row["signs_exact"] += not sign_problems
            add(cat_row, counts)
            per_item.append(
                {
                    "text": item["text"],
                    "category": cat,
                    "expected": expected,
                    "got": dict(got.signs),
                    "problems": problems,
                    "adopted_problems": adopted_problems,
                }
            )
        n = len(items)
        results[name] = {
            "label": APPROACHES[name],
            "n": n,
            "exact": sum(not r["problems"] for r in per_item) / n,
            "signs_exact": sum(not any(p.startswith("sign ") for p in r["problems"]) for r in per_item) / n,
            "adopted_exact": sum(not r["adopted_problems"] for r in per_item) / n,
            "counts": totals,
            **prf(totals),
            "by_class": {cls: {**c, **prf(c)} for cls, c in per_class.items()},
            "by_category": {cat: {**row, **prf(row)} for cat, row in by_cat.items()},
            "latency_ms_median": statistics.median(latencies) * 1000,
            "signs_latency_ms_median": statistics.median(sign_latencies) * 1000,
            "items": per_item,
        }

    variants = {}
    others = {
        "medspacy_prune": (
            "(b) with prune_on_target_overlap instead of the on_modifies check",
            {"inside_target": "prune"},
        ),
        "medspacy_plus_prune": (
            "(c) with prune_on_target_overlap instead of the on_modifies check",
            {"inside_target": "prune", "extra_rules": project_cue_rules()},
        ),
    }
    if pyrush_variant:  # medspaCy's own sentence splitter on our normalised text
        others["medspacy_pyrush"] = ("(b) with PyRuSH instead of spaCy's sentencizer", {"sentences": "pyrush"})
    for name, (label, kwargs) in others.items():
        u = ConTextUnderstander(base, load_medspacy(**kwargs))
        ok = 0
        for item, proj in zip(items, project):
            got = proj.model_copy(update={"signs": u.signs_of_utterance(item["text"])})
            ok += not corpus.mismatches(item, got)
        variants[name] = {"label": label, "exact": ok / len(items)}

    rules_ok = [not r["problems"] for r in results["rules"]["items"]]
    differ = {}
    for name in ("medspacy_default", "medspacy", "medspacy_plus"):
        differ[name] = [
            {**r, "rules_ok": ok} for r, ok in zip(results[name]["items"], rules_ok) if ok != (not r["problems"])
        ]

    return {
        "versions": {
            "python": sys.version.split()[0],
            "spacy": spacy.__version__,
            "medspacy": medspacy.__version__,
        },
        "corpus_items": len(items),
        "load": {
            "rules_understander_s": rules_load_s,
            "medspacy_s": medspacy_load_s,
            "medspacyrss_mib": rss1 - rss0,
            "processrss_mib": rss_mib(),
            "medspacy_default_rules": len(nlp.get_pipe("medspacy_context").rules),
            "medspacy_plus_rules": len(nlp_plus.get_pipe("medspacy_context").rules),
        },
        "approaches": results,
        "variants": variants,
        "differ": differ,
    }




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, help="also put the section into this Markdown file, between markers")
    parser.add_argument("--reps", type=int, default=3, help="timed runs per utterance (default 3)")
    parser.add_argument("--examples", type=int, default=12, help="differing utterances to list per approach")
    opts = parser.parse_args(argv)
    if importlib.util.find_spec("medspacy") is None:
        print("medspaCy is not installed in this environment: run `make bench-context`", file=sys.stderr)
        return 2
    section = markdown(run(reps=opts.reps), examples=opts.examples, category_order=CATEGORY_ORDER)
    print(section)
    if opts.write:
        write_section(opts.write, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
