"""/healthz, /readyz (a pluggable list of checks) and Prometheus /metrics."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from service_harness import answer_for, make_client


def scrape(client) -> dict[tuple[str, tuple], float]:
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for s in family.samples:
            samples[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return samples


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_healthz_is_always_ok(tmp_path):
    with make_client(tmp_path) as c:
        c.app.state.readiness.append(lambda: False)
        r = c.get("/healthz")
        assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_readyz_runs_the_pluggable_checks(tmp_path):
    with make_client(tmp_path) as c:
        checks = c.app.state.readiness
        assert len(checks) == 1 and checks[0]() is True  # default: the session store answers
        assert c.get("/readyz").json() == {"status": "ready"}

        recogniser_loaded = False
        checks.append(lambda: recogniser_loaded)
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "not_ready"
        recogniser_loaded = True
        assert c.get("/readyz").status_code == 200

        def broken():
            raise RuntimeError("model file missing")

        checks.append(broken)
        r = c.get("/readyz")
        assert r.status_code == 503 and "broken" in r.json()["error"]["message"]


def test_readyz_fails_when_the_store_is_gone(tmp_path):
    with make_client(tmp_path) as c:
        c.app.state.service.store.close()
        assert c.get("/readyz").status_code == 503


def test_metrics_count_turns_sessions_urgencies_and_errors(tmp_path):
    # urgency counts are health figures: shown only behind the token (test_reliability_privacy)
    with make_client(tmp_path, api_token="t0ken") as c:
        c.headers["Authorization"] = "Bearer t0ken"
        before = scrape(c)
        reply = c.post("/v1/sessions", json={"weeks": 30}).json()
        sid = reply["session_id"]
        turns = 0
        while not reply["done"]:
            reply = c.post(f"/v1/sessions/{sid}/text", json={"text": answer_for(reply, {"fever"})}).json()
            turns += 1
        c.post("/v1/sessions/no-such-session/text", json={"text": "no"})
        c.post(f"/v1/sessions/{sid}/text", content=b"{", headers={"Content-Type": "application/json"})
        c.app.state.service.set_asr_engine("pocketsphinx", "en-us")
        after = scrape(c)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("backpain_sessions_started_total") == 1
    assert delta("backpain_turns_total", kind="text") == turns
    assert delta("backpain_turn_seconds_count", kind="text") == turns + 2  # every POST …/text, errors too
    assert delta("backpain_triage_total", urgency=reply["triage"]["urgency"]) == 1
    assert delta("backpain_errors_total", code="session_not_found") == 1
    assert delta("backpain_errors_total", code="invalid_json") == 1
    assert value(after, "backpain_asr_engine_info", engine="pocketsphinx", model="en-us") == 1
    assert value(after, "process_resident_memory_bytes") > 0
