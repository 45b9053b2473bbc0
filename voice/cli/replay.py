"""`backpain replay A.wav B.wav ...`: a voice conversation from WAV files, one file per
spoken turn, recognised with the grammar of the question being asked."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from voice.cli.shared import EXIT_UNAVAILABLE, EXIT_USAGE, err
from voice.cli.voice_run import Speech, in_memory_service, load_engine, read_all, you

NEEDS = "settings"


def run(args: argparse.Namespace, settings) -> int:
    from voice.service import reply_body

    pcms = read_all(args.files)
    if pcms is None:
        return EXIT_USAGE
    out_dir = None
    if args.speak_to:
        out_dir = Path(args.speak_to)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            err(f"--speak-to {out_dir}: cannot create the folder: {e.strerror or e}")
            return EXIT_USAGE
    engine = load_engine(settings.asr)
    if engine is None:
        return EXIT_UNAVAILABLE
    service = in_memory_service(settings)
    service.set_asr_engine(engine.name, engine.model)
    speech = Speech(settings.tts)

    def show(reply, n: int) -> None:
        if args.json:  # audio turns carry the transcript, the greeting does not
            print(json.dumps(reply_body(reply), ensure_ascii=False), flush=True)
        else:
            if reply.transcript is not None:
                print(you(reply.transcript), flush=True)
            print(f"skill: {reply.say}", flush=True)
        if out_dir is not None:
            name = "00-greeting.wav" if n == 0 else f"{n:02d}-reply.wav"
            (out_dir / name).write_bytes(speech.wav(reply.say))

    try:
        reply = service.start(args.weeks)
        show(reply, 0)
        for n, pcm in enumerate(pcms, start=1):
            reply = service.audio_turn(reply.session_id, pcm, engine)
            show(reply, n)
            if args.until_done and reply.done:
                left = len(pcms) - n
                if left:
                    print(f"(advice given; {left} remaining file(s) not used)", file=sys.stderr, flush=True)
                break
    except OSError as e:  # writing --speak-to files (disk full, permissions)
        err(f"cannot write speech: {e.strerror or e}")
        return EXIT_UNAVAILABLE
    except RuntimeError as e:  # no synthesiser
        err(str(e))
        return EXIT_UNAVAILABLE
    return 0
