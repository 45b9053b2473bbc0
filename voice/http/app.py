"""The HTTP skill service (interface.md, "HTTP API"): the app's wiring, and nothing else.

What a route needs lives on `app.state` (voice/http/dependencies.py reads it from there):
the service, the recogniser, the audio gate, the speech cache, and the readiness checks.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager

from fastapi import FastAPI

from voice.asr.runtime import Recognizer, load_in_background
from voice.audio.speech_cache import SpeechCache
from voice.http import errors
from voice.http.audio_gate import AudioGate
from voice.http.middleware.access_log import AccessLog
from voice.http.middleware.limits import BodySizeLimit
from voice.http.middleware.ratelimit import RateLimit
from voice.http.middleware.security import BearerAuth, install_cors
from voice.http.middleware.turn_timer import TurnTimer
from voice.http.routes import audio, health, metrics, page, sessions, speech
from voice.service import SkillService


def create_app(service: SkillService | None = None, recognizer: Recognizer | None = None) -> FastAPI:
    """The app for `service` (default: a service with the default settings). `recognizer`:
    the speech recogniser audio turns use (default: one for the service's settings.asr,
    loaded at the first audio turn, or by `start_recognizer` for `backpain serve`)."""
    service = service or SkillService()
    settings = service.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = service.start_expiry()  # expired conversations go on a timer, not at the next write
        try:
            yield
        finally:
            stop.set()

    app = FastAPI(
        lifespan=lifespan,
        strict_content_type=False,  # a JSON body without Content-Type is read as JSON (middleware/limits.py)
        title="Back pain in pregnancy: red-flag check",
        version="1.0",
        description="Text (and voice) interface of the local back-pain triage skill. "
        "It is not a doctor: in an emergency, call the emergency number.",
        docs_url=None,  # /docs comes from routes/page.py, its assets served here; no /redoc
        redoc_url=None,
    )
    app.router.redirect_slashes = False  # "/healthz/" is a 404 JSON error, never a redirect to a Host header
    app.state.service = service
    app.state.recognizer = recognizer or Recognizer(settings.asr)
    # the bound on uploads in flight, and as many decoding threads as the recogniser has workers
    app.state.audio_gate = AudioGate(settings.audio_in_flight, slots=max(1, settings.asr.workers))
    app.state.speech_cache = SpeechCache(settings.tts)
    # /readyz answers 200 when every check returns True; start_recognizer adds the recogniser's
    app.state.readiness = [service.store.ping]

    # middleware, innermost first: limits, turn timing, token, rate limit, CORS, access log (outermost)
    app.add_middleware(BodySizeLimit, timeout=settings.request_timeout)
    app.add_middleware(TurnTimer)
    if settings.api_token:
        app.add_middleware(BearerAuth, token=settings.api_token)
    app.add_middleware(RateLimit, rate=settings.rate_limit, burst=settings.rate_burst,
                       include_loopback=settings.rate_limit_loopback)
    install_cors(app, settings.cors_origins)
    app.add_middleware(AccessLog)  # outermost: every answer is logged, with no session id and no query
    errors.install(app)
    errors.redact_tracebacks(not settings.log_transcripts)

    for routes in (health, metrics, sessions, audio, speech, page):
        app.include_router(routes.router)
    return app


def start_recognizer(app: FastAPI) -> threading.Thread:
    """For `backpain serve`: load the app's recogniser now, in the background, and add a
    readiness check "recognizer_loaded" (so /readyz answers 503 until the model is in memory,
    which for a large Vosk model takes many seconds; /healthz answers meanwhile)."""
    recognizer: Recognizer = app.state.recognizer

    def recognizer_loaded() -> bool:
        return recognizer.loaded

    recognizer_loaded.__qualname__ = "recognizer_loaded"
    app.state.readiness.append(recognizer_loaded)
    return load_in_background(recognizer, app.state.service)
