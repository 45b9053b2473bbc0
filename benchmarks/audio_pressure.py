"""Text never waits for audio (issue 14): a text turn's latency, idle and under 60
concurrent speech uploads, through a real `backpain serve` with its default recogniser.

- idle: one client answers text turns (whole conversations, `turn` sent back), one at a
  time, with a short pause between turns; /healthz and POST /v1/sessions are timed too.
- under load: the same, while another process keeps `uploads` connections uploading an
  8-second spoken answer to the opening question, back to back; a refused upload (`503
  asr_busy`) waits what its Retry-After says (at most 2 s) and sends again, so the
  recogniser is full and the bound is hit all the time. Server RSS is sampled throughout.

The judged figure: the text turn's median under load / its idle median (target < 3).
Every loop is bounded in count and in time; traffic is loopback only.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import random
import time
import wave
from pathlib import Path

from benchmarks.httpload import AsyncClient, HttpError, SyncClient, summary_ms
from benchmarks.server import REPO, bench_server

OPENINGS = sorted((REPO / "tests" / "fixtures" / "audio" / "opening").glob("*flite*.wav"))


def spoken_answer(seconds: float = 8.0) -> bytes:
    """An `seconds`-long 16 kHz mono WAV: opening-question fixtures joined by short pauses."""
    pcm = bytearray()
    pause = b"\0\0" * 4800  # 0.3 s
    for path in OPENINGS * 4:
        with wave.open(str(path)) as w:
            assert w.getframerate() == 16000 and w.getnchannels() == 1 and w.getsampwidth() == 2
            pcm += w.readframes(w.getnframes()) + pause
        if len(pcm) >= seconds * 32000:
            break
    pcm = pcm[: int(seconds * 32000)]
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16000)
        w.writeframes(bytes(pcm))
    return out.getvalue()


# --- the uploads, in a process of their own (their client work must not delay the prober) ---


async def _uploader(host, port, wav, deadline, stats):
    client = AsyncClient(host, port, timeout=120)
    try:
        while time.monotonic() < deadline:
            try:
                status, reply = await client.post_json("/v1/sessions", {})
                if status != 201:
                    stats[str(status)] = stats.get(str(status), 0) + 1
                    await asyncio.sleep(0.5)
                    continue
                start = time.monotonic()
                status, data = await client.request("POST", f"/v1/sessions/{reply['session_id']}/audio", wav,
                                                    content_type="audio/wav")
            except HttpError as e:
                stats[f"conn:{e}"] = stats.get(f"conn:{e}", 0) + 1
                await asyncio.sleep(0.5)
                continue
            stats[str(status)] = stats.get(str(status), 0) + 1
            if status == 200:
                stats.setdefault("decoded_s", []).append(time.monotonic() - start)
            elif status == 503:
                await asyncio.sleep(min(2.0, float(client.last_headers.get("retry-after", "1"))))
    finally:
        await client.close()


def _uploads_main(host, port, uploads, seconds, queue) -> None:
    wav = spoken_answer()
    stats: dict = {}
    deadline = time.monotonic() + seconds

    async def main():
        await asyncio.gather(*(_uploader(host, port, wav, deadline, stats) for _ in range(uploads)))

    asyncio.run(main())
    queue.put(stats)


# --- the prober ---------------------------------------------------------------------------


def _answer(reply: dict, rng: random.Random) -> str:
    if reply.get("expecting") == "weeks":
        return "28 weeks"
    if reply.get("expecting") == "free_text":
        return "my lower back aches after work"
    return "no" if rng.random() < 0.9 else "nope"


def _probe(server, seconds: float, pause: float = 0.05, max_turns: int = 2000) -> dict:
    """Text turns, /healthz and new sessions, one at a time, for `seconds`."""
    rng = random.Random(7)
    client = SyncClient(server.host, server.port)
    lat = {"text": [], "healthz": [], "session": []}
    errors: dict = {}
    deadline = time.monotonic() + seconds
    reply = None
    while time.monotonic() < deadline and len(lat["text"]) < max_turns:
        if reply is None or reply.get("done"):
            t = time.perf_counter()
            status, reply = client.post_json("/v1/sessions", {})
            lat["session"].append(time.perf_counter() - t)
            t = time.perf_counter()
            client.request("GET", "/healthz")
            lat["healthz"].append(time.perf_counter() - t)
            if status != 201:
                errors[str(status)] = errors.get(str(status), 0) + 1
                reply = None
                continue
        sid = reply["session_id"]
        body = {"text": _answer(reply, rng), "turn": reply["turn"]}
        t = time.perf_counter()
        status, new = client.post_json(f"/v1/sessions/{sid}/text", body)
        lat["text"].append(time.perf_counter() - t)
        if status != 200:
            errors[str(status)] = errors.get(str(status), 0) + 1
            reply = None
        else:
            reply = new
        time.sleep(pause)
    client.close()
    return {k: summary_ms(v) for k, v in lat.items()} | {"errors": errors}


def run(quick: bool = False, uploads: int = 60) -> dict:
    idle_s = 8.0 if quick else 20.0
    load_s = 20.0 if quick else 60.0
    with bench_server() as server:
        _probe(server, 2.0)  # warm-up
        idle = _probe(server, idle_s)
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        proc = ctx.Process(target=_uploads_main, args=(server.host, server.port, uploads, load_s, queue))
        rss_start = server.rss_mb()
        proc.start()
        time.sleep(3.0)  # the uploads are in flight
        rss = [rss_start]
        under = _probe_with_rss(server, load_s - 5.0, rss)
        stats = queue.get(timeout=load_s + 180)
        proc.join(timeout=30)
        engine = _engine(server)
        large = large_uploads(server)
    decoded = stats.pop("decoded_s", [])
    ratio = under["text"]["median_ms"] / idle["text"]["median_ms"] if idle["text"]["median_ms"] else float("nan")
    return {"uploads": uploads, "idle_s": idle_s, "load_s": load_s, "engine": engine, "idle": idle, "under": under,
            "ratio": ratio, "upload_statuses": stats, "decode": summary_ms(decoded),
            "rss_start_mb": rss_start, "rss_peak_mb": max(v for v in rss if v is not None), "large": large}


def large_uploads(server, n: int = 100, size: int = 10 * 1024 * 1024 - 100) -> dict:
    """`n` concurrent uploads of a body just under the 10 MB limit (not a usable WAV: each
    is read in full, then refused): the server's RSS before, at the peak and after."""
    import http.client
    import threading

    body = b"RIFF" + b"\0" * (size - 4)
    statuses: list = []

    def one():
        conn = http.client.HTTPConnection(server.host, server.port, timeout=120)
        try:
            conn.request("POST", "/v1/sessions", body=b"{}", headers={"Content-Type": "application/json"})
            sid = __import__("json").loads(conn.getresponse().read())["session_id"]
            conn.request("POST", f"/v1/sessions/{sid}/audio", body=body, headers={"Content-Type": "audio/wav"})
            r = conn.getresponse()
            r.read()
            statuses.append(r.status)
        except (OSError, http.client.HTTPException) as e:
            statuses.append(type(e).__name__)
        finally:
            conn.close()

    before = server.rss_mb()
    peak = before
    threads = [threading.Thread(target=one) for _ in range(n)]
    start = time.monotonic()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads) and time.monotonic() - start < 180:
        peak = max(peak, server.rss_mb() or 0)
        time.sleep(0.05)
    for t in threads:
        t.join(timeout=10)
    counts: dict = {}
    for st in statuses:
        counts[str(st)] = counts.get(str(st), 0) + 1
    return {"n": n, "mb": size / 2**20, "rss_before_mb": before, "rss_peak_mb": peak, "rss_after_mb": server.rss_mb(),
            "statuses": counts, "seconds": time.monotonic() - start}


def _probe_with_rss(server, seconds: float, rss: list) -> dict:
    import threading

    stop = threading.Event()

    def sample():
        while not stop.wait(0.5):
            rss.append(server.rss_mb())

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        return _probe(server, seconds)
    finally:
        stop.set()
        t.join(2)


def _engine(server) -> str:
    client = SyncClient(server.host, server.port)
    try:
        _, data = client.request("GET", "/metrics")
    finally:
        client.close()
    for line in data.decode().splitlines():
        if line.startswith("backpain_asr_engine_info"):
            labels = dict(part.split("=", 1) for part in line.split("{", 1)[1].split("}", 1)[0].split('",'))
            engine, model = labels.get("engine", "").strip('"'), labels.get("model", "").strip('"')
            detail = model[model.find("(") + 1:model.rfind(")")] if "(" in model else Path(model).name
            return f"{engine}, {detail}" if detail else engine
    return "?"


def markdown(r: dict) -> list[str]:
    f = lambda x, d=1: f"{x:.{d}f}"  # noqa: E731
    rows = ["### (d) Text turns under 60 concurrent speech uploads", "",
            f"{r['uploads']} connections upload an 8-second spoken answer (16 kHz WAV, "
            f"{r['engine']}) back to back for {f(r['load_s'], 0)} s; a refused one waits its Retry-After "
            "(at most 2 s) and sends again. Meanwhile one client answers text turns one at a time (50 ms "
            "apart, `turn` sent back), and times /healthz and POST /v1/sessions at each new conversation. "
            f"Idle: the same client with no uploads ({f(r['idle_s'], 0)} s). Target: text median under load "
            "within 3× the idle median.", "",
            "| request | idle median ms | idle p90 ms | under load median ms | under load p90 ms | "
            "under load max ms | median ratio |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for kind in ("text", "healthz", "session"):
        i, u = r["idle"][kind], r["under"][kind]
        ratio = u["median_ms"] / i["median_ms"] if i["median_ms"] else float("nan")
        rows.append(f"| {kind} (n={i['n']}/{u['n']}) | {f(i['median_ms'], 2)} | {f(i['p90_ms'], 2)} | "
                    f"{f(u['median_ms'], 2)} | {f(u['p90_ms'], 2)} | {f(u['max_ms'], 1)} | {f(ratio, 2)}× |")
    st = r["upload_statuses"]
    rows += ["", f"**Text turn median ratio, under load / idle: {f(r['ratio'], 2)}×.** Uploads: "
             + ", ".join(f"{k}: {v}" for k, v in sorted(st.items())) + f" (200 = decoded, 503 = asr_busy); "
             f"decoded uploads took a median {f(r['decode']['median_ms'] / 1000, 2)} s (p90 "
             f"{f(r['decode']['p90_ms'] / 1000, 2)} s) from request to reply. Text-prober errors: "
             f"{r['under']['errors'] or 'none'}. Server RSS {f(r['rss_start_mb'], 0)} MB before the uploads, "
             f"{f(r['rss_peak_mb'], 0)} MB at the peak.", ""]
    lg = r.get("large")
    if lg:
        rows += [f"Memory under {lg['n']} concurrent uploads of {f(lg['mb'], 1)} MB each (read in full, then "
                 f"refused as no usable WAV, or refused at once with 503 asr_busy and dropped as they stream in): "
                 f"server RSS {f(lg['rss_before_mb'], 0)} MB before, {f(lg['rss_peak_mb'], 0)} MB at the peak, "
                 f"{f(lg['rss_after_mb'], 0)} MB after ({f(lg['seconds'], 1)} s; answers: "
                 + ", ".join(f"{k}: {v}" for k, v in sorted(lg["statuses"].items())) + ").", ""]
    return rows
