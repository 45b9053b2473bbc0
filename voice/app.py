"""The HTTP skill service (interface.md, "HTTP API")."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated, Optional

from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse, Response
from pydantic import BeforeValidator, Field

from models import ErrorBody, Reply, StartRequest, TextRequest
from voice import errors, metrics
from voice.access_log import AccessLog
from voice.errors import ERROR_RESPONSES, ApiError, error_response
from voice.limits import BodySizeLimit
from voice.ratelimit import RateLimit
from voice.security import BearerAuth, install_cors
from voice.service import SessionNotFound, SkillService


def _whole(value):
    """JSON has one number type: 3.0 is the turn 3 (a bool or a string is still refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class TurnTextRequest(TextRequest):
    turn: Annotated[Optional[int], BeforeValidator(_whole)] = Field(
        None, ge=0, le=10**9,
        description="the `turn` of the Reply this answers (optional); a stale one gets 409 turn_conflict with the "
                    "current Reply, so a retry never answers twice")


def reply_json(reply: Reply, status: int = 200) -> JSONResponse:
    body = reply.model_dump(mode="json")
    if body.get("transcript") is None:
        body.pop("transcript", None)  # audio turns only (interface.md)
    return JSONResponse(body, status_code=status)


def create_app(service: SkillService | None = None) -> FastAPI:
    service = service or SkillService()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = service.start_expiry()  # expired conversations go on a timer, not at the next write
        try:
            yield
        finally:
            stop.set()

    app = FastAPI(
        lifespan=lifespan,
        strict_content_type=False,  # a JSON body without Content-Type is read as JSON (voice/limits.py)
        title="Back pain in pregnancy: red-flag check",
        version="1.0",
        description="Text (and voice) interface of the local back-pain triage skill. "
        "It is not a doctor: in an emergency, call the emergency number.",
        docs_url=None,  # /docs comes from voice.page, its assets served here; no /redoc
        redoc_url=None,
    )
    app.router.redirect_slashes = False  # "/healthz/" is a 404 JSON error, never a redirect to a Host header
    app.state.service = service
    settings = service.settings
    # middleware, innermost first: limits, turn timing, token, rate limit, CORS, access log (outermost)
    app.add_middleware(BodySizeLimit, timeout=settings.request_timeout)
    app.add_middleware(metrics.TurnTimer)
    if settings.api_token:
        app.add_middleware(BearerAuth, token=settings.api_token)
    app.add_middleware(RateLimit, rate=settings.rate_limit, burst=settings.rate_burst,
                       include_loopback=settings.rate_limit_loopback)
    install_cors(app, settings.cors_origins)
    app.add_middleware(AccessLog)  # outermost: every answer is logged, with no session id and no query
    errors.install(app)
    errors.redact_tracebacks(not settings.log_transcripts)
    # /readyz answers 200 when every check returns True; the recogniser check is appended
    # where the engine is loaded (app.state.readiness.append(lambda: engine_ready))
    app.state.readiness = [service.store.ping]

    def not_found(session_id: str) -> ApiError:
        return ApiError(404, "session_not_found", "No such session. It may have ended or been deleted; start a new one with POST /v1/sessions.")

    @app.get("/healthz", tags=["service"])
    async def healthz():  # async: answered on the event loop, whatever the thread pools are doing
        return {"status": "ok"}

    @app.get("/readyz", tags=["service"], responses={503: {"model": ErrorBody, "description": "Not ready yet"}})
    def readyz():
        failed = []
        for check in list(app.state.readiness):
            try:
                ok = bool(check())
            except Exception:
                ok = False
            if not ok:
                failed.append(getattr(check, "__qualname__", None) or type(check).__name__)
        if failed:
            return error_response(503, "not_ready", "Not ready: " + ", ".join(failed), headers={"Retry-After": "1"})
        return {"status": "ready"}

    for path, endpoint in (("/healthz", healthz), ("/readyz", readyz)):  # HEAD too: monitors and load balancers
        app.add_api_route(path, endpoint, methods=["HEAD"], include_in_schema=False)

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics():
        # without a token anyone on this machine may scrape: health figures are left out then
        body, content_type = metrics.render(health=bool(settings.api_token))
        return Response(body, media_type=content_type)

    @app.post("/v1/sessions", status_code=201, response_model=Reply, responses=ERROR_RESPONSES, tags=["sessions"])
    def create_session(body: Optional[StartRequest] = Body(None)):
        reply = service.start(body.weeks if body else None)
        return reply_json(reply, 201)

    @app.post("/v1/sessions/{session_id}/text", response_model=Reply, responses=ERROR_RESPONSES, tags=["sessions"])
    def text_turn(session_id: str, body: TurnTextRequest):
        try:
            return reply_json(service.turn(session_id, body.text, expected_turn=body.turn))
        except SessionNotFound:
            raise not_found(session_id)

    @app.get("/v1/sessions/{session_id}", response_model=Reply, responses=ERROR_RESPONSES, tags=["sessions"])
    def latest_reply(session_id: str):
        try:
            return reply_json(service.latest(session_id))
        except SessionNotFound:
            raise not_found(session_id)

    @app.delete("/v1/sessions/{session_id}", status_code=204, responses=ERROR_RESPONSES, tags=["sessions"])
    def delete_session(session_id: str):
        try:
            service.delete(session_id)
        except SessionNotFound:
            raise not_found(session_id)
        return Response(status_code=204)

    from voice.audio_routes import install_audio_gate, router as voice_router  # POST .../audio, GET .../speech

    app.include_router(voice_router)
    install_audio_gate(app, settings.audio_in_flight)
    from voice.page import install_page  # GET /: the skill's page; /docs, offline

    install_page(app)
    return app
