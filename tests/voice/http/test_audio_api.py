"""POST /v1/sessions/{id}/audio and GET /v1/sessions/{id}/speech against a real
`backpain serve` with the real recogniser (PocketSphinx) and the recorded fixtures.

Which fixture files are used for exact answers was measured: they are recognised as
their label with the question grammars (tests/voice/asr/test_asr_pocketsphinx.py covers accuracy
over all of them). One server for the module, so the engine loads once.
"""

from __future__ import annotations

import io
import struct
import wave

import httpx
import numpy as np
import pytest

from service_harness import assert_not_held_up, health_during, voice_server
from asr_support import FIXTURES, manifest
from voice.audio.wav import encode_wav, read_wav_file

WAV = {"Content-Type": "audio/wav"}
NO = "yesno/no__pyttsx3-en-us+f2.wav"
YES = "yesno/yes__flite-awb.wav"
UNSURE = "yesno/i-don-t-know__flite-kal.wav"
WEEKS_28 = "weeks/twenty-eight-weeks__flite-awb.wav"
OPENING_FEVER = "opening/i-have-a-fever-and-chills__flite-rms.wav"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("audio-api")
    with voice_server(tmp, 30, BACKPAIN_ASR="pocketsphinx") as server:
        yield server


@pytest.fixture(scope="module")
def client(server):
    with server.client(timeout=60) as c:
        yield c


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def say(client, sid: str, body: bytes, headers=WAV) -> httpx.Response:
    return client.post(f"/v1/sessions/{sid}/audio", content=body, headers=headers)


def error_code(r: httpx.Response) -> str:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"} and body["error"]["message"]
    return body["error"]["code"]


def wav_bytes(pcm: bytes, *, rate=16000, channels=1, bits=16, tag=1, data_size=None, block_align=None) -> bytes:
    frame = channels * bits // 8
    size = len(pcm) if data_size is None else data_size
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * frame, frame if block_align is None else block_align, bits)
    return b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt \
        + b"data" + struct.pack("<I", size) + pcm


def speech_at(rate: int, channels: int = 1, as_float: bool = False) -> bytes:
    """The 'yes' fixture resampled/widened, to prove odd-but-valid formats are converted."""
    import soxr

    x = np.frombuffer(read_wav_file(FIXTURES / YES), "<i2").astype(np.float32) / 32768
    y = soxr.resample(x, 16000, rate)
    if channels == 2:
        y = np.stack([y, y], axis=1).reshape(-1)
    if as_float:
        return wav_bytes(y.astype("<f4").tobytes(), rate=rate, channels=channels, bits=32, tag=3)
    return wav_bytes((y * 32767).astype("<i2").tobytes(), rate=rate, channels=channels)


def test_ready_only_with_the_recogniser_and_it_is_named_in_metrics(client):
    assert client.get("/readyz").json() == {"status": "ready"}
    assert 'backpain_asr_engine_info{engine="pocketsphinx"' in client.get("/metrics").text


@pytest.mark.parametrize("name,urgency,reason", [
    ("self_care", "self_care", None),
    ("fever_kidney", "urgent", "fever"),
    ("emergency_opening", "emergency", "heavy_bleeding"),
])
def test_whole_conversation_by_voice(client, name, urgency, reason):
    reply = client.post("/v1/sessions").json()
    sid = reply["session_id"]
    turns = 0
    for f in manifest()["conversations"][name]:
        if reply["done"]:
            break
        r = say(client, sid, fixture(f))
        assert r.status_code == 200, r.text
        reply = r.json()
        turns += 1
        assert isinstance(reply["transcript"], str) and reply["session_id"] == sid
    assert reply["done"], f"not finished after {turns} turns: {reply['say']}"
    assert reply["triage"]["urgency"] == urgency
    if reason:
        assert reason in reply["triage"]["reasons"]
    assert client.get(f"/v1/sessions/{sid}").json()["triage"] == reply["triage"]


def test_answers_land_in_the_slots_being_asked(client):
    sid = client.post("/v1/sessions").json()["session_id"]
    opening = say(client, sid, fixture(OPENING_FEVER)).json()
    assert opening["transcript"] == "i have a fever and chills"  # free speech at the open question
    assert opening["slots"]["fever"] == "yes"
    assert opening["asking"] == ["vaginal_bleeding", "fluid_leak"] and opening["expecting"] == "yes_no"

    no = say(client, sid, fixture(NO)).json()
    assert no["transcript"] == "no"
    assert no["slots"]["vaginal_bleeding"] == no["slots"]["fluid_leak"] == "no"
    group = no["asking"]
    assert group == ["saddle_numbness", "bladder_bowel"]

    yes = say(client, sid, fixture(YES)).json()  # yes to a group: it asks sign by sign
    assert yes["transcript"] == "yes" and yes["asking"] == ["saddle_numbness"]
    assert yes["slots"]["saddle_numbness"] is None and yes["slots"]["bladder_bowel"] is None

    yes = say(client, sid, fixture(YES)).json()
    assert yes["slots"]["saddle_numbness"] == "yes" and yes["slots"]["bladder_bowel"] is None
    assert yes["done"] and yes["triage"]["urgency"] == "emergency"  # a cauda equina sign
    assert "saddle_numbness" in yes["triage"]["reasons"]


def test_weeks_and_unsure_by_voice(client):
    sid = client.post("/v1/sessions").json()["session_id"]
    reply = client.post(f"/v1/sessions/{sid}/text", json={"text": "my back hurts"}).json()
    for _ in range(10):  # "no" until the weeks question
        if reply["expecting"] == "weeks":
            break
        reply = say(client, sid, fixture(NO)).json()
    assert reply["expecting"] == "weeks"
    reply = say(client, sid, fixture(WEEKS_28)).json()
    assert reply["transcript"] == "twenty eight weeks" and reply["slots"]["weeks"] == 28
    asked = reply["asking"]
    reply = say(client, sid, fixture(UNSURE)).json()  # "I don't know": asked again, plainer
    assert reply["transcript"] == "i don't know" and reply["asking"] == asked
    assert all(reply["slots"][s] is None for s in asked)


def test_silence_is_a_turn_that_asks_again(client):
    sid = client.post("/v1/sessions").json()["session_id"]
    quiet = encode_wav(b"\x00\x00" * 32000)  # two seconds of nothing
    reply = say(client, sid, quiet).json()
    assert reply["transcript"] == "" and reply["expecting"] == "free_text"
    assert "didn't hear" in reply["say"] or "didn't catch" in reply["say"]
    reply = client.post(f"/v1/sessions/{sid}/text", json={"text": "my back hurts"}).json()
    reply = say(client, sid, quiet).json()
    assert reply["transcript"] == "" and "didn't catch" in reply["say"]
    assert all(v is None for k, v in reply["slots"].items() if k in reply["asking"])  # never a guessed answer


def _bad_audio() -> dict[str, tuple[bytes, dict, int, str]]:
    good = fixture(YES)
    ten_minutes_8k = wav_bytes(b"\x80" * (8000 * 600), rate=8000, bits=8)  # 4.8 MB: under the body limit
    return {
        "text, not audio": (b"hello, is this thing on?", WAV, 415, "unsupported_media_type"),
        "an mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(500), WAV, 415, "unsupported_media_type"),
        "json sent as wav": (b'{"text": "no"}', WAV, 415, "unsupported_media_type"),
        "empty body": (b"", WAV, 422, "empty_audio"),
        "header, no samples": (wav_bytes(b""), WAV, 422, "empty_audio"),
        "truncated": (good[:2000], WAV, 400, "bad_audio"),
        "cut inside the header": (good[:30], WAV, 400, "bad_audio"),
        "no fmt chunk": (b"RIFF\x10\x00\x00\x00WAVEdata\x04\x00\x00\x00\x00\x00\x00\x00", WAV, 400, "bad_audio"),
        "inconsistent block align": (wav_bytes(bytes(3200), block_align=7), WAV, 400, "bad_audio"),
        "big-endian RIFX": (b"RIFX" + good[4:], WAV, 415, "unsupported_media_type"),
        "a-law": (wav_bytes(bytes(8000), rate=8000, bits=8, tag=6), WAV, 415, "unsupported_media_type"),
        "mp3 inside wav": (wav_bytes(bytes(8000), tag=0x55), WAV, 415, "unsupported_media_type"),
        "12-bit": (wav_bytes(bytes(3200), bits=12, block_align=2), WAV, 415, "unsupported_media_type"),
        "three channels": (wav_bytes(bytes(9600), channels=3), WAV, 415, "unsupported_media_type"),
        "zero channels": (wav_bytes(bytes(3200), channels=0, block_align=0), WAV, 400, "bad_audio"),
        "rate 0 Hz": (wav_bytes(bytes(3200), rate=0), WAV, 415, "unsupported_media_type"),
        "rate 4 kHz": (wav_bytes(bytes(3200), rate=4000), WAV, 415, "unsupported_media_type"),
        "rate 96 kHz": (wav_bytes(bytes(3200), rate=96000), WAV, 415, "unsupported_media_type"),
        "ten minutes of silence": (ten_minutes_8k, WAV, 413, "audio_too_long"),
        "61 s at 16 kHz": (encode_wav(bytes(2 * 16000 * 61)), WAV, 413, "audio_too_long"),
        "content type json": (good, {"Content-Type": "application/json"}, 415, "unsupported_media_type"),
        "content type octet-stream": (good, {"Content-Type": "application/octet-stream"}, 415,
                                      "unsupported_media_type"),
        "content type mpeg": (good, {"Content-Type": "audio/mpeg"}, 415, "unsupported_media_type"),
        "content type form": (good, {"Content-Type": "application/x-www-form-urlencoded"}, 415,
                              "unsupported_media_type"),
        "no content type": (good, {"Content-Type": ""}, 415, "unsupported_media_type"),
    }


BAD = _bad_audio()


def test_bad_audio_gets_4xx_json_and_the_conversation_goes_on(client, server):
    sid = client.post("/v1/sessions").json()["session_id"]
    before = client.post(f"/v1/sessions/{sid}/text", json={"text": "my back hurts"}).json()
    wrong = {}
    for what, (body, headers, status, code) in BAD.items():
        r = say(client, sid, body, headers)
        if r.status_code != status or error_code(r) != code:
            wrong[what] = (r.status_code, r.text[:200])
    assert not wrong, wrong
    assert client.get(f"/v1/sessions/{sid}").json() == before  # nothing above was a turn
    after = say(client, sid, fixture(NO)).json()
    assert after["transcript"] == "no" and after["slots"]["vaginal_bleeding"] == "no"
    logs = server.logs()
    assert "Traceback" not in logs and " 500" not in logs


def test_a_body_over_ten_megabytes_is_413(client):
    sid = client.post("/v1/sessions").json()["session_id"]
    ten_minutes = encode_wav(bytes(2 * 16000 * 600))  # 19 MB: refused from Content-Length
    try:
        r = say(client, sid, ten_minutes)
    except httpx.TransportError:  # the server may close before the body is sent; it must not crash
        r = None
    if r is not None:
        assert r.status_code == 413 and error_code(r) == "payload_too_large"
    assert say(client, sid, fixture(NO)).status_code == 200


@pytest.mark.parametrize("rate,channels,as_float", [(8000, 1, False), (11025, 1, False), (22050, 2, False),
                                                    (44100, 2, False), (48000, 1, True)])
def test_odd_but_valid_formats_are_converted(client, rate, channels, as_float):
    sid = client.post("/v1/sessions").json()["session_id"]
    client.post(f"/v1/sessions/{sid}/text", json={"text": "my back hurts"})
    r = say(client, sid, speech_at(rate, channels, as_float), {"Content-Type": "audio/x-wav"})
    assert r.status_code == 200, r.text
    heard = r.json()["transcript"]
    if rate >= 16000:
        assert heard == "yes"
    else:  # narrowband loses the consonants' energy: not always understood, never a "no"
        assert heard in ("", "yes", "yeah", "yep", "yes i am")


def test_content_type_variants(client):
    sid = client.post("/v1/sessions").json()["session_id"]
    for ctype in ("audio/wav", "audio/x-wav", "audio/wave", "Audio/WAV; codecs=1"):
        assert say(client, sid, encode_wav(bytes(3200)), {"Content-Type": ctype}).status_code == 200, ctype


def test_unknown_session_is_404_before_the_audio_is_looked_at(client):
    for sid in ("does-not-exist", "a" * 300, "bad%20id"):
        r = say(client, sid, b"not even audio")
        assert r.status_code == 404 and error_code(r) == "session_not_found"
    sid = client.post("/v1/sessions").json()["session_id"]
    assert client.delete(f"/v1/sessions/{sid}").status_code == 204
    assert error_code(say(client, sid, fixture(NO))) == "session_not_found"
    assert error_code(client.get(f"/v1/sessions/{sid}/speech")) == "session_not_found"


def test_speech_is_the_latest_reply_as_16_bit_wav(client):
    sid = client.post("/v1/sessions").json()["session_id"]
    r = client.get(f"/v1/sessions/{sid}/speech")
    assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
    assert "no-store" in r.headers.get("cache-control", "")
    with wave.open(io.BytesIO(r.content)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1 and w.getframerate() >= 8000
        greeting_seconds = w.getnframes() / w.getframerate()
    assert greeting_seconds > 5  # the greeting is several sentences
    assert client.get(f"/v1/sessions/{sid}/speech").content == r.content  # same reply, same audio (cached)

    say(client, sid, fixture(OPENING_FEVER))
    r2 = client.get(f"/v1/sessions/{sid}/speech")
    assert r2.status_code == 200 and r2.content != r.content
    with wave.open(io.BytesIO(r2.content)) as w:
        assert w.getsampwidth() == 2 and 1 < w.getnframes() / w.getframerate() < greeting_seconds
    assert error_code(client.get("/v1/sessions/nope/speech")) == "session_not_found"


def test_the_server_answers_other_requests_while_recognising(client):
    """Recognition runs in the threadpool: /healthz does not wait for a long upload."""
    sid = client.post("/v1/sessions").json()["session_id"]
    pcm = b"".join(read_wav_file(FIXTURES / f) for f in manifest()["conversations"]["self_care"][:1] * 4)
    long_turn = encode_wav(pcm)  # ~8 s of free speech at the open question
    worst, done = health_during(client, sid, long_turn)
    assert_not_held_up(worst, done)


def test_openapi_documents_audio_and_speech(client):
    spec = client.get("/openapi.json").json()
    audio = spec["paths"]["/v1/sessions/{session_id}/audio"]["post"]
    content = audio["requestBody"]["content"]
    assert content["audio/wav"]["schema"] == {"type": "string", "format": "binary"}
    assert {"200", "400", "404", "413", "415", "422"} <= set(audio["responses"])
    assert "Reply" in str(audio["responses"]["200"]) and "ErrorBody" in str(audio["responses"]["415"])
    speech = spec["paths"]["/v1/sessions/{session_id}/speech"]["get"]
    assert "audio/wav" in speech["responses"]["200"]["content"] and "404" in speech["responses"]


def test_a_killed_recogniser_worker_is_replaced(client, server):
    import os
    import signal
    from pathlib import Path

    workers = []
    for child in Path("/proc").glob("[0-9]*"):
        try:
            stat = (child / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (child / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat[1]) == server.proc.pid and b"spawn_main" in cmd:
            workers.append(int(child.name))
    if not workers:
        pytest.skip("the recogniser runs in the server process (BACKPAIN_ASR_WORKERS=0 or Vosk)")
    sid = client.post("/v1/sessions").json()["session_id"]
    client.post(f"/v1/sessions/{sid}/text", json={"text": "my back hurts"})
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    r = say(client, sid, fixture(NO))
    assert r.status_code == 200 and r.json()["transcript"] == "no"
