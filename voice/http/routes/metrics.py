"""GET /metrics: the Prometheus exposition (voice/metrics.py)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from voice import metrics
from voice.http.dependencies import SettingsDep

router = APIRouter(include_in_schema=False)


@router.get("/metrics")
def prometheus_metrics(settings: SettingsDep):
    # without a token anyone on this machine may scrape: health figures are left out then
    body, content_type = metrics.render(health=bool(settings.api_token))
    return Response(body, media_type=content_type)
