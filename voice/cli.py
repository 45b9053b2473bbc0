"""The `backpain` command line (interface.md, "Command line")."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from models import MAX_WEEKS, MIN_WEEKS
from voice.config import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from voice.app import create_app

    from dataclasses import replace

    from voice.service import SkillService
    from voice.sessions import describe

    settings = Settings.from_env()
    if args.log_transcripts:
        settings = replace(settings, log_transcripts=True)
    if settings.log_transcripts:
        bar = "!" * 78
        print(f"{bar}\n!! WARNING: --log-transcripts: what people say about their health will be written\n"
              f"!! to this log. For debugging only; never on a service real people use.\n{bar}",
              file=sys.stderr, flush=True)
    service = SkillService(settings)
    app = create_app(service)
    from voice.audio_routes import start_recognizer

    base = f"http://{args.host}:{args.port}"
    print(f"Back pain check: open {base}/ in your browser", flush=True)  # the page, first
    print(f"  API docs:   {base}/docs", flush=True)
    print(f"  try:        curl -s -X POST {base}/v1/sessions", flush=True)
    print(f"  sessions:   {describe(service.store)}", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1") and not settings.api_token:
        print("  warning: listening beyond this machine; set BACKPAIN_API_TOKEN to require a token", flush=True)
    loading = start_recognizer(app)  # loads the speech recogniser in the background; /readyz waits for it
    _report_recognizer(loading)
    from voice.connections import uvicorn_options

    options = uvicorn_options(settings)
    print(f"  limits:     {options['http'].max_connections} connections, "
          f"{settings.audio_in_flight} audio uploads at once", flush=True)
    # the access log (voice/access_log.py): method, path with a hash of the session id, status
    logging.getLogger("backpain.access").setLevel(logging.INFO if args.log_level in ("info", "debug")
                                                  else logging.WARNING)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, **options)
    return 0


def _report_recognizer(loading) -> None:
    """Says that the recogniser is loading, and when it is ready (or why it is not)."""
    import threading
    import time

    from voice.audio_routes import RECOGNIZER

    print("  speech:     loading the speech recogniser (typing works meanwhile)...", flush=True)
    started = time.monotonic()

    def report() -> None:
        loading.join()
        if RECOGNIZER.loaded:
            print(f"  speech:     ready ({RECOGNIZER.name}, {time.monotonic() - started:.1f} s)", flush=True)
        else:
            print(f"  speech:     not available ({RECOGNIZER.error}); typing still works", flush=True)

    threading.Thread(target=report, name="report-recognizer", daemon=True).start()


def _audit(args: argparse.Namespace) -> int:
    from voice import audit
    from voice.sessions import describe, open_store

    settings = Settings.from_env()
    if settings.session_store == "memory":
        print("error: BACKPAIN_SESSION_STORE=memory keeps no audit log beyond the process", file=sys.stderr)
        return 2
    try:
        since = audit.parse_since(args.since) if args.since else None
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        entries = store.audit_entries(since)
    finally:
        store.close()
    text = audit.to_csv(entries) if args.format == "csv" else audit.to_json(entries)
    if args.output and args.output != "-":
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        print(f"{len(entries)} audit entries from {describe(store)} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0


def _chat(args: argparse.Namespace) -> int:
    from voice.service import SkillService

    service = SkillService()
    interactive = sys.stdin.isatty() and not args.json

    def show(reply) -> None:
        if args.json:
            body = reply.model_dump(mode="json")
            body.pop("transcript", None)
            print(json.dumps(body, ensure_ascii=False), flush=True)
        else:
            print(reply.say, flush=True)
            if reply.done and interactive:
                print("(say 'start over' for a new check, or press Ctrl-D to leave)", flush=True)

    reply = service.start(args.weeks)
    show(reply)
    try:
        while True:
            if interactive:
                print("> ", end="", flush=True)
            line = sys.stdin.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            reply = service.turn(reply.session_id, text[:2000])
            show(reply)
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    return 0


def weeks_argument(value: str) -> int:
    """argparse type for --weeks: a whole number of weeks of pregnancy."""
    try:
        weeks = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("weeks must be a whole number")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"weeks must be between {MIN_WEEKS} and {MAX_WEEKS}")
    return weeks


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backpain",
        description="Back pain in pregnancy: a local red-flag check. Not a doctor; in an emergency call your emergency number.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    serve = sub.add_parser("serve", help="run the HTTP skill service")
    serve.add_argument("--host", default=Settings.from_env().host, help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=Settings.from_env().port, help="port (default 8000)")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--log-transcripts", action="store_true",
                       help="DEBUGGING ONLY: log what is said and answered (health data) to the server log")
    serve.set_defaults(func=_serve)

    audit = sub.add_parser("audit", help="list or export the audit log of finished checks (no transcripts)")
    audit.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")
    audit.add_argument("--since", metavar="ISO", help="only entries at or after this date/time (UTC if no zone)")
    audit.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    audit.set_defaults(func=_audit)

    chat = sub.add_parser("chat", help="a text conversation on stdin/stdout, one turn per line")
    chat.add_argument("--json", action="store_true", help="print every reply as one JSON line")
    chat.add_argument("--weeks", type=weeks_argument, help="weeks of pregnancy, if known")
    chat.set_defaults(func=_chat)

    try:
        from voice.voice_cli import add_voice_commands
    except ImportError:
        pass
    else:
        add_voice_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from voice.config import ConfigError

    try:
        args = build_parser().parse_args(argv)
        return args.func(args) or 0
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (`backpain chat | head`): stop quietly, no traceback; stdout
        # goes to /dev/null so the interpreter's last flush does not fail again
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return 0


if __name__ == "__main__":
    sys.exit(main())
