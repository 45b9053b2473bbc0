"""Context of sign mentions: the project's ConText-style rules vs medspaCy's ConText.

Compared on the labelled utterance corpus (tests/data/utterances.yaml), scored with
tests/corpus.py's `mismatches`:

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
import re
import statistics
import sys
import time
from functools import partial
from pathlib import Path

from intents.patterns import compile_phrases, normalise
from intents.understanding import Understander, default_understander, merge_mentions, mention_value

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "utterances.yaml"
START, END = "<!-- context-eval:start -->", "<!-- context-eval:end -->"
GROUP = "signs"

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
# the project's precedence (intents/context.py `_kinds`): first that applies wins
ATTRS = [
    ("hypothetical", "is_hypothetical"),
    ("historical", "is_historical"),
    ("family", "is_family"),
    ("negated", "is_negated"),
    ("uncertain", "is_uncertain"),
]
APPROACHES = {
    "rules": "(a) project rules (intents/context.py)",
    "medspacy_default": "(b0) medspaCy ConText, default rules and settings",
    "medspacy": "(b) medspaCy ConText, default rules, cue inside a mention ignored",
    "medspacy_plus": "(c) = (b) + project cues as ConTextRules",
}


# --- corpus ------------------------------------------------------------------------


def _corpus_module():
    spec = importlib.util.spec_from_file_location("_backpain_corpus", ROOT / "tests" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _categories(path: Path = CORPUS) -> list[str]:
    """Context category of each corpus item, from the `# ---- section (n) ----` headers."""
    categories, current = [], "other"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ----"):
            current = next((c for key, c in SECTIONS if key in line), "other")
        elif line.startswith("- text:"):
            categories.append(current)
    return categories


# --- medspaCy ----------------------------------------------------------------------


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _quiet_pyrush():
    try:  # PyRuSH logs every token at DEBUG through loguru
        from loguru import logger

        logger.disable("PyRuSH")
    except ImportError:
        pass


def _outside_target(check=None):
    """`on_modifies` callback: a cue inside a mention does not modify that mention."""

    def on_modifies(target, modifier, between) -> bool:
        if target.start <= modifier.start and modifier.end <= target.end:
            return False
        return True if check is None else check(target, modifier, between)

    return on_modifies


def load_medspacy(sentences: str = "sentencizer", inside_target: str = "guard", extra_rules=()):
    """A blank English pipeline: sentence splitter + medspaCy ConText (default rules).

    The sentence splitter is spaCy's rule-based `sentencizer` by default: our normalised
    text is lower case with breaks kept as " . ", and PyRuSH (medspaCy's clinical
    splitter) does not split it (`sentences="pyrush"`).
    inside_target: what a cue inside a mention does: "default" (medspaCy as shipped: it
    modifies the mention), "guard" (it does not: `on_modifies` check on every rule) or
    "prune" (`prune_on_target_overlap=True`: the cue is dropped for every mention).
    """
    import medspacy  # registers the medspacy_* factories
    import spacy

    _quiet_pyrush()
    if sentences == "pyrush":
        nlp = medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_context"])
        context = nlp.get_pipe("medspacy_context")
        context.input_span_type = "group"
        context.span_group_name = GROUP
        context.prune_on_target_overlap = inside_target == "prune"
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        context = nlp.add_pipe(
            "medspacy_context",
            config={
                "input_span_type": "group",
                "span_group_name": GROUP,
                "prune_on_target_overlap": inside_target == "prune",
            },
        )
    if extra_rules:
        context.add(list(extra_rules))
    if inside_target == "guard":
        for rule in context.rules:
            rule.on_modifies = _outside_target(rule.on_modifies)
    return nlp


_FIRST_PERSON = {"i", "myself"}
_ME = {"me", "my", "myself"}


def _family_applies(target, modifier, between) -> bool:
    # intents/context.py: "my mum says I have a fever" is hers; "my toddler kicked me" / "my belly" too
    return not any(t.lower_ in _FIRST_PERSON for t in between) and not any(t.lower_ in _ME for t in target)


def project_cue_rules() -> list:
    """The project's cue lists (vocabulary.yaml `context:`) as medspaCy ConTextRules.

    Each (kind, direction) becomes one regex rule: the very alternation intents/context.py
    compiles, so anchors, look-aheads and word boundaries behave as in the project.
    """
    from medspacy.context import ConTextRule

    from intents.model import load

    cues = load().vocabulary.context
    categories = {
        "negated": "NEGATED_EXISTENCE",
        "historical": "HISTORICAL",
        "family": "FAMILY",
        "hypothetical": "HYPOTHETICAL",
        "uncertain": "POSSIBLE_EXISTENCE",
    }
    rules = []
    termination = compile_phrases(cues.terminations + ["\\."])
    rules.append(ConTextRule("project termination", "TERMINATE", pattern=termination.pattern, direction="TERMINATE"))
    for kind, category in categories.items():
        cue_set = getattr(cues, kind)
        for direction, phrases in (
            ("FORWARD", cue_set.forward),
            ("BACKWARD", cue_set.backward),
            ("BIDIRECTIONAL", cue_set.both),
            ("PSEUDO", cue_set.pseudo),
        ):
            pattern = compile_phrases(phrases)
            if pattern is None:
                continue
            rules.append(
                ConTextRule(
                    f"project {kind} {direction.lower()}",
                    category,
                    pattern=pattern.pattern,
                    direction=direction,
                    on_modifies=_family_applies if (kind, direction) == ("family", "FORWARD") else None,
                )
            )
    return rules


class ConTextUnderstander(Understander):
    """The project's understander with the context of sign mentions from medspaCy."""

    def __init__(self, base: Understander, nlp):
        self.__dict__.update(base.__dict__)
        self._nlp = nlp

    def mentions(self, text: str) -> list[tuple[str, str | None, int, int, str]]:
        """Every sign phrase match, as the project finds them: (slot, value, start, end, text)."""
        return [(slot, value, m.start(), m.end(), m.group()) for slot, value, m in self.sign_matches(text)]

    def contexts(self, text: str, mentions) -> list[tuple[str, list[tuple[int, int]]]]:
        """medspaCy's context of each mention, and the char spans of the cues that set it."""
        doc = self._nlp.make_doc(text)
        doc.spans[GROUP] = [doc.char_span(s, e, label=slot, alignment_mode="expand") for slot, _, s, e, _ in mentions]
        for _, proc in self._nlp.pipeline:
            doc = proc(doc)
        result = []
        for span in doc.spans[GROUP]:
            context = next((name for name, attr in ATTRS if getattr(span._, attr)), "present")
            cues = [(m._start, m._end) for m in span._.modifiers]
            result.append((context, [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in cues]))
        return result

    def signs(self, text: str):
        mentions = self.mentions(text)
        if not mentions:
            return {}, []
        found: list[tuple[str, str]] = []
        spans = []
        for (slot, value, start, end, matched), (context, cues) in zip(mentions, self.contexts(text, mentions)):
            meaning = mention_value(value, context, matched)
            if meaning is None:
                continue
            spans.append((start, end))
            spans.extend(cues)
            found.append((slot, meaning))
        return merge_mentions(found, self._implies), spans

    def signs_of_utterance(self, raw: str) -> dict[str, str]:
        text = self._spelling.correct(normalise(raw))
        if self.command(text):
            return {}
        return self.signs(text)[0]


# --- scoring -----------------------------------------------------------------------


def _sign_counts(expected: dict, got: dict) -> dict[str, int]:
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


def _class_counts(expected: dict, got: dict) -> dict[str, dict[str, int]]:
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


def _prf(c: dict[str, int]) -> dict[str, float | None]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": p, "recall": r, "f1": f}


def _add(total: dict, c: dict):
    for k, v in c.items():
        total[k] = total.get(k, 0) + v


def _timed(fn, reps: int) -> list[float]:
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return samples


# --- run ---------------------------------------------------------------------------


def run(reps: int = 3, pyrush_variant: bool = True) -> dict:
    corpus = _corpus_module()
    items = corpus.utterances()
    categories = _categories()
    assert len(categories) == len(items), (len(categories), len(items))

    t0 = time.perf_counter()
    base = default_understander()
    rules_load_s = time.perf_counter() - t0

    rss0 = _rss_mib()
    t0 = time.perf_counter()
    nlp = load_medspacy()
    medspacy_load_s = time.perf_counter() - t0
    rss1 = _rss_mib()

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
            counts = _sign_counts(expected, got.signs)
            _add(totals, counts)
            for cls, c in _class_counts(expected, got.signs).items():
                _add(per_class.setdefault(cls, {}), c)
            cat_row = by_cat.setdefault(cat, {"n": 0, "exact": 0, "signs_exact": 0, "tp": 0, "fp": 0, "fn": 0})
            cat_row["n"] += 1
            cat_row["exact"] += not problems
            cat_row["signs_exact"] += not sign_problems
            _add(cat_row, counts)
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
            **_prf(totals),
            "by_class": {cls: {**c, **_prf(c)} for cls, c in per_class.items()},
            "by_category": {cat: {**row, **_prf(row)} for cat, row in by_cat.items()},
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
            "medspacy_rss_mib": rss1 - rss0,
            "process_rss_mib": _rss_mib(),
            "medspacy_default_rules": len(nlp.get_pipe("medspacy_context").rules),
            "medspacy_plus_rules": len(nlp_plus.get_pipe("medspacy_context").rules),
        },
        "approaches": results,
        "variants": variants,
        "differ": differ,
    }


# --- report ------------------------------------------------------------------------


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


def markdown(result: dict, examples: int = 12) -> str:
    res = result["approaches"]
    load = result["load"]
    v = result["versions"]
    lines = [
        "## Context of sign mentions: project rules vs medspaCy ConText",
        "",
        f"`make bench-context` (`python -m benchmarks.context_eval`), corpus tests/data/utterances.yaml "
        f"({result['corpus_items']} utterances), scored with tests/corpus.py `mismatches`. "
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
    cats = [c for c in CATEGORY_ORDER if c in res["rules"]["by_category"]]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, help="also put the section into this Markdown file, between markers")
    parser.add_argument("--reps", type=int, default=3, help="timed runs per utterance (default 3)")
    parser.add_argument("--examples", type=int, default=12, help="differing utterances to list per approach")
    opts = parser.parse_args(argv)
    if importlib.util.find_spec("medspacy") is None:
        print("medspaCy is not installed in this environment: run `make bench-context`", file=sys.stderr)
        return 2
    section = markdown(run(reps=opts.reps), examples=opts.examples)
    print(section)
    if opts.write:
        write_section(opts.write, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
