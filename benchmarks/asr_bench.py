"""Speech-recognition measurements for BENCHMARKS.md: accuracy per kind of answer, noise
level and voice, real-time factor, end-of-audio-to-text latency, memory and start-up time.

    python -m benchmarks.asr_bench [--heldout DIR] [--dev DIR] [--quick] [--json]

Every clip goes through the engine with the dialogue's own grammar for its kind of answer
(`intents.grammar.phrases_for`; the open question is free speech) and the transcript is read
by the real NLU (`intents.understanding.understand`), as the /audio route does:

  * yesno: the answer (yes / no / unsure) must be the one spoken; "wrong" = another answer
    (dangerous), "empty" = not understood (the skill re-asks);
  * weeks: the weeks read back must be the ones spoken;
  * opening: every red-flag sign the sentence names must be found ("wrong" counts
    sentences where a sign was found that was not said);
  * oog: speech the yes/no grammar does not hold must not come back as yes or no;
  * command: the command must be understood.

Sets: the committed fixtures (tests/fixtures/audio, the voices tuned on); with --heldout,
voices AND phrasings never used for tuning (scripts/make_audio_fixtures.py --heldout,
every clip clean and once with kitchen/TV noise): that is the honest estimate; with --dev,
the fixture voices saying more phrasings (the tuning set); with --unseen, the held-out
voices saying answers written by someone who had not seen the grammar
(benchmarks/data/unseen_phrasings.yaml: yes/no answers to each sign's question, weeks,
openings). Without --quick, the held-out and unseen sets are made in the cache folder
when no DIR is given.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "audio"
sys.path.insert(0, str(ROOT))
ASKING = ["vaginal_bleeding", "fluid_leak"]  # the first yes/no question of a check


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def asking_for(item: dict) -> list[str]:
    return [item["question"]] if item.get("question") else ASKING


def question_for(item: dict) -> tuple[str, list[str]]:
    """(expecting, asking) of the pending question the clip answers, as the dialogue has them."""
    kind = item["kind"]
    if kind in ("yesno", "oog", "command"):
        return "yes_no", asking_for(item)
    if kind == "weeks":
        return "weeks", ["weeks"]
    return "free_text", []  # opening: free speech


def judge(item: dict, text: str, alternatives: list[str] = ()) -> tuple[bool, bool]:
    """(right, wrong) for one transcript, read by the NLU as the dialogue reads it."""
    from intents.understanding import understand, with_signs_from

    kind = item["kind"]
    if kind == "yesno":
        got = understand(text, "yes_no", asking_for(item)).answer
        return got == item["label"], got is not None and got != item["label"]
    if kind == "weeks":
        got = understand(text, "weeks", ["weeks"]).weeks
        return got == item["weeks"], got is not None and got != item["weeks"]
    if kind == "opening":
        signs = with_signs_from(understand(text, "free_text"),
                                [understand(a, "free_text") for a in alternatives]).signs
        found = {s for s, v in signs.items() if v == "yes"}
        want = set(item["slots"])
        return (want <= found if want else not found), bool(found - want)
    if kind == "oog":
        u = understand(text, "yes_no", ASKING)
        return text == "" or not (u.answer or u.signs or u.command), u.answer in ("yes", "no")
    if kind == "command":
        u = understand(text, "yes_no", ASKING)
        return u.command == item["command"], u.answer in ("yes", "no")
    raise ValueError(kind)


def score_items(engine, items: list[dict], root: Path) -> dict:
    from intents.grammar import phrases_for
    from intents.understanding import understand
    from voice.asr import hear
    from voice.audio import read_wav_file

    acc: dict = defaultdict(lambda: {"n": 0, "right": 0, "empty": 0, "wrong": 0, "opposite": 0, "unsure": 0,
                                     "unsure_right": 0, "unsure_wrong": 0})
    rtf: dict = defaultdict(list)
    latency = []
    for it in items:
        kind = it["kind"]
        if kind == "korean":
            continue
        pcm = read_wav_file(root / it["file"])
        expecting, asking = question_for(it)
        t = time.perf_counter()
        rec = hear(engine, pcm, expecting, asking)  # as the /audio route hears it
        dt = time.perf_counter() - t
        rtf[kind].append(dt / (len(pcm) / 32000))
        right, wrong = judge(it, rec.text, rec.alternatives)
        opposite = kind == "yesno" and it["label"] in ("yes", "no") and \
            understand(rec.text, "yes_no", asking_for(it)).answer == {"yes": "no", "no": "yes"}[it["label"]]
        noise = it["noise"] + (f"{it['snr_db']}dB" if it.get("snr_db") else "")
        keys = [f"{kind}|all", f"{kind}|noise={noise}", f"{kind}|voice={it['voice']}"]
        if it.get("phrasing"):
            keys.append(f"{kind}|phrasing={it['phrasing']}")
        for key in keys:
            a = acc[key]
            a["n"] += 1
            a["right"] += int(right)
            a["wrong"] += int(bool(wrong) and not right)
            a["empty"] += int(rec.text == "" and not right)
            a["opposite"] += int(opposite)
            # not confident: the dialogue reads such an answer back when it would lower the urgency
            a["unsure"] += int(not rec.confident)
            a["unsure_right"] += int(not rec.confident and right)
            a["unsure_wrong"] += int(not rec.confident and bool(wrong) and not right)
        if kind == "yesno" and len(latency) < 60:
            # time from end of audio to text when the audio was streamed in real time
            s = engine.stream(phrases_for(expecting, asking), expecting=expecting,
                              **({"asking": asking} if getattr(engine, "takes_question", False) else {}))
            for i in range(0, len(pcm), 3200):
                s.feed(pcm[i:i + 3200])
            t = time.perf_counter()
            s.finish()
            latency.append(time.perf_counter() - t)
    out = {k: {**v, "accuracy": round(v["right"] / v["n"], 3)} for k, v in sorted(acc.items())}
    return {
        "accuracy": out,
        "rtf": {k: {"mean": round(sum(v) / len(v), 4), "max": round(max(v), 4)} for k, v in sorted(rtf.items())},
        "rtf_yesno_mean": round(sum(rtf["yesno"]) / max(1, len(rtf["yesno"])), 4),
        "rtf_yesno_max": round(max(rtf["yesno"], default=0), 4),
        "end_of_audio_to_text_ms_median": round(1000 * sorted(latency)[len(latency) // 2], 1) if latency else None,
    }


def bench_engine(name: str, sets: list[tuple[str, Path]]) -> dict:
    """Run in a child process per engine so RSS and load time are that engine's alone."""
    code = (
        "import json,sys,time; sys.path.insert(0,%r)\n"
        "from benchmarks.asr_bench import _one\n"
        "print(json.dumps(_one(%r, %r)))\n" % (str(ROOT), name, [(k, str(p)) for k, p in sets])
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if r.returncode != 0:
        return {"engine": name, "error": r.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(r.stdout.strip().splitlines()[-1])


# Engines and combinations measured by default. "whisper" is what `auto` runs (Whisper, with
# PocketSphinx's grammar answer for yes/no readings that decide nothing and the cross-check
# of unsure ones); "whisper-alone" is Whisper's transcript only.
COMBINATIONS = {
    "whisper-alone": "whisper:fallback=never,cross_check=never,second_opinion=0",
}


def make_bench_engine(spec: str):
    """"pocketsphinx", "vosk", "whisper" or "whisper:beam=5,window=30,..." (WhisperOptions
    fields): the engine to measure."""
    from voice.asr import make_engine

    spec = COMBINATIONS.get(spec, spec)
    name, _, opts = spec.partition(":")
    if name != "whisper" or not opts:
        return make_engine(name)
    from dataclasses import fields

    from voice.asr.select import _pocketsphinx
    from voice.asr.whisper_engine import WhisperEngine, WhisperOptions

    types = {f.name: f.type for f in fields(WhisperOptions)}
    kw: dict = {}
    threads = 0
    for item in opts.split(","):
        k, _, v = item.partition("=")
        if k == "threads":
            threads = int(v)
        elif types[k] in ("bool", bool):
            kw[k] = v.lower() in ("1", "true", "yes")
        elif types[k] in ("int", int):
            kw[k] = int(v)
        elif types[k] in ("float", float):
            kw[k] = float(v)
        else:
            kw[k] = v
    return WhisperEngine(threads=threads, options=WhisperOptions(**kw), grammar_factory=_pocketsphinx)


def _one(name: str, sets: list) -> dict:
    rss0 = _rss_mb()
    t = time.perf_counter()
    engine = make_bench_engine(name)
    grammar = getattr(engine, "grammar", None)  # Whisper's fallback engine: loaded now, not in a measured turn
    load = time.perf_counter() - t
    result = {"engine": name, "model": engine.model, "load_seconds": round(load, 2)}
    if grammar is not None:
        result["model"] += f" + {grammar.name} for yes/no"
    lang = getattr(engine, "language", None)
    for label, root in sets:
        root = Path(root)
        man = json.loads((root / "manifest.json").read_text())
        if lang and lang != "en":
            result[label] = {"skipped": f"{lang} model cannot be scored on English fixtures"}
            continue
        result[label] = score_items(engine, man["items"], root)
    result["rss_mb"] = round(_rss_mb(), 1)
    result["rss_model_mb"] = round(_rss_mb() - rss0, 1)
    return result


# Whisper's decoding choices, each measured on the clean yes/no fixtures (accuracy, answers
# heard as the opposite, time per answer) and the opening fixtures (every sign found, wrong
# signs): what BENCHMARKS.md shows next to the kept settings.
CHOICES = [
    ("kept: window 10 s, escalating to 30 s when unsure; beam 1 (openings 5, with alternatives)", "whisper-alone"),
    ("window 10 s, no escalation", "whisper:fallback=never,cross_check=never,second_opinion=0,escalate=0"),
    ("window 15 s, no escalation", "whisper:fallback=never,cross_check=never,second_opinion=0,escalate=0,window=15"),
    ("window 30 s (Whisper's own)", "whisper:fallback=never,cross_check=never,second_opinion=0,window=30"),
    ("beam 5 for answers", "whisper:fallback=never,cross_check=never,second_opinion=0,beam=5"),
    ("1 CPU thread", "whisper:fallback=never,cross_check=never,second_opinion=0,threads=1"),
    ("no prompt", "whisper:fallback=never,cross_check=never,second_opinion=0,prompts=0"),
    ("asked signs as hotwords", "whisper:fallback=never,cross_check=never,second_opinion=0,hotwords=1"),
    ("openings: best reading only (beam 1)", "whisper:fallback=never,cross_check=never,second_opinion=0,"
                                             "free_beam=1,alternatives=0"),
    ("openings: the question as the prompt", "whisper:fallback=never,cross_check=never,second_opinion=0,"
                                             "opening=question"),
    ("openings: a symptom list as the prompt", "whisper:fallback=never,cross_check=never,second_opinion=0,"
                                               "opening=symptoms"),
]


def whisper_choices() -> list[dict]:
    """Each of CHOICES in its own process (clean RSS, no shared warm-up)."""
    out = []
    for label, spec in CHOICES:
        code = ("import json,sys; sys.path.insert(0,%r)\n"
                "from benchmarks.asr_bench import _choice\n"
                "print(json.dumps(_choice(%r)))\n" % (str(ROOT), spec))
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        row = json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else \
            {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
        out.append({"choice": label, "spec": spec, **row})
    return out


def _choice(spec: str) -> dict:
    import statistics

    from intents.grammar import phrases_for
    from intents.understanding import understand, with_signs_from
    from voice.audio import read_wav_file

    engine = make_bench_engine(spec)
    man = json.loads((FIXTURES / "manifest.json").read_text())["items"]
    yn = [i for i in man if i["kind"] == "yesno" and i["noise"] == "clean"]
    right = opposite = 0
    times = []
    for it in yn:
        asking = asking_for(it)
        pcm = read_wav_file(FIXTURES / it["file"])
        t = time.perf_counter()
        rec = engine.recognize(pcm, phrases_for("yes_no", asking), expecting="yes_no", asking=asking)
        times.append(time.perf_counter() - t)
        got = understand(rec.text, "yes_no", asking).answer
        right += got == it["label"]
        opposite += got == {"yes": "no", "no": "yes"}.get(it["label"])
    op = [i for i in man if i["kind"] == "opening"]
    found = wrong = 0
    for it in op:
        rec = engine.recognize(read_wav_file(FIXTURES / it["file"]), None, expecting="free_text", asking=[])
        signs = with_signs_from(understand(rec.text, "free_text"),
                                [understand(a, "free_text") for a in rec.alternatives]).signs
        got = {k for k, v in signs.items() if v == "yes"}
        want = set(it["slots"])
        found += (want <= got) if want else not got
        wrong += bool(got - want)
    times.sort()
    return {"yesno_right": right, "yesno_n": len(yn), "yesno_opposite": opposite,
            "yesno_ms_median": round(1000 * statistics.median(times)), "yesno_ms_p90": round(1000 * times[int(0.9 * len(times))]),
            "opening_right": found, "opening_n": len(op), "opening_wrong_signs": wrong}


def _make(flag: str, d: Path) -> None:
    if not (d / "manifest.json").exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_audio_fixtures.py"), flag, str(d)],
                       check=True)


def run(heldout: str | None = None, engines: list[str] | None = None, dev: str | None = None,
        quick: bool = False, unseen: str | None = None, only_sets: list[str] | None = None) -> dict:
    from voice.asr.domain_lm import cache_dir
    from voice.asr.select import available_engines

    sets = [("fixtures", FIXTURES)]
    if dev:
        _make("--dev", Path(dev))
        sets.append(("dev", Path(dev)))
    if heldout or not quick:
        d = Path(heldout) if heldout else cache_dir() / "heldout-audio"
        _make("--heldout", d)
        sets.append(("heldout", d))
    if unseen or not quick:
        d = Path(unseen) if unseen else cache_dir() / "unseen-audio"
        _make("--unseen", d)
        sets.append(("unseen", d))
    if only_sets:
        sets = [(k, p) for k, p in sets if k in only_sets]
    if engines is None:
        rows = available_engines()
        engines = ["pocketsphinx"]
        if any(r["engine"] == "whisper" and r["usable"] for r in rows):
            engines += ["whisper-alone", "whisper"]
        if any(r["engine"] == "vosk" and r["usable"] and r["language"] == "en" for r in rows):
            engines.append("vosk")
    res = {"machine": {"cpus": os.cpu_count()}, "engines": [bench_engine(e, sets) for e in engines]}
    if not quick and any(e.startswith("whisper") for e in engines):
        res["whisper_choices"] = whisper_choices()
    return res


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
              "Whisper leaves undecided, its check of readings Whisper is unsure of, and its readings of the "
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="ASR benchmark")
    ap.add_argument("--heldout", help="directory for held-out voices and phrasings (made if missing)")
    ap.add_argument("--dev", help="directory for the tuning set (made if missing)")
    ap.add_argument("--unseen", help="directory for held-out voices saying blind-written phrasings (made if missing)")
    ap.add_argument("--quick", action="store_true", help="fixtures only (unless --heldout is given)")
    ap.add_argument("--engine", action="append",
                    help="pocketsphinx, vosk, whisper, whisper-alone, or whisper:OPTION=VALUE,... (WhisperOptions)")
    ap.add_argument("--sets", help="comma-separated subset of fixtures,dev,heldout,unseen to score")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--choices-only", action="store_true", help="only Whisper's decoding choices (fixtures)")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args(argv)
    if a.choices_only:
        res = {"machine": {"cpus": os.cpu_count()}, "engines": [], "whisper_choices": whisper_choices()}
    else:
        res = run(a.heldout, a.engine, a.dev, a.quick, a.unseen, a.sets.split(",") if a.sets else None)
    print(json.dumps(res, indent=1) if a.json else markdown(res) if a.markdown else summary(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
