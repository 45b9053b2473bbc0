"""Voice over HTTP: `POST /v1/sessions/{id}/audio`, one spoken turn.

The body is a WAV recording, recognised with the server's recogniser (voice/asr/runtime.py)
listening only for what the pending question accepts, then answered as the same text turn
(voice/service.py: SkillService.hear, then spoken_turn); the Reply carries `transcript`.
Speech that matches nothing comes back as transcript "" and is still a turn: the skill says
it did not catch that and asks again (never a guessed yes/no). Audio it cannot use is
refused with a 4xx JSON error and leaves the conversation exactly where it was.

The route is async: the body streams into a capped buffer and recognition runs on the audio
gate's own threads (voice/http/audio_gate.py: at most BACKPAIN_AUDIO_IN_FLIGHT uploads at
once, more get 503 asr_busy with Retry-After), so speech never takes the threads text turns,
new sessions and health checks are answered in. `If-Match: N` (the `turn` of the Reply
being answered) makes a retried upload safe: a stale one gets 409 turn_conflict.

Privacy: neither audio nor transcripts are stored or logged here; the transcript only
goes into the Reply that the caller receives (the session store never holds it).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from models import ErrorBody, Reply
from voice.asr import Recognition
from voice.asr.runtime import Recognizer, lower_priority
from voice.audio.wav import AudioError, decode_wav
from voice.http.audio_gate import drain, read_capped
from voice.http.dependencies import AudioGateDep, RecognizerDep, ServiceDep
from voice.http.errors import ERROR_RESPONSES, ApiError
from voice.service import SkillService, check_turn, reply_body

WAV_TYPES = ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave")
BINARY = {"schema": {"type": "string", "format": "binary"}}

AUDIO_ERRORS = {
    **ERROR_RESPONSES,
    400: {"model": ErrorBody, "description": "The WAV file is damaged or truncated (`bad_audio`)"},
    413: {"model": ErrorBody, "description": "Recording longer than 60 s (`audio_too_long`) or body over 10 MB"},
    415: {"model": ErrorBody, "description": "Not a WAV body, or a WAV encoding/rate/channel count we do not take "
                                             "(8-48 kHz, mono or stereo, PCM or float)"},
    422: {"model": ErrorBody, "description": "Empty recording (`empty_audio`), or an If-Match that is no turn number"},
    503: {"model": ErrorBody, "description": "Speech recognition is not available on this server (`asr_unavailable`), "
                                             "or busy with as many recordings as it takes at once (`asr_busy`, see "
                                             "Retry-After), or the store cannot write (`store_unavailable`)"},
}

router = APIRouter(tags=["voice"])


@router.post(
    "/v1/sessions/{session_id}/audio",
    response_model=Reply,
    responses=AUDIO_ERRORS,
    summary="One spoken turn (WAV in, Reply with transcript out)",
    description=(
        "The body is the person's answer recorded as a WAV file (`Content-Type: audio/wav`; "
        "`audio/x-wav` and `audio/wave` are accepted too). Any PCM or float WAV of 8-48 kHz, mono "
        "or stereo, up to 60 s is converted to 16 kHz mono; 16 kHz 16-bit mono is best. The speech "
        "is recognised against what the pending question accepts; `transcript` is what was heard, "
        "\"\" when nothing usable was (the skill then asks again). Audio is not stored."
    ),
    openapi_extra={"requestBody": {"required": True, "content": {t: BINARY for t in WAV_TYPES[:3]}},
                   "parameters": [{"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
                                   "description": "optional: the `turn` of the Reply this recording answers (e.g. "
                                                  "`3`); a stale one gets 409 `turn_conflict` with the current Reply"}]},
)
async def audio_turn(session_id: str, request: Request, service: ServiceDep, recognizer: RecognizerDep,
                     gate: AudioGateDep):
    _check_wav_type(request)  # 415, body unread
    try:
        expected = _if_match(request)
        latest = await run_in_threadpool(service.latest, session_id)  # 404 before any decoding
        check_turn(latest, expected)  # a stale retry: 409 at once, nothing decoded
        if not gate.enter():
            raise gate.busy()
    except Exception:
        await drain(request)  # dropped as it streams in: the client reads the answer, memory stays flat
        raise
    try:
        body = await read_capped(request)
        heard = await gate.run(_hear, service, recognizer, body, latest)
        del body
        # a session deleted while we were listening: SessionNotFound, a 404 (voice/http/errors.py)
        reply = await run_in_threadpool(service.spoken_turn, session_id, heard, recognizer.name, expected)
    finally:
        gate.leave()
    return JSONResponse(reply_body(reply))


def _hear(service: SkillService, recognizer: Recognizer, body: bytes, latest: Reply) -> Recognition:
    """On the audio gate's threads: the WAV decoded and heard for the pending question."""
    lower_priority()
    try:
        pcm = decode_wav(body)
    except AudioError as e:
        raise ApiError(e.status, e.code, e.message) from None
    engine = recognizer.engine(service)  # RecognizerUnavailable: 503 asr_unavailable
    try:
        return service.hear(engine, pcm, latest)
    except ValueError as e:  # e.g. a Vosk model that knows none of the question's words
        raise ApiError(503, "asr_unavailable", f"Speech recognition cannot listen for this question: {e}") from None


def _check_wav_type(request: Request) -> None:
    """415 unless the declared type is a WAV one (the body is not read then).
    The size and time limits are enforced by BodySizeLimit (voice/http/middleware/limits.py)."""
    ctype = request.headers.get("content-type", "")
    media = ctype.split(";", 1)[0].strip().lower()
    if media not in WAV_TYPES:
        shown = f"Content-Type {media!r}" if media else "no Content-Type"
        raise ApiError(415, "unsupported_media_type",
                       f"This endpoint takes a WAV recording (16-bit PCM, 16 kHz mono is best) "
                       f"sent as Content-Type: audio/wav; the request had {shown}.")


def _if_match(request: Request) -> int | None:
    """`If-Match: 3` (or `"3"`, `W/"3"`): the turn of the Reply this recording answers."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip()
    value = value[2:] if value.startswith("W/") else value
    value = value.strip('"')
    if not value.isdigit() or len(value) > 9:
        raise ApiError(422, "invalid_request", f"If-Match: expected the turn of the reply this answers, e.g. "
                                               f"If-Match: 3, not {raw[:20]!r}.")
    return int(value)
