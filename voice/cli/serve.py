"""`backpain serve`: the HTTP skill service, with what it prints first (the page's address)."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time


NEEDS = "settings"


def bind_address(args: argparse.Namespace, settings) -> tuple[str, int]:
    """--host/--port when given, else the settings' (BACKPAIN_HOST/PORT, else their defaults)."""
    return (args.host if "host" in args.given else settings.host,
            args.port if "port" in args.given else settings.port)


def run(args: argparse.Namespace, settings) -> int:
    import uvicorn

    from voice.http.connections import uvicorn_options
    from voice.http.app import create_app, start_recognizer
    from voice.service import SkillService
    from voice.store import describe

    host, port = bind_address(args, settings)
    if args.log_transcripts:
        settings = settings.replace(log_transcripts=True)
    if settings.log_transcripts:
        bar = "!" * 78
        print(f"{bar}\n!! WARNING: --log-transcripts: what people say about their health will be written\n"
              f"!! to this log. For debugging only; never on a service real people use.\n{bar}",
              file=sys.stderr, flush=True)
    service = SkillService(settings)
    app = create_app(service)

    base = f"http://{host}:{port}"
    print(f"Back pain check: open {base}/ in your browser", flush=True)  # the page, first
    print(f"  API docs:   {base}/docs", flush=True)
    print(f"  try:        curl -s -X POST {base}/v1/sessions", flush=True)
    print(f"  sessions:   {describe(service.store)}", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not settings.api_token:
        print("  warning: listening beyond this machine; set BACKPAIN_API_TOKEN to require a token", flush=True)
    loading = start_recognizer(app)  # loads the speech recogniser in the background; /readyz waits for it
    _report_recognizer(loading, app.state.recognizer)

    options = uvicorn_options(settings)
    print(f"  limits:     {options['http'].max_connections} connections, "
          f"{settings.audio_in_flight} audio uploads at once", flush=True)
    # the access log (voice/http/middleware/access_log.py): method, path with a hash of the session id, status
    logging.getLogger("backpain.access").setLevel(logging.INFO if args.log_level in ("info", "debug")
                                                  else logging.WARNING)
    uvicorn.run(app, host=host, port=port, log_level=args.log_level, **options)
    return 0


def _report_recognizer(loading: threading.Thread, recognizer) -> None:
    """Says that the app's recogniser (voice.asr.runtime.Recognizer) is loading, and when it
    is ready (or why it is not)."""
    print("  speech:     loading the speech recogniser (typing works meanwhile)...", flush=True)
    started = time.monotonic()

    def report() -> None:
        loading.join()
        if recognizer.loaded:
            print(f"  speech:     ready ({recognizer.name}, {time.monotonic() - started:.1f} s)", flush=True)
        else:
            print(f"  speech:     not available ({recognizer.error}); typing still works", flush=True)

    threading.Thread(target=report, name="report-recognizer", daemon=True).start()
