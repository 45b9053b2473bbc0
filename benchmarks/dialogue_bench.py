"""The dialogue as a person meets it: path length, conversation outcomes, understanding.

`python -m benchmarks.dialogue_bench` prints the section; `make bench` writes it into
BENCHMARKS.md between `<!-- dialogue-bench:start/end -->`.
"""

from __future__ import annotations

import statistics
import time



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


# How each later blind set (benchmarks/blind.py SETS) was written and what it scored at first sight
LATER_SETS = {
    "blind2": ("A second blind set (tests/data/blind2/), written by two more helper sessions after the rules above, "
               "scored as it came; then its two under-triaged patients and its seven answers that read a sign as "
               "\"no\" were looked at and their classes fixed, and later its other failures were tuned on too (so "
               "\"now\" is a training score). First sight: the code landed before issue 11 (dec47b6), and the "
               "issue-11 code when the set arrived:",
               "landed before issue 11 | issue 11 when the set arrived",
               [("answers, all (324)", "exact", "182 | 234"), ("answers to grouped questions (217)", "grouped_exact", "104 | 149"),
                ("a sign said or uncertain read as \"no\"", "false_no", "15 | 6"),
                ("a denied sign read as \"yes\"", "false_yes", "10 | 8"),
                ("patients (143): exact / under-triaged", "patients", "126 / 5 | 133 / 2")]),
    "blind3": ("A third blind set (tests/data/blind3/), written for the new sign ectopic_signs from the contract and the "
               "question's wording while its vocabulary was being written, scored once both were done (first sight), "
               "then tuned on (so \"now\" is a training score):", "first sight",
               [("answers, all (90)", "exact", "49"), ("answers to the ectopic question (62)", "single_exact", "38"),
                ("opening sentences (28)", "open_exact", "11"), ("a sign said or uncertain read as \"no\"", "false_no", "2"),
                ("a denied sign read as \"yes\"", "false_yes", "3"),
                ("patients (35, early pregnancy or weeks unknown): exact / under-triaged", "patients", "33 / 0")]),
    "blind4": ("A fourth blind set (tests/data/blind4/), written after the rules above by a helper session that read "
               "only the questions, the contract and the labelling guide; first sight is the code when it arrived, then "
               "it was tuned on (so \"now\" is a training score):", "first sight",
               [("answers, all (260)", "exact", "179"), ("answers to grouped questions (192)", "grouped_exact", "127"),
                ("weeks answers (30)", "weeks_exact", "22"), ("a sign said or uncertain read as \"no\"", "false_no", "2"),
                ("a denied sign read as \"yes\"", "false_yes", "8"),
                ("patients (80): exact / under-triaged", "patients", "74 / 1")]),
    "blind5": ("A fifth blind set (tests/data/blind5/), written last, after every rule, to measure them held out: only "
               "its two answers that read a sign as \"no\" were looked at (and their classes fixed), so \"now\" is "
               "still nearly a held-out score. On its 197 answers that do not involve the new ectopic sign, the code "
               "at the start of this round (7231f58) scored 135 (103 of 150 grouped), the code when it arrived 138 (106).",
               "first sight",
               [("answers, all (200)", "exact", "141"), ("answers to grouped questions (150)", "grouped_exact", "106"),
                ("opening sentences (20)", "open_exact", "16"), ("a sign said or uncertain read as \"no\"", "false_no", "2"),
                ("a denied sign read as \"yes\"", "false_yes", "6"),
                ("patients (60): exact / under-triaged", "patients", "57 / 0")]),
    "blind6": ("A sixth blind set (tests/data/blind6/), written at the start of the next round by three helper sessions "
               "that read only the questions, the contract and the labelling guides (four opening labels were changed "
               "before scoring, see the file). First sight is the code when it arrived (e628a43); then it was tuned on, "
               "so \"now\" is a training score. blind5, whose failures were not studied, moved from 142 to the number "
               "in its table above with the same changes.", "first sight",
               [("answers, all (424)", "exact", "326"), ("answers to grouped questions (240)", "grouped_exact", "183"),
                ("answers to single questions (82)", "single_exact", "56"), ("opening sentences (51)", "open_exact", "42"),
                ("weeks answers (51)", "weeks_exact", "45"), ("a sign said or uncertain read as \"no\"", "false_no", "8"),
                ("a denied sign read as \"yes\"", "false_yes", "14"),
                ("patients (149): exact / under-triaged", "patients", "132 / 1")]),
    "blind7": ("A seventh blind set (tests/data/blind7/), written in the same round after its rules by two more helper "
               "sessions, asked for phrasings a parser would find hard, and kept held out: only its two answers that "
               "read a sign as \"no\" and its three under-triaged patients were looked at (and their classes fixed), so "
               "\"now\" is still nearly a held-out score. On it the code before the round (e628a43) scored 137 answers "
               "(97 grouped, 3 false no) and 79 / 3 patients; the columns are the code when the set arrived.",
               "first sight",
               [("answers, all (209)", "exact", "140"), ("answers to grouped questions (156)", "grouped_exact", "99"),
                ("answers to single questions (53)", "single_exact", "41"),
                ("a sign said or uncertain read as \"no\"", "false_no", "2"),
                ("a denied sign read as \"yes\"", "false_yes", "8"),
                ("patients (94): exact / under-triaged", "patients", "80 / 3")]),
    "blind8": ("An eighth blind set (tests/data/blind8/), written at the start of the next round by four helper "
               "sessions from the contract, the questions and the guides only (392 answers by two, 120 patients by two "
               "more), and kept held out: the round's rules were found on blind7, "
               "and of blind8 only its answers that read a sign as \"no\" were looked at. First sight is the code as "
               "the round began (e284c8a). In the round after, its lines that changed were seen in diffs while rules "
               "found on blind7 and blind9 were checked, so \"now\" is close to, but no longer, a held-out score.",
               "first sight",
               [("answers, all (392)", "exact", "308"), ("answers to grouped questions (264)", "grouped_exact", "197"),
                ("answers to single questions (52)", "single_exact", "43"), ("opening sentences (44)", "open_exact", "40"),
                ("weeks answers (32)", "weeks_exact", "28"), ("a sign said or uncertain read as \"no\"", "false_no", "3"),
                ("a denied sign read as \"yes\"", "false_yes", "20"),
                ("patients (120): exact / under-triaged", "patients", "101 / 0")]),
    "blind9": ("A ninth blind set (tests/data/blind9/), written in the round after by four helper sessions from the "
               "contract, the questions and the guides only, asked for speakers under-represented before (second-"
               "language English, older and very young mothers, other regions). First sight is the code when it was "
               "asked for (57222fd). Then its answers and patients p10_001-060 were tuned on (so \"now\" is a "
               "training score); of p10_061-120 (first sight 55/60, 0 under) two failures were looked at.",
               "first sight",
               [("answers, all (396)", "exact", "277"), ("answers to grouped questions (268)", "grouped_exact", "175"),
                ("answers to single questions (64)", "single_exact", "49"), ("opening sentences (40)", "open_exact", "32"),
                ("weeks answers (24)", "weeks_exact", "21"), ("a sign said or uncertain read as \"no\"", "false_no", "4"),
                ("a denied sign read as \"yes\"", "false_yes", "28"),
                ("patients (120): exact / under-triaged", "patients", "112 / 1")]),
    "blind10": ("A tenth blind set (tests/data/blind10/), written at the start of the round after by four helper "
                "sessions from the contract, the questions' wording and new guides only (the earlier guides were lost "
                "with their machine). First sight is the code when it was asked for (65a085f). Its 246 grouped answers "
                "and the false no's and yes's of the rest were tuned on; its patients were kept held out (only their "
                "under-triage flags were read: all nine were the writers giving `expect` as the urgency after a "
                "correction said after the advice, now the first advice's, as in the other sets; see the file's head).",
                "first sight",
                [("answers, all (399)", "exact", "291"), ("answers to grouped questions (246)", "grouped_exact", "176"),
                 ("answers to single questions (72)", "single_exact", "49"), ("opening sentences (47)", "open_exact", "36"),
                 ("weeks answers (34)", "weeks_exact", "30"), ("a sign said or uncertain read as \"no\"", "false_no", "8"),
                 ("a denied sign read as \"yes\"", "false_yes", "14"),
                 ("patients (120, held out): exact / under-triaged", "patients", "111 / 0")]),
    "blind11": ("An eleventh blind set (tests/data/blind11/), written by two more helper sessions in the same round, "
                "after its first rules had landed (0af5b00), to see them held out; the patient writer was told that "
                "`expect` is the first advice's. First sight is 0af5b00 with that round's data edits so far. Then its "
                "answers were tuned on; its patients were kept held out (77/80 on 65a085f too).",
                "first sight",
                [("answers, all (220)", "exact", "165"), ("answers to grouped questions (180)", "grouped_exact", "132"),
                 ("answers to single questions (40)", "single_exact", "33"),
                 ("a sign said or uncertain read as \"no\"", "false_no", "0"),
                 ("a denied sign read as \"yes\"", "false_yes", "9"),
                 ("patients (80, held out): exact / under-triaged", "patients", "77 / 0")]),
    "blind12": ("A twelfth blind set (tests/data/blind12/), opening sentences only, written by one more helper "
                "session in that round: 120 that describe an emergency in the person's own words and 80 traps. At "
                "first sight (the round's code when they came) 77 of the 120 got the emergency advice in the reply "
                "to the opening, and 7 traps did; after tuning on them 119 and 0 (tests/intents/test_blind_material.py).",
                "first sight",
                [("emergencies (120) advised at once / traps (80) advised as one", "openings", "77 / 7"),
                 ("opening sentences (200), exact", "open_exact", "118"),
                 ("a sign said or uncertain read as \"no\"", "false_no", "1"),
                 ("a denied sign read as \"yes\"", "false_yes", "1")]),
    "blind13": ("A thirteenth blind set (tests/data/blind13/), written late in that round by two more helper sessions "
                "to measure its rules held out: 200 answers to grouped questions, 80 patients. First sight is the "
                "round's code then (on 65a085f, where the round began: answers 156, 2 false no, 7 false yes; patients "
                "75 / 1). Only its false no's, one spurious sign and its under-triaged patient were looked at; its "
                "whole failure list was seen once at the end of the round, and nothing was changed after that.",
                "first sight",
                [("answers to grouped questions (200)", "grouped_exact", "155"),
                 ("a sign said or uncertain read as \"no\"", "false_no", "2"),
                 ("a denied sign read as \"yes\"", "false_yes", "5"),
                 ("patients (80): exact / under-triaged", "patients", "77 / 1")]),
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
    for name, (intro, first_header, rows) in LATER_SETS.items():
        a, p = b["later"][name]["answers"], b["later"][name]["patients"]
        lines += ["", intro, "", f"| set | {first_header} | now |", "|---|" + "---:|" * (first_header.count("|") + 2)]
        for label, key, first in rows:
            o = b["later"][name].get("openings") or {}
            now = f"{p['exact']} / {p['under']}" if key == "patients" else (
                f"{o['caught']} / {o['false_emergencies']}" if key == "openings" else a[key])
            lines.append(f"| {label} | {first} | {now} |")
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
