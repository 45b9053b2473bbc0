"""Prometheus metrics (GET /metrics). Counts and timings only, never what was said.

    backpain_turns_total{kind="text"|"audio"}        turns answered
    backpain_turn_seconds{kind}                      time to answer a turn, server side
    backpain_triage_total{urgency}                   advice given, by urgency
    backpain_errors_total{code}                      error responses, by error code
    backpain_sessions_started_total                  conversations started
    backpain_asr_engine_info{engine, model}          the speech recogniser in use

Plus prometheus_client's process_* metrics (memory, CPU, open files), and
`backpain_audio_in_flight` (uploads being decoded or waiting).
Recording costs a few microseconds per turn; turn times are taken by
voice/http/middleware/turn_timer.py.

`backpain_triage_total` says how urgent people's checks were: health figures. It is shown
only when BACKPAIN_API_TOKEN is set (then /metrics needs the token, like /v1); without a
token, /metrics leaves it out.
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, Info, disable_created_metrics, generate_latest

disable_created_metrics()  # no *_created series: less noise per scrape

TURNS = Counter("backpain_turns", "Turns answered", ["kind"])
TURN_SECONDS = Histogram(
    "backpain_turn_seconds",
    "Time to answer a turn, from request to response start, in the server",
    ["kind"],
    buckets=(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
TRIAGE = Counter("backpain_triage", "Advice given (finished checks), by urgency", ["urgency"])
ERRORS = Counter("backpain_errors", "Error responses, by error code", ["code"])
SESSIONS = Counter("backpain_sessions_started", "Conversations started")
ASR_ENGINE = Info("backpain_asr_engine", "The speech recogniser in use")
ASR_ENGINE.info({"engine": "none", "model": ""})
AUDIO_IN_FLIGHT = Gauge("backpain_audio_in_flight", "Audio uploads being decoded or waiting for the recogniser")
HEALTH_METRICS = ("backpain_triage",)  # shown only behind the token

# pre-create the common label sets so they show as 0 before the first event
for _kind in ("text", "audio"):
    TURNS.labels(_kind)
    TURN_SECONDS.labels(_kind)


def turn(kind: str) -> None:
    TURNS.labels(kind).inc()


def triage(urgency: str) -> None:
    TRIAGE.labels(urgency).inc()


def error(code: str) -> None:
    ERRORS.labels(code).inc()


def session_started() -> None:
    SESSIONS.inc()


def set_asr_engine(engine: str, model: str = "") -> None:
    ASR_ENGINE.info({"engine": engine or "none", "model": model or ""})


def render(health: bool = True) -> tuple[bytes, str]:
    """The exposition; without `health`, every series (and HELP/TYPE line) of HEALTH_METRICS
    is left out."""
    text = generate_latest()
    if not health:
        def shown(line: bytes) -> bool:
            name = line.split(b" ", 3)[2] if line.startswith(b"# ") and line.count(b" ") >= 2 else line
            return not name.startswith(tuple(m.encode() for m in HEALTH_METRICS))

        text = b"\n".join(line for line in text.split(b"\n") if shown(line))
    return text, CONTENT_TYPE_LATEST
