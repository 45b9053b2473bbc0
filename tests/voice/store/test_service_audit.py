"""The audit log: exactly one entry per finished check, written with the turn that
finished it, holding the outcome and never what was said."""

from __future__ import annotations

import json
import sqlite3

import pytest

from voice.store.audit import session_ref
from voice.store.audit_export import to_csv, to_json
from service_harness import answer_for, finish, make_service

ALL_NO = frozenset()


@pytest.fixture(params=["sqlite", "memory"])
def service(request, tmp_path):
    svc = make_service(tmp_path, request.param)
    yield svc
    svc.store.close()


def post(service, engine=None, transcript=None):
    def send(sid, text):
        return service.turn(sid, text, transcript=transcript, engine=engine).model_dump(mode="json")
    return send


def test_one_entry_per_finished_check(service):
    start = service.start(weeks=30).model_dump(mode="json")
    sid = start["session_id"]
    done = finish(post(service), start, yes={"fever"})
    assert len(service.store.audit_entries()) == 1
    for text in ("repeat", "thank you", "what should I do?"):  # after the advice: no new entry
        service.turn(sid, text)
    entries = service.store.audit_entries()
    assert len(entries) == 1
    e = entries[0]
    assert e.urgency.value == done["triage"]["urgency"] and e.reasons == done["triage"]["reasons"]
    assert e.weeks == 30 and e.engine == "text" and e.stopped is False
    assert e.slots["fever"] == "yes" and set(e.slots) == set(done["slots"]) - {"weeks"}
    assert e.session_ref == session_ref(sid) and e.revised_at is None

    # start over and finish again: a second check, a second entry
    again = service.turn(sid, "start over").model_dump(mode="json")
    finish(post(service), again)
    entries = service.store.audit_entries()
    assert len(entries) == 2 and entries[1].urgency.value == "self_care"
    assert entries[0].session_ref == entries[1].session_ref


def test_a_new_sign_after_the_advice_revises_that_checks_entry(service):
    start = service.start(weeks=30).model_dump(mode="json")
    done = finish(post(service), start)
    assert done["triage"]["urgency"] == "self_care"
    later = service.turn(done["session_id"], "actually I have a fever now").model_dump(mode="json")
    assert later["triage"]["urgency"] != "self_care"
    entries = service.store.audit_entries()
    assert len(entries) == 1
    assert entries[0].urgency.value == later["triage"]["urgency"] and entries[0].revised_at is not None


def test_stopping_early_is_a_finished_check_too(service):
    start = service.start().model_dump(mode="json")
    service.turn(start["session_id"], answer_for(start))
    stopped = service.turn(start["session_id"], "stop")
    assert stopped.done
    (entry,) = service.store.audit_entries()
    assert entry.stopped is True


def test_the_engine_is_the_recogniser_for_spoken_turns(service):
    service.set_asr_engine("pocketsphinx", "en-us")
    spoken = post(service, transcript="no")  # engine not given: the one the service was told
    finish(spoken, service.start(weeks=20).model_dump(mode="json"))
    finish(post(service, engine="vosk", transcript="no"), service.start(weeks=20).model_dump(mode="json"))
    finish(post(service), service.start(weeks=20).model_dump(mode="json"))
    assert [e.engine for e in service.store.audit_entries()] == ["pocketsphinx", "vosk", "text"]


def test_no_words_and_no_session_id_in_the_audit_log(tmp_path):
    service = make_service(tmp_path, "sqlite")
    start = service.start().model_dump(mode="json")
    sid = start["session_id"]
    reply = service.turn(sid, "my back has ached since the zebra crossing", transcript="my back has ached since the zebra crossing")
    done = finish(post(service, transcript="no", engine="vosk"), reply.model_dump(mode="json"))
    with sqlite3.connect(service.store.path) as db:
        rows = [r[0] for r in db.execute("SELECT entry FROM audit")]
    exported = to_json(service.store.audit_entries()) + to_csv(service.store.audit_entries()) + "".join(rows)
    assert rows
    for secret in ("zebra", sid, done["say"][:30], done["triage"]["advice"][:30]):
        assert secret not in exported
    assert set(json.loads(rows[0])) == {"id", "time", "ts", "urgency", "reasons", "slots", "weeks", "engine",
                                        "stopped", "session_ref", "revised_at"}
    service.store.close()
