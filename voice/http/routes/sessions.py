"""Conversations and typed turns: POST /v1/sessions, POST .../text, GET and DELETE a session."""

from __future__ import annotations

from typing import Annotated, Optional

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse, Response
from pydantic import BeforeValidator, Field

from models import Reply, StartRequest, TextRequest
from voice.http.dependencies import ServiceDep
from voice.http.errors import ERROR_RESPONSES
from voice.service import reply_body

router = APIRouter(tags=["sessions"])


def _whole(value):
    """JSON has one number type: 3.0 is the turn 3 (a bool or a string is still refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class TurnTextRequest(TextRequest):
    turn: Annotated[Optional[int], BeforeValidator(_whole)] = Field(
        None, ge=0, le=10**9,
        description="the `turn` of the Reply this answers (optional); a stale one gets 409 turn_conflict with the "
                    "current Reply, so a retry never answers twice")


@router.post("/v1/sessions", status_code=201, response_model=Reply, responses=ERROR_RESPONSES)
def create_session(service: ServiceDep, body: Optional[StartRequest] = Body(None)):
    reply = service.start(body.weeks if body else None)
    return JSONResponse(reply_body(reply), status_code=201)


# an unknown session (SessionNotFound) is a 404 and a stale `turn` (TurnConflict) a 409,
# from the error handlers (voice/http/errors.py)

@router.post("/v1/sessions/{session_id}/text", response_model=Reply, responses=ERROR_RESPONSES)
def text_turn(session_id: str, body: TurnTextRequest, service: ServiceDep):
    return JSONResponse(reply_body(service.turn(session_id, body.text, expected_turn=body.turn)))


@router.get("/v1/sessions/{session_id}", response_model=Reply, responses=ERROR_RESPONSES)
def latest_reply(session_id: str, service: ServiceDep):
    return JSONResponse(reply_body(service.latest(session_id)))


@router.delete("/v1/sessions/{session_id}", status_code=204, responses=ERROR_RESPONSES)
def delete_session(session_id: str, service: ServiceDep):
    service.delete(session_id)
    return Response(status_code=204)
