"""Speech-recognition measurements for BENCHMARKS.md: accuracy per voice and noise level,
real-time factor, end-of-audio-to-text latency, memory and start-up time, per engine.

    python -m benchmarks.asr_bench [--heldout DIR] [--json]

Scores use the committed fixtures (tests/fixtures/audio/manifest.json). With --heldout,
voices never used for tuning are synthesised into DIR first (scripts/make_audio_fixtures.py
--heldout) and scored too: that number is the honest estimate for unseen voices.
Yes/no scoring distinguishes "wrong" (the opposite answer: dangerous) from "empty"
(not understood: the skill re-asks).
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


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _grammar_for(kind: str):
    from voice.asr import phrases as P

    try:  # the dialogue's own grammar, when it exists
        from intents.grammar import phrases_for  # type: ignore

        if kind in ("yesno", "oog", "command"):
            return phrases_for("yes_no", ["vaginal_bleeding"])
        if kind == "weeks":
            return phrases_for("weeks", ["weeks"])
    except Exception:
        pass
    if kind in ("yesno", "oog", "command"):
        return P.YES_NO_GRAMMAR
    if kind == "weeks":
        return P.weeks_phrases()
    return None


def _label(text: str) -> str:
    from voice.asr.phrases import LABEL

    labels = dict(LABEL)
    try:  # the dialogue's own answer lists, when present
        from intents.grammar import _data  # type: ignore

        for answer, phrases in _data()["answers"].items():
            labels.update({p.lower(): answer for p in phrases})
    except Exception:
        pass
    return labels.get(text, "other" if text else "")


def score_items(engine, items: list[dict], root: Path) -> dict:
    from voice.asr.phrases import weeks_value
    from voice.audio import read_wav_file

    acc: dict = defaultdict(lambda: {"n": 0, "right": 0, "empty": 0, "wrong": 0})
    rtf_yesno, latency = [], []
    for it in items:
        kind = it["kind"]
        if kind == "korean":
            continue
        pcm = read_wav_file(root / it["file"])
        phrases = _grammar_for(kind)
        t = time.perf_counter()
        rec = engine.recognize(pcm, phrases)
        dt = time.perf_counter() - t
        secs = len(pcm) / 32000
        if kind == "yesno":
            rtf_yesno.append(dt / secs)
            got = _label(rec.text)
            right, wrong = got == it["label"], got in ("yes", "no", "unsure") and got != it["label"]
        elif kind == "oog":
            right, wrong = rec.text == "", _label(rec.text) in ("yes", "no")
        elif kind == "command":
            right, wrong = bool(rec.text) and _label(rec.text) == "other", _label(rec.text) in ("yes", "no")
        elif kind == "weeks":
            v = weeks_value(rec.text)
            right, wrong = v == it["weeks"], v is not None and v != it["weeks"]
        else:  # opening: every keyword the NLU needs is in the transcript
            words = set(rec.text.split())
            right = all(k in words for k in it["keywords"])
            wrong = False
            latency.append(dt)
        noise = it["noise"] + (f"{it['snr_db']}dB" if it.get("snr_db") else "")
        for key in (f"{kind}|all", f"{kind}|voice={it['voice']}", f"{kind}|noise={noise}"):
            a = acc[key]
            a["n"] += 1
            a["right"] += int(right)
            a["wrong"] += int(bool(wrong) and not right)
            a["empty"] += int(rec.text == "" and not right)
        if kind == "yesno":
            # time from end of audio to text when the audio was streamed in real time
            s = engine.stream(phrases)
            for i in range(0, len(pcm), 3200):
                s.feed(pcm[i:i + 3200])
            t = time.perf_counter()
            s.finish()
            latency.append(time.perf_counter() - t)
    out = {k: {**v, "accuracy": round(v["right"] / v["n"], 3)} for k, v in sorted(acc.items())}
    return {
        "accuracy": out,
        "rtf_yesno_mean": round(sum(rtf_yesno) / max(1, len(rtf_yesno)), 4),
        "rtf_yesno_max": round(max(rtf_yesno, default=0), 4),
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


def _one(name: str, sets: list) -> dict:
    from voice.asr import make_engine

    rss0 = _rss_mb()
    t = time.perf_counter()
    os.environ["BACKPAIN_ASR"] = name
    engine = make_engine(name)
    load = time.perf_counter() - t
    result = {"engine": name, "model": engine.model, "load_seconds": round(load, 2)}
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


def run(heldout: str | None = None, engines: list[str] | None = None) -> dict:
    from voice.asr.select import available_engines

    sets = [("fixtures", FIXTURES)]
    if heldout:
        d = Path(heldout)
        if not (d / "manifest.json").exists():
            subprocess.run([sys.executable, str(ROOT / "scripts" / "make_audio_fixtures.py"),
                            "--heldout", str(d)], check=True)
        sets.append(("heldout", d))
    if engines is None:
        engines = ["pocketsphinx"]
        if any(r["engine"] == "vosk" and r["usable"] and r["language"] == "en" for r in available_engines()):
            engines.append("vosk")
    return {"machine": {"cpus": os.cpu_count()}, "engines": [bench_engine(e, sets) for e in engines]}


def summary(res: dict) -> str:
    lines = []
    for e in res["engines"]:
        if "error" in e:
            lines.append(f"{e['engine']}: error {e['error']}")
            continue
        lines.append(f"## {e['engine']}  model={e['model']}  load={e['load_seconds']}s  RSS={e['rss_mb']} MB")
        for label in ("fixtures", "heldout"):
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
    ap.add_argument("--heldout", help="directory for held-out voices (made if missing)")
    ap.add_argument("--engine", action="append", choices=["pocketsphinx", "vosk"])
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    res = run(a.heldout, a.engine)
    print(json.dumps(res, indent=1) if a.json else summary(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
