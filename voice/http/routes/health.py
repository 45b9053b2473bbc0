"""GET/HEAD /healthz (the process answers) and /readyz (every readiness check passes)."""

from __future__ import annotations

from fastapi import APIRouter

from models import ErrorBody
from voice.http.dependencies import ReadinessDep
from voice.http.errors import error_response

router = APIRouter(tags=["service"])


@router.get("/healthz")
async def healthz():  # async: answered on the event loop, whatever the thread pools are doing
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"model": ErrorBody, "description": "Not ready yet"}})
def readyz(readiness: ReadinessDep):
    failed = []
    for check in list(readiness):
        try:
            ok = bool(check())
        except Exception:
            ok = False
        if not ok:
            failed.append(getattr(check, "__qualname__", None) or type(check).__name__)
    if failed:
        return error_response(503, "not_ready", "Not ready: " + ", ".join(failed), headers={"Retry-After": "1"})
    return {"status": "ready"}


for _path, _endpoint in (("/healthz", healthz), ("/readyz", readyz)):  # HEAD too: monitors and load balancers
    router.add_api_route(_path, _endpoint, methods=["HEAD"], include_in_schema=False)
