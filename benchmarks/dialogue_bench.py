"""The dialogue as a person meets it: path length, conversation outcomes, understanding.

`python -m benchmarks.dialogue_bench` prints the section; `make bench` writes it into
BENCHMARKS.md between `<!-- dialogue-bench:start/end -->`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"


def run() -> dict:
    sys.path.insert(0, str(TESTS))
    from corpus import conversations, mismatches, utterances
    from driver import converse, problems

    from intents.dialogue import Dialogue
    from intents.understanding import understand
    from models import Urgency

    dialogue = Dialogue()
    path = {label: dialogue.count_questions(weeks) for label, weeks in (("weeks unknown", None), ("12 weeks", 12), ("30 weeks", 30))}

    items = utterances()
    timings, right = [], 0
    for item in items:
        t = time.perf_counter()
        got = understand(item["text"], item["expecting"], item.get("asking") or [])
        timings.append(time.perf_counter() - t)
        right += not mismatches(item, got)

    states: dict = {}

    def start(weeks):
        state = dialogue.start(f"b{len(states)}", weeks)
        states[state.session_id] = state
        return state.last_reply.model_dump(mode="json")

    def turn(session, text):
        t = time.perf_counter()
        states[session] = dialogue.turn(states[session], text)
        turn_times.append(time.perf_counter() - t)
        return states[session].last_reply.model_dump(mode="json")

    outcome = {}
    turn_times: list[float] = []
    for style in ("casual", "terse", "chatty", "descriptive"):
        exact = under = turns = 0
        cases = conversations()
        for case in cases:
            case = {**case, "style": style}
            replies = converse(case, start, turn)
            turns += len(replies) - 1
            got = Urgency(replies[-1]["triage"]["urgency"])
            wanted = Urgency(case["expect"]["urgency"])
            exact += got == wanted and not problems(case, replies)
            under += got.rank < wanted.rank
        outcome[style] = {"cases": len(cases), "exact": exact, "under": under, "turns_per_case": turns / len(cases)}
    return {
        "questions_no_red_flags": path,
        "corpus": {"utterances": len(items), "right": right, "median_ms": statistics.median(timings) * 1000},
        "conversations": outcome,
        "turn_median_ms": statistics.median(turn_times) * 1000,
        "turn_p99_ms": sorted(turn_times)[int(len(turn_times) * 0.99)] * 1000,
    }


def markdown(r: dict) -> str:
    lines = ["## Dialogue and understanding (`benchmarks/dialogue_bench.py`)", ""]
    lines.append("Questions asked on a path with no red flag, open question included (every answer \"no\"):")
    lines.append("")
    lines.append("| weeks | questions |")
    lines.append("|---|---:|")
    lines += [f"| {k} | {v} |" for k, v in r["questions_no_red_flags"].items()]
    c = r["corpus"]
    lines += ["", f"Understanding, labelled corpus: {c['right']}/{c['utterances']} utterances exactly right "
              f"({c['right'] / c['utterances']:.1%}), median {c['median_ms']:.2f} ms per utterance. The corpus was "
              "written before the rules and the rules were then tuned on it, so this is a training-set score.", ""]
    lines.append("Conversation cases (tests/data/conversations.yaml), the simulated person answering in four styles:")
    lines.append("")
    lines.append("| style | exact urgency and expectations | under-triaged | turns per case |")
    lines.append("|---|---:|---:|---:|")
    for style, o in r["conversations"].items():
        lines.append(f"| {style} | {o['exact']}/{o['cases']} | {o['under']} | {o['turns_per_case']:.1f} |")
    lines += ["", f"In-process dialogue turn (understanding + dialogue + triage): median {r['turn_median_ms']:.2f} ms, "
              f"p99 {r['turn_p99_ms']:.2f} ms."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
