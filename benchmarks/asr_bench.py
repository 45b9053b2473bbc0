"""Speech-recognition measurements for BENCHMARKS.md: accuracy per kind of answer, noise
level and voice, real-time factor, end-of-audio-to-text latency, memory and start-up time.

    python -m benchmarks.asr_bench [--heldout DIR] [--dev DIR] [--quick] [--json] [--failures]

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
voices AND phrasings never used for tuning (`python -m scripts.make_audio_fixtures --heldout`,
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
from pathlib import Path

from benchmarks.asr_report import failures, markdown, summary
from benchmarks.asr_scoring import asking_for, score_items

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "audio"


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_engine(name: str, sets: list[tuple[str, Path]]) -> dict:
    """Run in a child process per engine so RSS and load time are that engine's alone."""
    code = (
        "import json\n"
        "from benchmarks.asr_bench import _one\n"
        "print(json.dumps(_one(%r, %r)))\n" % (name, [(k, str(p)) for k, p in sets])
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if r.returncode != 0:
        return {"engine": name, "error": r.stderr.strip().splitlines()[-1:] or ["failed"]}
    return json.loads(r.stdout.strip().splitlines()[-1])


# Engines and combinations measured by default. "whisper" is what `auto` runs (Whisper, with
# PocketSphinx's grammar answer for yes/no readings that decide nothing and the cross-check
# of unsure ones, and the same for weeks, every weeks reading checked); "whisper-alone" is
# Whisper's transcript only.
COMBINATIONS = {
    "whisper-alone": "whisper:fallback=never,cross_check=never,weeks_cross_check=never,second_opinion=0",
}


def make_bench_engine(spec: str):
    """"pocketsphinx", "vosk", "whisper" or "whisper:beam=5,window=30,..." (WhisperOptions
    fields): the engine to measure."""
    from functools import partial

    from voice.asr import make_engine
    from voice.config import asr_from_env

    settings = asr_from_env()  # this benchmark is an entry point: it reads them once
    spec = COMBINATIONS.get(spec, spec)
    name, _, opts = spec.partition(":")
    if name != "whisper" or not opts:
        return make_engine(name, settings=settings)
    from dataclasses import fields

    from voice.asr.select import _pocketsphinx
    from voice.asr.whisper.engine import WhisperEngine
    from voice.asr.whisper.options import WhisperOptions

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
    return WhisperEngine(settings.whisper_model or None, threads=threads or settings.whisper_threads,
                         options=WhisperOptions(**kw), grammar_factory=partial(_pocketsphinx, settings),
                         locale=settings.locale)


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
        code = ("import json\n"
                "from benchmarks.asr_bench import _choice\n"
                "print(json.dumps(_choice(%r)))\n" % spec)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        row = json.loads(r.stdout.strip().splitlines()[-1]) if r.returncode == 0 else \
            {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
        out.append({"choice": label, "spec": spec, **row})
    return out


def _choice(spec: str) -> dict:
    import statistics

    from intents.grammar import phrases_for
    from intents.understanding import understand, with_signs_from
    from voice.audio.wav import read_wav_file

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
        subprocess.run([sys.executable, "-m", "scripts.make_audio_fixtures", flag, str(d)], check=True, cwd=ROOT)


def run(heldout: str | None = None, engines: list[str] | None = None, dev: str | None = None,
        quick: bool = False, unseen: str | None = None, only_sets: list[str] | None = None) -> dict:
    from voice.asr.domain_lm import cache_dir
    from voice.asr.select import available_engines
    from voice.config import asr_from_env

    settings = asr_from_env()

    sets = [("fixtures", FIXTURES)]
    if dev:
        sets.append(("dev", Path(dev)))
    if heldout or not quick:
        sets.append(("heldout", Path(heldout) if heldout else cache_dir(settings.cache_dir) / "heldout-audio"))
    if unseen or not quick:
        sets.append(("unseen", Path(unseen) if unseen else cache_dir(settings.cache_dir) / "unseen-audio"))
    if only_sets:
        sets = [(k, p) for k, p in sets if k in only_sets]
    for name, d in sets:  # made on first use only, and only the sets asked for
        if name != "fixtures":
            _make(f"--{name}", d)
    if engines is None:
        rows = available_engines(settings)
        engines = ["pocketsphinx"]
        if any(r["engine"] == "whisper" and r["usable"] for r in rows):
            engines += ["whisper-alone", "whisper"]
        if any(r["engine"] == "vosk" and r["usable"] and r["language"] == "en" for r in rows):
            engines.append("vosk")
    res = {"machine": {"cpus": os.cpu_count()}, "engines": [bench_engine(e, sets) for e in engines]}
    if not quick and any(e.startswith("whisper") for e in engines):
        res["whisper_choices"] = whisper_choices()
    return res


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
    ap.add_argument("--failures", action="store_true",
                    help="also list every clip not heard right: said, expected, heard (for reading BENCHMARKS.md)")
    a = ap.parse_args(argv)
    if a.choices_only:
        res = {"machine": {"cpus": os.cpu_count()}, "engines": [], "whisper_choices": whisper_choices()}
    else:
        res = run(a.heldout, a.engine, a.dev, a.quick, a.unseen, a.sets.split(",") if a.sets else None)
    print(json.dumps(res, indent=1) if a.json else markdown(res) if a.markdown else summary(res))
    if a.failures and not a.json:  # --json holds them already ("misheard")
        print("\n" + failures(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
