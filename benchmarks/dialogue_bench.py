"""The dialogue as a person meets it: path length, conversation outcomes, understanding.

`python -m benchmarks.dialogue_bench` prints the section; `make bench` writes it into
BENCHMARKS.md between `<!-- dialogue-bench:start/end -->`.
"""

from __future__ import annotations

import statistics
import time



# the blind sets whose patients were never tuned on (their about.yaml says so)
HELD_OUT_PATIENTS = ("blind5", "blind10", "blind11", "blind13", "blind15", "blind19", "blind20", "blind21", "blind23", "blind24")


def run() -> dict:
    from benchmarks.corpus import conversations, mismatches, utterances
    from benchmarks.driver import converse, problems

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
    from benchmarks import blind

    answers = blind.score_answers(dialogue)["totals"]
    tuned = blind.score_patients(dialogue, blind._load(["patients_1.yaml"]))
    held = blind.score_patients(dialogue, blind._load(["patients_2.yaml"]))
    later = {name: {"answers": blind.score_answers(dialogue, blind.set_answers(name))["totals"],
                    "patients": {k: v for k, v in blind.score_patients(dialogue, blind.set_patients(name)).items()
                                 if k != "failures"}}
             for name in blind.SETS}
    later["blind12"]["openings"] = blind.score_openings(dialogue, blind.set_answers("blind12"))
    return {
        "blind": {"answers": answers, "patients_tuned": {k: v for k, v in tuned.items() if k != "failures"},
                  "patients_held_out": {k: v for k, v in held.items() if k != "failures"},
                  "later": later},
        "questions_no_red_flags": path,
        "corpus": {"utterances": len(items), "right": right, "median_ms": statistics.median(timings) * 1000},
        "conversations": outcome,
        "turn_median_ms": statistics.median(turn_times) * 1000,
        "turn_p99_ms": sorted(turn_times)[int(len(turn_times) * 0.99)] * 1000,
    }


def markdown(r: dict) -> str:
    from benchmarks import blind

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
    b = r["blind"]
    a = b["answers"]
    lines += ["", "Material written blind (tests/data/blind/: helper sessions that read only the questions and the "
              "contract, before the rules of issue 11 were written). First sight is the landed code before issue 11 "
              "(dec47b6), measured once; the current score on answers and on patients_1 is a training score (the "
              "rules were tuned on their failures); patients_2 was kept out of the tuning, so its score is held out (one of its cases, an under-triage, was looked at and its class fixed: \"no bleeding, no\" no longer rules out the fluid; later a few more of its cases were looked at while checking changes for regressions, so it is no longer fully held out).", "",
              "| set | first sight | now |", "|---|---:|---:|",
              f"| answers, all (787) | 483 exact | {a['exact']} exact |",
              f"| answers to grouped questions (425) | 220 | {a['grouped_exact']} |",
              f"| answers to single questions (218) | 152 | {a['single_exact']} |",
              f"| opening sentences (83) | 62 | {a['open_exact']} |",
              f"| weeks answers (61) | 49 | {a['weeks_exact']} |",
              f"| answers: a sign said or uncertain read as \"no\" | 33 | {a['false_no']} |",
              f"| answers: a denied sign read as \"yes\" | 34 | {a['false_yes']} |"]
    for label, key, first in (("patients_1 (141, tuned on)", "patients_tuned", (128, 3, 7.9)),
                              ("patients_2 (131, held out)", "patients_held_out", (102, 5, 11.3))):
        p = b[key]
        lines.append(f"| {label}: exact / under-triaged / questions per case | {first[0]} / {first[1]} / {first[2]} | "
                     f"{p['exact']} / {p['under']} / {p['questions_per_case']:.1f} |")
    for name in blind.SETS:  # how each was written and its first sight: tests/data/<set>/about.yaml
        about = blind.set_about(name)
        a, p = b["later"][name]["answers"], b["later"][name]["patients"]
        first_header = about["first_header"]
        lines += ["", about["intro"], "", f"| set | {first_header} | now |", "|---|" + "---:|" * (first_header.count("|") + 2)]
        for label, key, first in ((r["label"], r["key"], r["first"]) for r in about["rows"]):
            o = b["later"][name].get("openings") or {}
            now = f"{p['exact']} / {p['under']}" if key == "patients" else (
                f"{o['caught']} / {o['false_emergencies']}" if key == "openings" else a[key])
            lines.append(f"| {label} | {first} | {now} |")
    held = [b["later"][name]["patients"] for name in HELD_OUT_PATIENTS]
    lines += ["", f"Patients never tuned on ({', '.join(HELD_OUT_PATIENTS)}; only their under-triage flags were read): "
              f"{sum(p['exact'] for p in held)} / {sum(p['cases'] for p in held)} exact, "
              f"{sum(p['under'] for p in held)} under-triaged. From blind17's round on, a sign the interaction model "
              "implies (heavy bleeding is bleeding) is not counted as spurious when the writer labelled only the sign "
              "asked about; that alone raised the \"now\" columns by 0 to 4 answers a set. From blind22's round on, a sign named and "
              "then denied in one answer, with no correction (\"Tight? Only my jeans, ha. No cramps\"), is asked alone instead "
              "of taken as a yes: false yes fell by 3 to 6 a set, a few exact answers were lost where the denial was the "
              "misreading, and questions per blind patient rose by 0.01 to 0.08 (blind2 8.54 to 8.57, blind17 8.04 to 8.05, "
              "blind18 8.22 to 8.25, blind23 7.86 to 7.94, the last with its new readings too)."]
    path = " / ".join(str(v) for v in r["questions_no_red_flags"].values())
    lines += ["", "Rule 10 (a no only from a clear answer) costs no question on the path above, where every answer is a "
              f"plain \"no\" ({path}; it was 12 / 10 / 11 before rule 10, and the ectopic question adds one before 14 "
              "weeks and with the weeks unknown). In natural answers it asks the unsettled sign on its own instead of "
              "guessing, and so does half a sign denied (\"no numbness\" to the legs question leaves the weakness): "
              "with the round of blind6 and blind7, questions per blind patient moved 9.44 to 9.30 (blind), 8.49 to "
              "8.62 (blind2), 8.67 to 8.81 (blind6) and 8.87 to 8.67 (blind7), the others within 0.01."]
    lines += ["", f"In-process dialogue turn (understanding + dialogue + triage): median {r['turn_median_ms']:.2f} ms, "
              f"p99 {r['turn_p99_ms']:.2f} ms."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
