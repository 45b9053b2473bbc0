"""`backpain chat`: a text conversation on stdin/stdout, one turn per line (--json: one
Reply per line, for scripts)."""

from __future__ import annotations

import argparse
import json
import sys

NEEDS = "settings"


def run(args: argparse.Namespace, settings) -> int:
    from voice.service import SkillService, reply_body

    service = SkillService(settings)
    interactive = sys.stdin.isatty() and not args.json

    def show(reply) -> None:
        if args.json:
            print(json.dumps(reply_body(reply), ensure_ascii=False), flush=True)
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
