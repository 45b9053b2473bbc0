"""How the speech-recognition benchmark judges a clip: the transcript read by the real NLU at
the conversation point the clip answers, as the /audio route reads it (benchmarks/asr_bench.py)."""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

ASKING = ["vaginal_bleeding", "fluid_leak"]  # the first yes/no question of a check


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


def expected(item: dict) -> str:
    """What a right hearing of the clip gives, in words, for a list of misheard clips."""
    kind = item["kind"]
    if kind == "yesno":
        return item["label"]
    if kind == "weeks":
        return f"{item['weeks']} weeks"
    if kind == "opening":
        return ", ".join(item["slots"]) or "no sign"
    if kind == "command":
        return item["command"]
    return "no answer"  # oog


def score_items(engine, items: list[dict], root: Path) -> dict:
    from intents.grammar import phrases_for
    from intents.understanding import understand
    from voice.asr import hear
    from voice.audio.wav import read_wav_file

    acc: dict = defaultdict(lambda: {"n": 0, "right": 0, "empty": 0, "wrong": 0, "opposite": 0, "unsure": 0,
                                     "unsure_right": 0, "unsure_wrong": 0})
    rtf: dict = defaultdict(list)
    latency = []
    misheard = []  # every clip not judged right, for `asr_bench --failures`
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
        if not right:
            misheard.append({"file": it["file"], "kind": kind, "said": it["text"], "expected": expected(it),
                             "heard": rec.text, "wrong": bool(wrong), "confident": rec.confident})
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
        "misheard": misheard,
    }
