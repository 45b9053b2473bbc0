"""`make bench` = `python -m benchmarks [--quick] [--only dialogue,spoken,latency,throughput,load,pressure,voice,asr]`.

Runs the service benchmarks (benchmarks/service_bench.py), the voice turn benchmark (end of
audio to reply text and reply audio, benchmarks/voice_turn_bench.py) and, when it exists,
the speech recognition benchmark (benchmarks/asr_bench.py, `run() -> dict`), then rewrites
their sections of BENCHMARKS.md (between `<!-- service-bench:start/end -->`,
`<!-- voice-turn-bench:start/end -->` and `<!-- asr-bench:start/end -->` markers; other
sections are left as they are).
Regenerate, never hand-edit, those sections.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import sys
import time
import traceback
from pathlib import Path

from benchmarks import report, service_bench

ALL = ("dialogue", "spoken", "latency", "throughput", "load", "pressure", "voice", "asr")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short runs (load test 15 s) for a smoke check")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {','.join(ALL)}")
    parser.add_argument("--load-seconds", type=float, help="duration of the load test (default 120, quick 15)")
    parser.add_argument("--out", default=str(report.REPO / "BENCHMARKS.md"), help="the markdown file to update")
    parser.add_argument("--json", metavar="FILE", help="also write the raw results as JSON")
    args = parser.parse_args(argv)
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = set(wanted) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    results: dict = {"machine": report.machine(), "quick": args.quick, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    if "dialogue" in wanted:
        from benchmarks import dialogue_bench

        print("[bench] dialogue …", flush=True)
        results["dialogue"] = dialogue_bench.run()
        report.write_section(Path(args.out), "dialogue-bench", dialogue_bench.markdown(results["dialogue"]))
    if "spoken" in wanted:
        from benchmarks import spoken_bench

        print("[bench] spoken length of every reply …", flush=True)
        results["spoken"] = spoken_bench.run()
        print("\n".join(spoken_bench.console(results["spoken"])), flush=True)
        report.write_section(Path(args.out), "spoken-bench", spoken_bench.markdown(results["spoken"]))
    runners = {
        "latency": lambda: service_bench.latency(quick=args.quick),
        "throughput": lambda: service_bench.throughput(quick=args.quick),
        "load": lambda: service_bench.load(quick=args.quick, seconds=args.load_seconds),
    }
    for name in ("latency", "throughput", "load"):
        if name in wanted:
            print(f"[bench] {name} …", flush=True)
            t = time.perf_counter()
            load_before = os.getloadavg()[0]
            results[name] = runners[name]()
            results[name]["loadavg_before"] = load_before
            results[name]["loadavg_after"] = os.getloadavg()[0]
            print(f"[bench] {name} done in {time.perf_counter() - t:.0f} s", flush=True)
            print(report.console(name, results[name]), flush=True)

    if "pressure" in wanted:  # text turns under 60 concurrent speech uploads (benchmarks/audio_pressure.py)
        from benchmarks import audio_pressure

        print("[bench] pressure …", flush=True)
        results["pressure"] = audio_pressure.run(quick=args.quick)
        print(f"[bench] pressure: text median {results['pressure']['ratio']:.2f}x idle", flush=True)
        report.write_section(Path(args.out), "service-pressure", "\n".join(audio_pressure.markdown(results["pressure"])))

    if "voice" in wanted:
        from benchmarks import voice_turn_bench

        print("[bench] voice …", flush=True)
        t = time.perf_counter()
        results["voice"] = voice_turn_bench.run(quick=args.quick)
        print(f"[bench] voice done in {time.perf_counter() - t:.0f} s", flush=True)
        report.write_section(Path(args.out), "voice-turn-bench",
                             voice_turn_bench.markdown(results["voice"], results["machine"]))

    asr = None
    if "asr" in wanted and (Path(__file__).parent / "asr_bench.py").exists():
        print("[bench] asr …", flush=True)
        try:
            mod = importlib.import_module("benchmarks.asr_bench")
            params = inspect.signature(mod.run).parameters
            asr = mod.run(quick=args.quick) if "quick" in params else mod.run()
        except Exception:
            asr = {"error": traceback.format_exc(limit=3)}
            print(asr["error"], file=sys.stderr)
        results["asr"] = asr
        if "error" not in asr:
            # the ASR module's own rendering when it has one: markdown(res) verbatim, else
            # summary(res) as preformatted text; else report.asr_markdown's generic tables
            for attr, wrap in (("markdown", False), ("summary", True)):
                fn = getattr(mod, attr, None)
                if callable(fn):
                    try:
                        text = fn(asr)
                    except Exception:
                        continue
                    asr = {**asr, "markdown": f"```text\n{text}\n```" if wrap else text}
                    break

    out = Path(args.out)
    if any(k in results for k in ("latency", "throughput", "load")):
        report.write_section(out, "service-bench", report.service_markdown(results))
    if asr is not None:
        report.write_section(out, "asr-bench", report.asr_markdown(asr, results["machine"]))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    print(f"[bench] wrote {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
