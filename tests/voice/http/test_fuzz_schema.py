"""Fuzz the service through its own OpenAPI schema with schemathesis, against a real
`backpain serve`: valid and invalid requests alike must get no 5xx, and every answer
must conform to the schema (status documented, body shape, content type, Allow header).
Bounded: at most MAX_EXAMPLES generated examples per operation and phase (~20 s on 2 cores)."""

from __future__ import annotations

import itertools
import os

import httpx
import pytest
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection
from hypothesis import HealthCheck, settings

from benchmarks.server import REPO, ServeProcess, clean_env

# The same examples every run (CI must not fail on a new random draw); set
# BACKPAIN_FUZZ_EXPLORE=1 to draw new ones, four times as many, when hunting for bugs.
EXPLORE = os.environ.get("BACKPAIN_FUZZ_EXPLORE") == "1"
MAX_EXAMPLES = 240 if EXPLORE else 60


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    with ServeProcess(tmp, clean_env(BACKPAIN_DATA_DIR=str(tmp / "data"), BACKPAIN_SQLITE_SYNC="normal")) as s:
        s.wait_ready()  # /readyz answers 503 while the recogniser loads: that is by design
        yield s


def _schema_app():
    """The same app, in this process, only to read its OpenAPI schema at collection time
    (the requests go to the real server; schemathesis' lazy fixture loader does not work
    with this pytest)."""
    from voice.http.app import create_app
    from voice.config import Settings
    from voice.service import SkillService
    from voice.store import MemoryStore

    return create_app(SkillService(Settings(), store=MemoryStore()))


schema = schemathesis.openapi.from_dict(_schema_app().openapi())
# audio bodies: raw bytes, as for application/octet-stream
schemathesis.serializer.alias(["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"], "application/octet-stream")
CALLS = itertools.count()
RECOGNITIONS = itertools.count()
# short yes/no recordings (recognition ~0.1 s each), and at most MAX_RECOGNITIONS of them
WAVS = sorted((REPO / "tests" / "fixtures" / "audio" / "yesno").glob("*.wav"))[:20]
MAX_RECOGNITIONS = 30


@pytest.fixture(scope="module")
def new_session(server):
    """A fresh conversation per call (the fuzzer also DELETEs the ones it is given)."""
    with httpx.Client(base_url=server.url, timeout=15) as c:
        def make(at_a_yes_no_question: bool = False) -> str:
            sid = c.post("/v1/sessions", json={}).json()["session_id"]
            if at_a_yes_no_question:  # past the open question: recognising a yes/no is quick
                c.post(f"/v1/sessions/{sid}/text", json={"text": "my lower back aches"})
            return sid

        yield make


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None,
          derandomize=not EXPLORE)
def test_schema_fuzz_no_server_errors_and_conforming_answers(case, server, new_session):
    params = case.path_parameters or {}
    n = next(CALLS)
    if isinstance(params.get("session_id"), str) and n % 3:
        # two times in three a conversation that exists, so turns get past the 404
        params["session_id"] = new_session(case.path.endswith("/audio"))
    raw = getattr(case.body, "data", case.body)  # schemathesis wraps binary bodies
    if isinstance(raw, (bytes, bytearray)) and WAVS:
        # The schema can only say "binary"; the endpoint wants a WAV. Schema-valid cases get
        # a real recording (so recognition runs); the others a recording cut short, or the
        # fuzzer's own bytes: all of those must be refused with a documented 4xx.
        wav = WAVS[n % len(WAVS)].read_bytes()
        positive = case.meta is None or case.meta.generation.mode.is_positive
        if positive and next(RECOGNITIONS) < MAX_RECOGNITIONS:
            case.body = wav
        elif n % 2 or positive:
            case.body = wav[: 44 + len(raw) * 7]
    # Every check runs: no 5xx, status codes, content types, bodies and headers as
    # documented, and a request outside the schema refused. Audio bodies are the one
    # exception to the last: the harness swaps the fuzzer's bytes for a real recording,
    # which the schema (binary) cannot tell from a "negative" body.
    excluded = [negative_data_rejection] if case.path.endswith("/audio") else []
    case.call_and_validate(base_url=server.url, timeout=60, excluded_checks=excluded)


def test_service_is_healthy_after_the_fuzzing(server):
    # runs after the fuzz test in file order: the service still answers a whole turn
    with httpx.Client(base_url=server.url, timeout=15) as c:
        sid = c.post("/v1/sessions", json={"weeks": 20}).json()["session_id"]
        r = c.post(f"/v1/sessions/{sid}/text", json={"text": "my back hurts"})
        assert r.status_code == 200 and r.json()["session_id"] == sid
    assert "Traceback" not in server.logs()
    assert " 500 " not in server.logs()
