"""Every error leaves the service as {"error": {"code", "message"}} with a 4xx status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from models import ErrorBody, Reply
from voice import metrics
from voice.asr.runtime import RecognizerTimeout, RecognizerUnavailable
from voice.http.middleware.access_log import short_path
from voice.service import SessionNotFound, TurnConflict, reply_body
from voice.store import SessionBusy, StoreUnavailable


class ConflictBody(ErrorBody):
    """409 turn_conflict: the error, and the current Reply (the question still to answer)."""

    reply: Reply


log = logging.getLogger("backpain")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    408: "request_timeout",
    409: "conflict",
    411: "length_required",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    503: "unavailable",
}


# OpenAPI documentation of the errors every /v1 endpoint may answer.
ERROR_RESPONSES = {
    400: {"model": ErrorBody, "description": "Malformed request"},
    401: {"model": ErrorBody, "description": "Missing or wrong API token (when BACKPAIN_API_TOKEN is set)"},
    404: {"model": ErrorBody, "description": "Unknown or deleted session"},
    408: {"model": ErrorBody, "description": "The request body arrived too slowly"},
    409: {"model": ConflictBody, "description": "`turn_conflict`: the `turn` sent is not the current one (the turn was "
                                             "already answered); the body's `reply` is the current Reply"},
    413: {"model": ErrorBody, "description": "Request body too large"},
    415: {"model": ErrorBody, "description": "The body is not JSON"},
    422: {"model": ErrorBody, "description": "Invalid request"},
    429: {"model": ErrorBody, "description": "Rate limit, or the conversation is busy with another request; see Retry-After"},
    503: {"model": ErrorBody, "description": "`store_unavailable`: conversations cannot be written now (disk full, "
                                             "read-only or locked database, Redis down); see Retry-After"},
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    metrics.error(code)
    if status == 503 and not any(k.lower() == "retry-after" for k in (headers or {})):
        headers = {**(headers or {}), "Retry-After": "5"}  # every 503 says when to try again
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _describe(exc: RequestValidationError) -> tuple[int, str, str]:
    errors = exc.errors()
    for err in errors:
        if err.get("type") in ("json_invalid", "json_type"):
            return 400, "invalid_json", "The request body is not valid JSON."
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    if first.get("type") == "missing" and where == "body":
        return 422, "invalid_request", "The request needs a JSON body."
    message = first.get("msg", "invalid request")
    return 422, "invalid_request", f"{where}: {message}"


class RedactTracebacks(logging.Filter):
    """Keeps exception details out of the server log: a traceback's messages can quote the
    request (what someone said about their health). Logs the type and where it was raised;
    `backpain serve --log-transcripts` (debugging only) keeps full tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            tb = exc.__traceback__
            where = ""
            while tb is not None:
                where = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
                tb = tb.tb_next
            record.msg = f"{record.getMessage()} [{type(exc).__name__} at {where}; details withheld]"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


_REDACT = RedactTracebacks()
_REDACTED_LOGGERS = ("uvicorn.error", "backpain")


def redact_tracebacks(on: bool = True) -> None:
    for name in _REDACTED_LOGGERS:
        logger = logging.getLogger(name)
        if on:
            if _REDACT not in logger.filters:
                logger.addFilter(_REDACT)
        else:
            logger.removeFilter(_REDACT)


def _every_route(routes):
    """The app's routes, those of included routers too (FastAPI keeps an included router as
    one entry, `original_router`, with no methods of its own; ours have no prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        yield from (_every_route(inner.routes) if inner is not None else (route,))


def _allowed_methods(request: Request) -> list[str]:
    allowed: set[str] = set()
    for route in _every_route(request.app.router.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            allowed |= set(getattr(route, "methods", None) or ())
    return sorted(allowed)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return error_response(*_describe(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 400 and message == "There was an error parsing the body":
            # FastAPI's words for a body json.loads cannot even decode (e.g. invalid UTF-8)
            code, message = "invalid_json", "The request body could not be read as JSON (UTF-8)."
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            # Starlette names only the first route's methods; list every route on this path
            headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
        return error_response(exc.status_code, code, message, headers=headers)

    @app.exception_handler(SessionNotFound)
    async def _no_session(request: Request, exc: SessionNotFound):
        return error_response(404, "session_not_found", "No such session. It may have ended or been deleted; start a "
                                                        "new one with POST /v1/sessions.")

    @app.exception_handler(RecognizerUnavailable)
    async def _no_asr(request: Request, exc: RecognizerUnavailable):
        return error_response(503, "asr_unavailable", f"Speech recognition is not available on this server: {exc}. "
                                                      "Text turns still work (POST .../text).")

    @app.exception_handler(RecognizerTimeout)
    async def _asr_stuck(request: Request, exc: RecognizerTimeout):
        # a 60 s recording decodes in well under a minute; something is stuck
        return error_response(503, "asr_unavailable", "Speech recognition is overloaded; try again.")

    @app.exception_handler(SessionBusy)
    async def _busy(request: Request, exc: SessionBusy):
        # another request holds this conversation (parallel turns of one session): retry
        return error_response(429, "session_busy", "This conversation is busy with another request; try again.",
                              headers={"Retry-After": "1"})

    @app.exception_handler(TurnConflict)
    async def _conflict(request: Request, exc: TurnConflict):
        # a retry of a turn that was answered, or an answer to a reply that is not the latest
        reply = reply_body(exc.current)
        metrics.error("turn_conflict")
        return JSONResponse({"error": {"code": "turn_conflict",
                                       "message": f"This answers turn {exc.sent}, but the conversation is at turn "
                                                  f"{exc.current.turn}: it was not applied. The current reply is in "
                                                  f"'reply'."},
                             "reply": reply}, status_code=409)

    @app.exception_handler(StoreUnavailable)
    async def _store_down(request: Request, exc: StoreUnavailable):
        # not the client's doing: the session store cannot be reached; the one 5xx we answer on purpose
        log.error("session store unavailable: %s", exc)
        return error_response(503, "store_unavailable", "Conversations cannot be reached right now; try again shortly.",
                              headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        # a 5xx is a bug; log the type only, never the request (it may hold health data)
        log.error("internal error %s on %s %s", type(exc).__name__, request.method, short_path(request.url.path))
        return error_response(500, "internal_error", "Something went wrong on our side.")
