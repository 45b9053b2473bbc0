"""`GET /v1/sessions/{id}/speech`: the latest reply, spoken (WAV).

Synthesis is cached per session and text (voice/audio/speech_cache.py), in memory only
and bounded, so a client that fetches the same reply twice pays once.
"""

from __future__ import annotations

import subprocess

from fastapi import APIRouter
from fastapi.responses import Response

from models import ErrorBody
from voice.http.dependencies import ServiceDep, SettingsDep, SpeechCacheDep
from voice.http.errors import ApiError
from voice.http.routes.audio import AUDIO_ERRORS, BINARY

SPEECH_ERRORS = {k: AUDIO_ERRORS[k] for k in (401, 404, 429)}
SPEECH_ERRORS[503] = {"model": ErrorBody, "description": "Speech synthesis is not available on this server"}

router = APIRouter(tags=["voice"])


@router.get(
    "/v1/sessions/{session_id}/speech",
    response_class=Response,
    responses={200: {"content": {"audio/wav": BINARY},
                     "description": "The latest reply's `say`, spoken: a 16-bit mono WAV file"},
               **SPEECH_ERRORS},
    summary="The latest reply, spoken (WAV)",
    description="Text to speech of the latest reply's `say` (phone numbers read digit by digit). "
                "Settings: BACKPAIN_TTS_RATE (words per minute), BACKPAIN_TTS_VOICE.",
)
def speech(session_id: str, service: ServiceDep, settings: SettingsDep, cache: SpeechCacheDep):
    from voice.audio.tts import synthesize  # loaded on first use: a text-only service never needs it

    latest = service.latest(session_id)  # SessionNotFound: a 404 (voice/http/errors.py)
    key = cache.key(session_id, latest.say)
    wav = cache.get(key)
    if wav is None:
        try:
            wav = synthesize(latest.say, tts=settings.tts)
        except (RuntimeError, OSError) as e:
            raise ApiError(503, "tts_unavailable", f"Speech synthesis is not available on this server: {e}") from None
        except subprocess.SubprocessError:  # espeak-ng failed or timed out
            raise ApiError(503, "tts_unavailable", "Speech synthesis failed on this server.") from None
        cache.put(key, wav)
    # health data: no shared caches may keep it
    return Response(wav, media_type="audio/wav", headers={"Cache-Control": "no-store"})
