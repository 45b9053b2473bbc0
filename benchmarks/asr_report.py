"""The speech-recognition benchmark's Markdown section and console summary (benchmarks/asr_bench.py)."""

from __future__ import annotations

KINDS = ("yesno", "weeks", "opening", "command", "oog")
SETS = ("fixtures", "dev", "heldout", "unseen")
WHAT = {"yesno": "yes/no answers", "weeks": "weeks", "opening": "opening sentences: every named sign found",
        "command": "commands", "oog": "out-of-grammar speech not taken as yes/no"}


def _share(v: dict | None) -> str:
    """ "right/n = pct%" of one accuracy cell ("" when the cell is empty)."""
    return f"{v['right']}/{v['n']} = {100 * v['accuracy']:.1f}%" if v else ""


def _measured(res: dict, lines: list[str]):
    """The engines that were measured; an engine that failed gets its error line instead."""
    for e in res["engines"]:
        if "error" in e:
            lines.append(f"{e['engine']}: error {e['error']}")
        else:
            yield e


def markdown(res: dict) -> str:
    lines: list[str] = []
    lines += ["Engines and combinations: `pocketsphinx` (grammars per question, domain language model for the "
              "opening); `whisper-alone` (Whisper tiny.en's transcript, the pending question as its prompt); "
              "`whisper` (what `auto` runs: Whisper, plus PocketSphinx's grammar answer for yes/no readings "
              "Whisper leaves undecided, its check of readings Whisper is unsure of, its weeks for readings "
              "that give none and its check of every weeks reading, and its readings of the "
              "opening searched for signs too). *wrong* for openings = sentences in which a sign was found "
              "that was not said (over-triage); *heard as the opposite* = a yes heard as no or a no as yes.", ""]
    for e in _measured(res, lines):
        lines += [f"### {e['engine']}", "",
                  f"Model {e['model']}; loaded in {e['load_seconds']} s; RSS {e['rss_mb']} MB.", ""]
        sets = [k for k in SETS if isinstance(e.get(k), dict) and "accuracy" in e[k]]
        lines += ["| set | kind | all | clean | kitchen 20 dB | kitchen 10 dB | wrong | heard as the opposite "
                  "| empty | passed on as not sure (of them right / wrong) | RTF mean (max) |",
                  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for s in sets:
            acc, rtf = e[s]["accuracy"], e[s]["rtf"]
            for kind in KINDS:
                if f"{kind}|all" not in acc:
                    continue
                a = acc[f"{kind}|all"]
                r = rtf.get(kind, {})
                cells = " | ".join(_share(acc.get(f"{kind}|{key}"))
                                   for key in ("all", "noise=clean", "noise=kitchen20dB", "noise=kitchen10dB"))
                opposite = a.get("opposite", "") if kind == "yesno" else "–"
                unsure = f"{a['unsure']} ({a['unsure_right']} / {a['unsure_wrong']})" if "unsure" in a else ""
                lines.append(f"| {s} | {WHAT[kind]} | {cells} | "
                             f"{a['wrong']} | {opposite} | {a['empty']} | {unsure} | "
                             f"{r.get('mean', '')} ({r.get('max', '')}) |")
        lines.append("")
        for s in sets:
            acc = e[s]["accuracy"]
            ph = sorted(k for k in acc if "|phrasing=" in k)
            if ph:
                lines += [f"{s}, by phrasing (fixture = the committed phrasings, heldout = new ones): "
                          + "; ".join(f"{k.replace('|phrasing=', ' ')} {_share(acc[k])}" for k in ph), ""]
        for s in sets:
            acc = e[s]["accuracy"]
            voices = sorted(k for k in acc if k.startswith("yesno|voice="))
            lines += [f"{s}, yes/no by voice: " + "; ".join(
                f"{k.split('=', 1)[1]} {100 * acc[k]['accuracy']:.0f}%" for k in voices), ""]
        for s in sets:
            lines.append(f"{s}: end of streamed audio to text, median {e[s]['end_of_audio_to_text_ms_median']} ms "
                         f"(yes/no).")
        lines.append("")
    if res.get("whisper_choices"):
        lines += ["### Whisper's decoding choices", "",
                  "Whisper alone (no second engine), one choice changed at a time, on the fixtures: clean yes/no "
                  "answers (time per answer on this machine, 2 cores shared) and opening sentences (every sign "
                  "found; *wrong signs* = sentences with a sign that was not said).", "",
                  "| choice | yes/no right | heard as the opposite | ms per answer, median / p90 "
                  "| openings, every sign found | openings with a wrong sign |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for c in res["whisper_choices"]:
            if "error" in c:
                lines.append(f"| {c['choice']} | error: {c['error']} | | | | |")
                continue
            lines.append(f"| {c['choice']} | {c['yesno_right']}/{c['yesno_n']} | {c['yesno_opposite']} | "
                         f"{c['yesno_ms_median']} / {c['yesno_ms_p90']} | {c['opening_right']}/{c['opening_n']} | "
                         f"{c['opening_wrong_signs']} |")
        lines.append("")
    return "\n".join(lines)


def summary(res: dict) -> str:
    lines: list[str] = []
    for e in _measured(res, lines):
        lines.append(f"## {e['engine']}  model={e['model']}  load={e['load_seconds']}s  RSS={e['rss_mb']} MB")
        for label in SETS:
            s = e.get(label)
            if not s or "accuracy" not in s:
                continue
            lines.append(f"### {label}: RTF yes/no mean {s['rtf_yesno_mean']} (max {s['rtf_yesno_max']}), "
                         f"end-of-audio->text median {s['end_of_audio_to_text_ms_median']} ms")
            for k, v in s["accuracy"].items():
                lines.append(f"  {k:40s} {v['right']:4d}/{v['n']:<4d} = {v['accuracy']:.3f}"
                             f"  empty {v['empty']:3d}  wrong {v['wrong']:3d}")
    return "\n".join(lines)


def failures(res: dict) -> str:
    """Every clip not heard right, per engine and set: what was said, what a right hearing
    gives, what the engine heard ("" = nothing, asked again; "wrong" = another answer;
    "not sure" = passed on as unsure, so rule 11 may read it back)."""
    lines: list[str] = []
    for e in _measured(res, lines):
        for label in SETS:
            s = e.get(label)
            if not s or "misheard" not in s:
                continue
            lines.append(f"## {e['engine']}, {label}: {len(s['misheard'])} clips not heard right")
            for m in sorted(s["misheard"], key=lambda m: (KINDS.index(m["kind"]), m["file"])):
                flags = ", ".join(f for f, on in (("wrong", m["wrong"]), ("not sure", not m["confident"])) if on)
                lines.append(f"  {m['kind']:8s} {m['file']}: said {m['said']!r}, expected {m['expected']}, "
                             f"heard {m['heard']!r}" + (f" ({flags})" if flags else ""))
    return "\n".join(lines)
