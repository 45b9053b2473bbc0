"""Voice turn latency through a real `backpain serve`, for each usable speech recogniser.

A recorded yes/no answer (tests/fixtures/audio, clean) is sent at a yes/no question of a
conversation (weeks given at the start, the opening question answered by text):

- end of audio -> reply text:  POST /v1/sessions/{id}/audio, the whole request, with the
  answer already recorded (upload, decoding, recognition, the dialogue turn);
- reply text -> reply audio:   GET /v1/sessions/{id}/speech right after (speech synthesis);
- end of audio -> reply audio: the two together, turn by turn;
- TTS real-time factor:        synthesis time / length of the speech it made.

Then a question and the advice are synthesised by the server (GET /speech, a new session
each time, so never from its cache) and in this process (voice.audio.tts.synthesize), so the
server's share of the synthesis time is visible.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections import Counter

from benchmarks.httpload import SyncClient, percentile, summary_ms
from benchmarks.voice_turn_report import markdown
from benchmarks.server import REPO, bench_server

FIXTURES = REPO / "tests" / "fixtures" / "audio"
WEEKS = 28
OPENING = "my lower back aches after work"


def yes_no_fixtures(n: int) -> list[dict]:
    """`n` clean yes/no recordings, yes and no alternating, each a different pairing of words
    and voice."""
    items = [i for i in json.loads((FIXTURES / "manifest.json").read_text())["items"]
             if i["kind"] == "yesno" and i["noise"] == "clean"]
    half = (n + 1) // 2
    picked = {label: _spread([i for i in items if i.get("label") == label], half) for label in ("yes", "no")}
    return [x for pair in zip(picked["yes"], picked["no"]) for x in pair][:n]


def _spread(items: list[dict], count: int) -> list[dict]:
    """`count` items, each time the one whose words and voice have been used least so far."""
    remaining = sorted(items, key=lambda i: i["file"])
    used: Counter = Counter()
    out: list[dict] = []
    while remaining and len(out) < count:
        item = min(remaining, key=lambda i: (used[i["text"]] + used[i["voice"]], i["file"]))
        remaining.remove(item)
        used.update((item["text"], item["voice"]))
        out.append(item)
    return out


def usable_engines() -> tuple[list[dict], list[dict]]:
    """(engines to measure with their server settings, engines skipped and why)."""
    from voice.asr.select import available_engines
    from voice.config import asr_from_env

    measured, skipped, seen = [], [], set()
    for row in available_engines(asr_from_env()):
        key = (row["engine"], row["model"])
        if not row["usable"] or key in seen:
            continue
        seen.add(key)
        if row["language"] not in ("en", None):
            skipped.append({"engine": row["engine"], "model": row["model"],
                            "why": f"a {row['language']} model; the recordings are English"})
            continue
        env = {"BACKPAIN_ASR": row["engine"]}
        if row["engine"] == "vosk":
            env["BACKPAIN_VOSK_MODEL"] = row["model"]
        if row["engine"] == "whisper" and row.get("hash_check") != "ok":  # not the packaged model
            env["BACKPAIN_WHISPER_MODEL"] = row["model"]
        measured.append({"engine": row["engine"], "model": row["model"], "env": env})
    return measured, skipped


# --- talking to the server ------------------------------------------------------------------


def _timed(client: SyncClient, method: str, path: str, body: bytes | None = None,
           content_type: str = "application/json") -> tuple[float, bytes]:
    start = time.perf_counter()
    status, data = client.request(method, path, body, content_type)
    elapsed = time.perf_counter() - start
    if status >= 300:
        raise RuntimeError(f"{method} {path}: {status} {data[:300]!r}")
    return elapsed, data


def _say(client: SyncClient, session_id: str, text: str) -> dict:
    _, data = _timed(client, "POST", f"/v1/sessions/{session_id}/text", json.dumps({"text": text}).encode())
    return json.loads(data)


def _first_yes_no_question(client: SyncClient) -> dict:
    """A new conversation, answered by text up to its first yes/no question."""
    _, data = _timed(client, "POST", "/v1/sessions", json.dumps({"weeks": WEEKS}).encode())
    reply = json.loads(data)
    for _ in range(5):
        if reply["expecting"] == "yes_no":
            return reply
        reply = _say(client, reply["session_id"], OPENING if reply["expecting"] == "free_text" else f"{WEEKS} weeks")
    raise RuntimeError(f"no yes/no question after the opening: {reply['say']!r}")


def _speech(client: SyncClient, session_id: str) -> tuple[float, float]:
    """(seconds GET /speech took, seconds of speech it returned)."""
    from voice.audio.wav import wav_info

    elapsed, wav = _timed(client, "GET", f"/v1/sessions/{session_id}/speech")
    return elapsed, wav_info(wav).seconds


def _words(text: str) -> list[str]:
    return "".join(c for c in text.lower() if c.isalnum() or c.isspace() or c == "'").split()


def _audio_turn(client: SyncClient, reply: dict, item: dict) -> dict:
    sid = reply["session_id"]
    to_text, data = _timed(client, "POST", f"/v1/sessions/{sid}/audio", (FIXTURES / item["file"]).read_bytes(),
                           "audio/wav")
    answer = json.loads(data)
    to_audio, spoken = _speech(client, sid)
    return {"file": item["file"], "label": item["label"], "heard": answer.get("transcript", ""),
            "word_for_word": _words(answer.get("transcript", "")) == _words(item["text"]),
            "reply": "advice" if answer["done"] else "question", "text_s": to_text, "speech_s": to_audio,
            "spoken_s": spoken, "next": answer}


def audio_turns(client: SyncClient, fixtures: list[dict]) -> list[dict]:
    """One measured audio turn per fixture (after one unmeasured warm-up turn); a new
    conversation whenever the last one has left its yes/no questions."""
    _audio_turn(client, _first_yes_no_question(client), fixtures[0])
    turns, reply = [], None
    for item in fixtures:
        if reply is None or reply["expecting"] != "yes_no":
            reply = _first_yes_no_question(client)
        turn = _audio_turn(client, reply, item)
        reply = turn.pop("next")
        turns.append(turn)
    return turns


def reference_texts(client: SyncClient, reps: int) -> dict[str, dict]:
    """A plain question and the no-red-flag advice, each spoken by the server `reps` times
    (each in a new conversation, so never from the speech cache)."""
    out: dict[str, dict] = {}
    for _ in range(reps):
        reply = _first_yes_no_question(client)
        reply = _say(client, reply["session_id"], "no")
        for name in ("question", "advice"):
            if name == "advice":
                for _ in range(60):
                    if reply["done"]:
                        break
                    reply = _say(client, reply["session_id"], "no" if reply["expecting"] == "yes_no" else OPENING)
            took, spoken = _speech(client, reply["session_id"])
            ref = out.setdefault(name, {"text": reply["say"], "spoken_s": spoken, "server_s": []})
            ref["server_s"].append(took)
    return out


def synthesize_in_process(refs: dict[str, dict], reps: int) -> None:
    """Adds `in_process_s` (voice.audio.tts.synthesize timings) to each reference text."""
    from voice.audio.tts import synthesize
    from voice.config import tts_from_env

    tts = tts_from_env()  # the server under test reads the same variables
    synthesize("Hello.", tts=tts)  # engine start-up, not measured
    for ref in refs.values():
        ref["in_process_s"] = []
        for _ in range(reps):
            start = time.perf_counter()
            synthesize(ref["text"], tts=tts)
            ref["in_process_s"].append(time.perf_counter() - start)


# --- the benchmark --------------------------------------------------------------------------


def server_rss(pid: int) -> dict:
    """RSS in MB of the server process, and of it with its worker processes (recogniser
    workers are its children)."""
    from benchmarks.server import rss_mb

    def children(p: int) -> list[int]:
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                kids = [int(c) for c in f.read().split()]
        except OSError:
            return []
        return kids + [g for k in kids for g in children(k)]

    own = rss_mb(pid) or 0.0
    return {"rss_server_mb": round(own, 1),
            "rss_total_mb": round(own + sum(rss_mb(c) or 0.0 for c in children(pid)), 1)}


def _median_p90(values: list[float]) -> dict:
    xs = sorted(values)
    return {"median": percentile(xs, 50), "p90": percentile(xs, 90)}


def summarise(turns: list[dict]) -> dict:
    return {
        "audio_to_text": summary_ms([t["text_s"] for t in turns]),
        "text_to_audio": summary_ms([t["speech_s"] for t in turns]),
        "audio_to_audio": summary_ms([t["text_s"] + t["speech_s"] for t in turns]),
        "tts_rtf": _median_p90([t["speech_s"] / t["spoken_s"] for t in turns if t["spoken_s"]]),
        "spoken_s": statistics.median(t["spoken_s"] for t in turns),
        "word_for_word": sum(t["word_for_word"] for t in turns),
        "advice_replies": sum(t["reply"] == "advice" for t in turns),
    }


def run(quick: bool = False, n: int | None = None) -> dict:
    n = n or (8 if quick else 20)
    reps = 2 if quick else 3
    fixtures = yes_no_fixtures(n)
    measured, skipped = usable_engines()
    result: dict = {"n": n, "reps": reps, "quick": quick, "engines": [], "skipped": skipped,
                    "loadavg_before": os.getloadavg()[0]}
    refs: dict[str, dict] = {}
    for engine in measured:
        with bench_server(engine["env"]) as server:
            client = SyncClient(server.host, server.port, timeout=120)
            try:
                turns = audio_turns(client, fixtures)
                memory = server_rss(server.proc.pid)  # after the turns: the model and workers in use
                if not refs:
                    refs = reference_texts(client, reps)
            finally:
                client.close()
        result["engines"].append({"engine": engine["engine"], "model": engine["model"], "turns": turns,
                                  **memory, **summarise(turns)})
    if refs:
        synthesize_in_process(refs, reps)  # with the server stopped: nothing else competing
    result["tts"] = refs
    result["loadavg_after"] = os.getloadavg()[0]
    return result


if __name__ == "__main__":
    from benchmarks.report import machine

    print(markdown(run(quick=True), machine()))
