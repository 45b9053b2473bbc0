"""The HTTP skill service (interface.md, "HTTP API")."""

from __future__ import annotations

from typing import Optional

from fastapi import Body, FastAPI
from fastapi.responses import JSONResponse, Response

from models import ErrorBody, Reply, StartRequest, TextRequest
from voice import errors, metrics
from voice.errors import ERROR_RESPONSES, ApiError, error_response
from voice.limits import BodySizeLimit
from voice.ratelimit import RateLimit
from voice.security import BearerAuth, install_cors
from voice.service import SessionNotFound, SkillService



def reply_json(reply: Reply, status: int = 200) -> JSONResponse:
    body = reply.model_dump(mode="json")
    if body.get("transcript") is None:
        body.pop("transcript", None)  # audio turns only (interface.md)
    return JSONResponse(body, status_code=status)


def create_app(service: SkillService | None = None) -> FastAPI:
    service = service or SkillService()
    app = FastAPI(
        title="Back pain in pregnancy: red-flag check",
        version="1.0",
        description="Text (and voice) interface of the local back-pain triage skill. "
        "It is not a doctor: in an emergency, call the emergency number.",
        docs_url=None,  # /docs comes from voice.page, its assets served here; no /redoc
        redoc_url=None,
    )
    app.state.service = service
    settings = service.settings
    # middleware, innermost first: limits, turn timing, token, rate limit, CORS (outermost)
    app.add_middleware(BodySizeLimit, timeout=settings.request_timeout)
    app.add_middleware(metrics.TurnTimer)
    if settings.api_token:
        app.add_middleware(BearerAuth, token=settings.api_token)
    app.add_middleware(RateLimit, rate=settings.rate_limit, burst=settings.rate_burst,
                       include_loopback=settings.rate_limit_loopback)
    install_cors(app, settings.cors_origins)
    errors.install(app)
    errors.redact_tracebacks(not settings.log_transcripts)
    # /readyz answers 200 when every check returns True; the recogniser check is appended
    # where the engine is loaded (app.state.readiness.append(lambda: engine_ready))
    app.state.readiness = [service.store.ping]

    def not_found(session_id: str) -> ApiError:
        return ApiError(404, "session_not_found", "No such session. It may have ended or been deleted; start a new one with POST /v1/sessions.")

    @app.get("/healthz", tags=["service"])
    def healthz():
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

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics():
        body, content_type = metrics.render()
        return Response(body, media_type=content_type)

    @app.post("/v1/sessions", status_code=201, response_model=Reply, responses=ERROR_RESPONSES, tags=["sessions"])
    def create_session(body: Optional[StartRequest] = Body(None)):
        reply = service.start(body.weeks if body else None)
        return reply_json(reply, 201)

    @app.post("/v1/sessions/{session_id}/text", response_model=Reply, responses=ERROR_RESPONSES, tags=["sessions"])
    def text_turn(session_id: str, body: TextRequest):
        try:
            return reply_json(service.turn(session_id, body.text))
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

    from voice.audio_routes import router as voice_router  # POST .../audio, GET .../speech

    app.include_router(voice_router)
    from voice.page import install_page  # GET /: the skill's page; /docs, offline

    install_page(app)
    return app
