"""Make the spoken test fixtures under tests/fixtures/audio/ (committed; re-run to refresh).

Why synthetic speech: the suite must run offline on a fresh machine, and recordings of
real people are not ours to commit. Several unrelated synthesisers (flite's diphone and
clustergen voices, espeak-ng's formant voices, pyttsx3 driving espeak-ng) differ enough
in pitch, rate and spectrum that a recogniser tuned on one voice shows it on the others.
The noisy copies mix in a kitchen/TV-like bed (brown + pink noise for appliances and
room tone, babble from other TTS voices for a television) at 20 dB and 10 dB SNR,
measured against the speech's active frames, so "10 dB" means the same for a short
"yes" as for a long sentence.

    python -m scripts.make_audio_fixtures              # rebuild tests/fixtures/audio
    python -m scripts.make_audio_fixtures --heldout D  # unseen voices AND phrasings, for benchmarks only
    python -m scripts.make_audio_fixtures --dev D      # fixture voices, more phrasings: for tuning
    python -m scripts.make_audio_fixtures --unseen D   # held-out voices saying phrasings written
                                                       # blind (benchmarks/data/unseen_phrasings.yaml)

Everything written is 16 kHz mono 16-bit WAV; manifest.json lists file, text, voice,
noise, kind and the expected meaning, for the tests and `benchmarks/asr_bench.py`.
The whole folder is kept under ~12 MB by rotating voices for the longer items.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import yaml

from scripts.fixture_speech import (COMMANDS, CONVERSATIONS, DEV_OPENINGS, DEV_WEEKS, DEV_YES_NO, HELDOUT_OPENINGS,
                                    HELDOUT_WEEKS, HELDOUT_YES_NO, KOREAN, OPENINGS, OUT_OF_GRAMMAR, VOICES, WEEKS,
                                    RATE, YES_NO, add_noise, heldout_voices, make_noise_bed, slug, synth, write)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "fixtures" / "audio"


def plan(voices: dict, heldout: bool, mode: str | None = None) -> list[dict]:
    """Which (text, voice, noise) items to make. Rotations keep the folder small.

    mode "fixtures" (the committed set), "heldout" (unseen voices: the fixture phrasings
    and the held-out phrasings, every item clean and once with noise) or "dev" (the
    fixture voices saying the dev phrasings, clean and with noise: for tuning).
    """
    mode = mode or ("heldout" if heldout else "fixtures")
    names = list(voices)
    items = []

    def add(kind, text, voice, noise=None, snr=None, **meaning):
        fid = f"{kind}/{slug(text)}"
        tag = voice + (f"__{noise}{snr}" if noise else "")
        items.append(dict(id=fid, file=f"{kind}/{slug(text)}__{tag}.wav", text=text, voice=voice,
                          noise=noise or "clean", snr_db=snr, kind=kind, **meaning))

    if mode == "unseen":
        corpus = yaml.safe_load((ROOT / "benchmarks" / "data" / "unseen_phrasings.yaml").read_text())
        # every answer by one voice clean and another with noise, voices rotating
        for kind, key, shift in (("yesno", "yesno", 3), ("weeks", "weeks", 5), ("opening", "opening", 2)):
            for i, entry in enumerate(corpus[key]):
                meaning = {k: v for k, v in entry.items() if k != "text"}
                add(kind, entry["text"], names[i % len(names)], phrasing="unseen", **meaning)
                add(kind, entry["text"], names[(i + shift) % len(names)], "kitchen", (20, 10)[i % 2],
                    phrasing="unseen", **meaning)
        return items

    if mode != "fixtures":
        yes_no = ([(t, l, "fixture") for t, l in YES_NO] + [(t, l, "heldout") for t, l in HELDOUT_YES_NO]
                  if mode == "heldout" else [(t, l, "dev") for t, l in DEV_YES_NO])
        weeks = ([(t, w, "fixture") for t, w in WEEKS] + [(t, w, "heldout") for t, w in HELDOUT_WEEKS]
                 if mode == "heldout" else [(t, w, "dev") for t, w in DEV_WEEKS])
        openings = ([(t, s, "fixture") for t, s, _ in OPENINGS] + [(t, s, "heldout") for t, s in HELDOUT_OPENINGS]
                    if mode == "heldout" else [(t, s, "dev") for t, s in DEV_OPENINGS])
        n = 0
        for text, label, phrasing in yes_no:
            for v in names:
                n += 1
                add("yesno", text, v, label=label, phrasing=phrasing)
                add("yesno", text, v, "kitchen", (20, 10)[n % 2], label=label, phrasing=phrasing)
        for text, w, phrasing in weeks:
            for v in names:
                n += 1
                add("weeks", text, v, weeks=w, phrasing=phrasing)
                add("weeks", text, v, "kitchen", (20, 10)[n % 2], weeks=w, phrasing=phrasing)
        for i, (text, slots, phrasing) in enumerate(openings):
            for k in range(4):  # 4 voices per sentence, rotating; each also once with noise
                v = names[(i + 2 * k) % len(names)]
                add("opening", text, v, slots=slots, phrasing=phrasing)
                add("opening", text, v, "kitchen", (20, 10)[(i + k) % 2], slots=slots, phrasing=phrasing)
        if mode == "heldout":
            for i, (text, cmd) in enumerate(COMMANDS):
                for k in range(3):
                    add("command", text, names[(i + 2 * k) % len(names)], command=cmd)
            for i, text in enumerate(OUT_OF_GRAMMAR):
                for k in range(3):
                    add("oog", text, names[(i + 3 * k) % len(names)])
                    add("oog", text, names[(i + 3 * k) % len(names)], "kitchen", (20, 10)[k % 2])
        return items

    for i, (text, label) in enumerate(YES_NO):
        # 7 of the 9 voices per phrasing (rotating), every voice says every answer type
        for v in [names[(i + k) % len(names)] for k in range(7)]:
            add("yesno", text, v, label=label)
        for j, snr in enumerate((20, 10)):
            add("yesno", text, names[(i + 3 * j) % len(names)], "kitchen", snr, label=label)
    for i, (text, weeks) in enumerate(WEEKS):
        for v in [names[(i + k * 3) % len(names)] for k in range(3)]:
            add("weeks", text, v, weeks=weeks)
        add("weeks", text, names[(i + 1) % len(names)], "kitchen", (20, 10)[i % 2], weeks=weeks)
    for i, (text, cmd) in enumerate(COMMANDS):
        for k in range(3):
            add("command", text, names[(i + 2 * k) % len(names)], command=cmd)
    for i, text in enumerate(OUT_OF_GRAMMAR):
        for k in range(3):
            add("oog", text, names[(i + 3 * k) % len(names)])
    for i, (text, slots, keywords) in enumerate(OPENINGS):
        for k in range(2):
            add("opening", text, names[(i + 4 * k) % len(names)], slots=slots, keywords=keywords)
        if i % 2 == 0:
            add("opening", text, names[(i + 1) % len(names)], "kitchen", (20, 10)[(i // 2) % 2],
                slots=slots, keywords=keywords)
    return items


def build(out: Path, voices: dict, heldout: bool, jobs: int = 2, mode: str | None = None) -> dict:
    mode = mode or ("heldout" if heldout else "fixtures")
    rng = random.Random(20240611)
    random.seed(20240611)
    if out.exists() and mode != "heldout":
        for sub in ("yesno", "weeks", "command", "oog", "opening", "korean"):
            shutil.rmtree(out / sub, ignore_errors=True)
    bed = make_noise_bed()
    items = plan(voices, heldout, mode)
    clean_cache: dict[tuple[str, str], np.ndarray] = {}
    keys = sorted({(it["text"], it["voice"]) for it in items})
    with ThreadPoolExecutor(jobs) as pool:
        for key, x in zip(keys, pool.map(lambda k: synth(voices[k[1]], k[0]), keys)):
            clean_cache[key] = x
    for it in items:
        x = clean_cache[(it["text"], it["voice"])]
        if it["noise"] != "clean":
            x = add_noise(x, bed, it["snr_db"], rng)
        write(out / it["file"], x)
        it["seconds"] = round(len(x) / RATE, 2)
    if mode == "fixtures":
        for n, (text, label) in enumerate(KOREAN):
            x = synth(("espeak", "ko", []), text)
            f = f"korean/{label}-{n}__espeak-ko.wav"
            write(out / f, x)
            items.append(dict(id=f"korean/{label}", file=f, text=text, voice="espeak-ko",
                              noise="clean", snr_db=None, kind="korean", label=label,
                              seconds=round(len(x) / RATE, 2)))
    by_id: dict[str, str] = {}
    for it in items:
        if it["noise"] == "clean":
            by_id.setdefault(it["id"], it["file"])
    conversations = ({name: [by_id[t] for t in turns] for name, turns in CONVERSATIONS.items()}
                     if mode == "fixtures" else {})
    manifest = {
        "about": "Synthetic speech fixtures; made by scripts/make_audio_fixtures.py. "
                 "All files are 16 kHz mono 16-bit PCM WAV.",
        "voices": {k: " ".join([v[0], v[1], *v[2]]) for k, v in voices.items()},
        "heldout": heldout,
        "mode": mode,
        "items": items,
        "conversations": conversations,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--heldout", type=Path, help="write held-out voices and phrasings here instead")
    ap.add_argument("--dev", type=Path, help="write the tuning set (fixture voices, dev phrasings) here")
    ap.add_argument("--unseen", type=Path, help="write held-out voices saying the blind-written phrasings here")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args(argv)
    if a.heldout:
        m = build(a.heldout, heldout_voices(), heldout=True, jobs=a.jobs)
        out = a.heldout
    elif a.unseen:
        m = build(a.unseen, heldout_voices(), heldout=True, jobs=a.jobs, mode="unseen")
        out = a.unseen
    elif a.dev:
        m = build(a.dev, VOICES, heldout=False, jobs=a.jobs, mode="dev")
        out = a.dev
    else:
        m = build(a.out, VOICES, heldout=False, jobs=a.jobs)
        out = a.out
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"{len(m['items'])} files, {size / 1e6:.1f} MB in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
