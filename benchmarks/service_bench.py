"""Service benchmarks through a real `backpain serve` subprocess, loopback only.

(a) latency:    text-turn latency, one client, a few thousand turns, per session store
(b) throughput: text turns per second with 50 concurrent conversations
(c) load:       a steady load of many concurrent conversations with think time (text, and
                audio if voice/http/routes/audio.py exists) for a bounded time: throughput,
                latency percentiles, errors, server RSS over time

Every loop is bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import json
import random
import time

from benchmarks.httpload import AsyncClient, HttpError, SyncClient, summary_ms
from benchmarks.server import REPO, RedisProcess, bench_server

OPENINGS = [
    "my lower back aches after work",
    "I've had back pain for a few days",
    "my back hurts when I stand up",
    "a dull ache in my lower back on the right",
]


def answer(reply: dict, rng: random.Random) -> str:
    if reply.get("expecting") == "weeks":
        return rng.choice(["28 weeks", "twenty weeks", "34", "I'm 16 weeks"])
    if reply.get("expecting") == "free_text":
        return rng.choice(OPENINGS)
    return "yes" if rng.random() < 0.05 else rng.choice(["no", "no", "nope", "no I don't"])


def store_variants(quick: bool) -> list[tuple[str, dict]]:
    variants = [
        ("sqlite, synchronous=NORMAL (default)", {}),
        ("sqlite, synchronous=FULL", {"BACKPAIN_SQLITE_SYNC": "full"}),
        ("memory", {"BACKPAIN_SESSION_STORE": "memory"}),
    ]
    if RedisProcess.binary():
        variants.append(("redis", {"BACKPAIN_SESSION_STORE": "redis"}))  # url filled in when started
    return variants


# --- (a) latency ------------------------------------------------------------------------


def _latency_run(env: dict, turns: int, warmup: int, max_seconds: float, seed: int = 1) -> dict:
    rng = random.Random(seed)
    with bench_server(env) as server:
        client = SyncClient(server.host, server.port)
        latencies: list[float] = []
        errors = 0
        sessions = 0
        done_turns = 0
        t_end = time.monotonic() + max_seconds
        t0 = time.perf_counter()
        measuring_since = None
        while done_turns < warmup + turns and time.monotonic() < t_end:
            status, reply = client.post_json("/v1/sessions", {})
            if status != 201:
                errors += 1
                continue
            sessions += 1
            sid = reply["session_id"]
            for _ in range(60):
                if reply.get("done") or done_turns >= warmup + turns:
                    break
                body = {"text": answer(reply, rng)}
                start = time.perf_counter()
                status, reply = client.post_json(f"/v1/sessions/{sid}/text", body)
                elapsed = time.perf_counter() - start
                done_turns += 1
                if status != 200:
                    errors += 1
                    break
                if done_turns > warmup:
                    if measuring_since is None:
                        measuring_since = start
                    latencies.append(elapsed)
        wall = time.perf_counter() - (measuring_since or t0)
        client.close()
        rss = server.rss_mb()
    out = summary_ms(latencies)
    out.update(errors=errors, sessions=sessions, turns_per_s=len(latencies) / wall if wall > 0 else 0.0, rss_mb=rss)
    return out


def latency(quick: bool = False, turns: int | None = None) -> dict:
    turns = turns or (500 if quick else 3000)
    warmup = 100 if quick else 300
    results = []
    for name, env in store_variants(quick):
        if env.get("BACKPAIN_SESSION_STORE") == "redis":
            with RedisProcess() as redis:
                res = _latency_run({**env, "BACKPAIN_SESSION_STORE": redis.url}, turns, warmup, 120)
        else:
            res = _latency_run(env, turns, warmup, 120)
        res["store"] = name
        results.append(res)
    base = next(r for r in results if r["store"] == "memory")
    for r in results:
        r["median_vs_memory"] = r["median_ms"] / base["median_ms"] if base["median_ms"] else float("nan")
    return {"turns": turns, "warmup": warmup, "results": results}


# --- (b) throughput ---------------------------------------------------------------------


async def _conversation_worker(host, port, deadline, rng, stats, audio=None, think=(0.0, 0.0), stop_turns=None):
    client = AsyncClient(host, port)
    if think[1] > 0:
        await asyncio.sleep(rng.uniform(0, think[1]))  # staggered arrivals, not one burst at t=0
    try:
        while time.monotonic() < deadline and (stop_turns is None or stats["turns"] < stop_turns):
            try:
                status, reply = await client.post_json("/v1/sessions", {})
            except HttpError as e:
                stats["errors"][f"conn:{e}"] = stats["errors"].get(f"conn:{e}", 0) + 1
                await asyncio.sleep(0.05)
                continue
            if status != 201:
                stats["errors"][str(status)] = stats["errors"].get(str(status), 0) + 1
                await asyncio.sleep(0.05)
                continue
            stats["sessions"] += 1
            sid = reply["session_id"]
            for _ in range(60):
                if reply.get("done") or time.monotonic() >= deadline:
                    break
                if think[1] > 0:
                    await asyncio.sleep(rng.uniform(*think))
                    if time.monotonic() >= deadline:
                        break
                kind = "text"
                start = time.perf_counter()
                try:
                    if audio and reply.get("expecting") == "yes_no" and rng.random() < audio["share"]:
                        kind = "audio"
                        status, data = await client.request("POST", f"/v1/sessions/{sid}/audio",
                                                            rng.choice(audio["wavs"]), content_type="audio/wav")
                        new = json.loads(data) if status == 200 else None
                    else:
                        status, new = await client.post_json(f"/v1/sessions/{sid}/text", {"text": answer(reply, rng)})
                except HttpError as e:
                    stats["errors"][f"conn:{e}"] = stats["errors"].get(f"conn:{e}", 0) + 1
                    break
                elapsed = time.perf_counter() - start
                stats["lat"][kind].append(elapsed)
                if status != 200:
                    stats["errors"][str(status)] = stats["errors"].get(str(status), 0) + 1
                    break
                stats["turns"] += 1
                stats["by_kind"][kind] += 1
                reply = new
            if reply.get("done"):
                stats["finished"] += 1
    finally:
        await client.close()


def _new_stats() -> dict:
    return {"turns": 0, "sessions": 0, "finished": 0, "errors": {}, "lat": {"text": [], "audio": []},
            "by_kind": {"text": 0, "audio": 0}}


def _throughput_run(env: dict, concurrency: int, seconds: float) -> dict:
    with bench_server(env) as server:
        stats = _new_stats()

        async def main():
            # warm-up: a few seconds of the same load, not counted
            warm = _new_stats()
            t = time.monotonic() + min(3.0, seconds / 3)
            await asyncio.gather(*(_conversation_worker(server.host, server.port, t, random.Random(100 + i), warm)
                                   for i in range(concurrency)))
            deadline = time.monotonic() + seconds
            start = time.perf_counter()
            await asyncio.gather(*(_conversation_worker(server.host, server.port, deadline, random.Random(i), stats)
                                   for i in range(concurrency)))
            return time.perf_counter() - start

        wall = asyncio.run(main())
        rss = server.rss_mb()
    lat = summary_ms(stats["lat"]["text"])
    return {"turns": stats["turns"], "seconds": wall, "turns_per_s": stats["turns"] / wall, "latency": lat,
            "errors": stats["errors"], "sessions": stats["sessions"], "rss_mb": rss}


def throughput(quick: bool = False, concurrency: int = 50) -> dict:
    seconds = 5.0 if quick else 20.0
    results = []
    for name, env in (("sqlite, synchronous=NORMAL (default)", {}),
                      ("sqlite, synchronous=FULL", {"BACKPAIN_SQLITE_SYNC": "full"}),
                      ("memory", {"BACKPAIN_SESSION_STORE": "memory"})):
        r = _throughput_run(env, concurrency, seconds)
        r["store"] = name
        results.append(r)
    return {"concurrency": concurrency, "seconds": seconds, "results": results,
            "vs_memory": {r["store"]: r["turns_per_s"] / results[-1]["turns_per_s"] for r in results[:-1]}}


# --- (c) steady load --------------------------------------------------------------------


def audio_setup() -> dict | None:
    if not (REPO / "voice" / "http" / "routes" / "audio.py").exists():
        return None
    wavs = sorted((REPO / "tests" / "fixtures" / "audio" / "yesno").glob("no__*.wav"))
    if not wavs:
        return None
    return {"wavs": [p.read_bytes() for p in wavs[:6]], "files": [p.name for p in wavs[:6]], "share": 0.25}


def load(quick: bool = False, users: int | None = None, seconds: float | None = None) -> dict:
    seconds = seconds or (15.0 if quick else 120.0)
    users = users or 100
    think = (1.0, 3.0)  # people take a moment to answer; ~40 turns/s offered by 100 of them
    sample_every = 1.0 if quick else 5.0
    audio = audio_setup()
    with bench_server() as server:
        stats = _new_stats()
        rss: list[tuple[float, float]] = []

        async def sampler(deadline: float, t0: float):
            while time.monotonic() < deadline:
                value = server.rss_mb()
                if value is not None:
                    rss.append((time.monotonic() - t0, value))
                await asyncio.sleep(sample_every)
            value = server.rss_mb()
            if value is not None:
                rss.append((time.monotonic() - t0, value))

        async def main():
            t0 = time.monotonic()
            deadline = t0 + seconds
            start = time.perf_counter()
            workers = [_conversation_worker(server.host, server.port, deadline, random.Random(1000 + i), stats,
                                            audio=audio, think=think) for i in range(users)]
            await asyncio.gather(sampler(deadline, t0), *workers)
            return time.perf_counter() - start

        wall = asyncio.run(main())
    return {
        "users": users, "seconds": wall, "think_s": think, "audio": audio is not None,
        "audio_files": audio["files"] if audio else [], "audio_share": audio["share"] if audio else 0.0,
        "turns": stats["turns"], "turns_per_s": stats["turns"] / wall, "sessions": stats["sessions"],
        "finished": stats["finished"], "by_kind": stats["by_kind"], "errors": stats["errors"],
        "latency": {k: summary_ms(v) for k, v in stats["lat"].items() if v},
        "rss_mb": rss,
    }
