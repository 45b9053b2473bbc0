"""The HTTP skill service (interface.md, "HTTP API")."""

from __future__ import annotations

from typing import Optional

from fastapi import Body, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from models import ErrorBody, Reply, StartRequest, TextRequest
from voice import errors
from voice.errors import ApiError
from voice.limits import BodySizeLimit
from voice.service import SessionNotFound, SkillService

ERROR_RESPONSES = {
    400: {"model": ErrorBody, "description": "Malformed request"},
    404: {"model": ErrorBody, "description": "Unknown or deleted session"},
    413: {"model": ErrorBody, "description": "Request body too large"},
    422: {"model": ErrorBody, "description": "Invalid request"},
}


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
    )
    app.state.service = service
    app.add_middleware(BodySizeLimit)
    errors.install(app)

    def not_found(session_id: str) -> ApiError:
        return ApiError(404, "session_not_found", "No such session. It may have ended or been deleted; start a new one with POST /v1/sessions.")

    @app.get("/healthz", tags=["service"])
    def healthz():
        return {"status": "ok"}

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

    return app
