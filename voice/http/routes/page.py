"""The skill's page (`GET /`) and the API docs (`/docs`), every asset served from here.

The page's files are in voice/web/; the docs' Swagger UI assets come from the
`fastapi-offline` package (a Swagger UI 5 build: FastAPI writes OpenAPI 3.1, which Swagger
UI reads from version 5 on; PyPI's swagger-ui-bundle ships 4.15), so nothing is fetched
from another host and /docs renders with the network cut off. There is no /redoc: ReDoc
loads its logo from its makers' CDN.

Every response here carries a Content-Security-Policy that allows this origin only. The
page's is strict (no inline script or style, no eval); the docs' allows the one inline
script FastAPI writes (by its hash) and the inline styles Swagger UI sets.

Routes stay thin: files are read once and served from memory.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response

from voice.http.dependencies import ServiceDep
from voice.http.errors import ApiError

WEB = Path(__file__).resolve().parents[2] / "web"  # voice/web

# GET /, /page/*, /docs, /docs/assets/*: the app is made with docs_url=None and
# redoc_url=None (FastAPI's own docs pages load from a CDN)
router = APIRouter(include_in_schema=False)

# file name -> media type; nothing outside these lists is served
PAGE_FILES = {
    "app.js": "text/javascript; charset=utf-8",
    "recorder-worklet.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
DOCS_FILES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}

PAGE_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",  # no inline script, no eval; the AudioWorklet module is a file too
    "style-src 'self'",  # no inline style
    "img-src 'self'",
    "media-src 'self' blob:",  # the reply's speech, fetched with the token, played from a blob
    "connect-src 'self'",
    "font-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# headers for everything this module serves
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PAGE_HEADERS = {
    **COMMON_HEADERS,
    "Content-Security-Policy": PAGE_CSP,
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=(), payment=(), usb=()",
    "Cache-Control": "no-cache",
}

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def docs_csp(page: str) -> str:
    """The docs pages' policy: this origin, plus each inline script of `page` by its hash."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(page))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {hashes}".strip(),
        "style-src 'self' 'unsafe-inline'",  # Swagger UI sets style attributes
        "img-src 'self' data:",  # Swagger UI's icons are data: URIs in its CSS
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


@lru_cache(maxsize=None)
def _page_file(name: str) -> bytes:
    return (WEB / name).read_bytes()


@lru_cache(maxsize=None)
def _docs_file(name: str) -> bytes:
    return (resources.files("fastapi_offline") / "static" / name).read_bytes()


def _static(name: str, files: dict[str, str], read, what: str, cache: str) -> Response:
    """One of `files` (name -> media type), read by `read`; any other name is a 404 JSON error."""
    if name not in files:
        raise ApiError(404, "not_found", f"No such {what}.")
    return Response(read(name), media_type=files[name], headers={**COMMON_HEADERS, "Cache-Control": cache})


def page_config(service) -> dict:
    """What the page needs from the service's settings: the emergency number (for its
    `tel:` links), whether it must ask for the API token, and the action of each urgency
    (the advice's first instruction, from intents/data/advice.yaml) to head the advice card."""
    number = service.settings.emergency_number
    urgency = service.dialogue.model.advice.urgency
    actions = {getattr(level, "value", level): text.replace("{emergency_number}", number)
               for level, text in urgency.items()}
    return {
        "emergency_number": number,
        "token_required": bool(service.settings.api_token),
        "actions": actions,
    }


@lru_cache(maxsize=8)
def _index(emergency_number: str) -> str:
    number = html.escape(emergency_number)
    tel = html.escape(re.sub(r"[^0-9+*#]", "", emergency_number), quote=True)
    return (_page_file("index.html").decode("utf-8")
            .replace("{{emergency_number}}", number).replace("{{emergency_tel}}", tel))


@router.api_route("/", methods=["GET", "HEAD"])
def page(service: ServiceDep) -> HTMLResponse:
    return HTMLResponse(_index(service.settings.emergency_number), headers=PAGE_HEADERS)


@router.get("/page/config.json")
def config(service: ServiceDep) -> JSONResponse:
    return JSONResponse(page_config(service), headers={**COMMON_HEADERS, "Cache-Control": "no-cache"})


@router.get("/page/{name}")
def page_asset(name: str) -> Response:
    return _static(name, PAGE_FILES, _page_file, "file on this page", "no-cache")


@router.get("/docs/assets/{name}")
def docs_asset(name: str) -> Response:
    return _static(name, DOCS_FILES, _docs_file, "documentation file", "public, max-age=86400")


def _docs_page(response: HTMLResponse) -> HTMLResponse:
    body = response.body.decode("utf-8")
    return HTMLResponse(body, headers={**COMMON_HEADERS, "Content-Security-Policy": docs_csp(body)})


@router.api_route("/docs", methods=["GET", "HEAD"])
def swagger(request: Request) -> HTMLResponse:
    app, root = request.app, request.scope.get("root_path", "")
    return _docs_page(get_swagger_ui_html(
        openapi_url=root + (app.openapi_url or "/openapi.json"),
        title=app.title + " - API docs",
        swagger_js_url=root + "/docs/assets/swagger-ui-bundle.js",
        swagger_css_url=root + "/docs/assets/swagger-ui.css",
        swagger_favicon_url=root + "/docs/assets/favicon.png",
        oauth2_redirect_url=None,
        # no badge fetched from the public validator
        swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
    ))
