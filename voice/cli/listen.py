"""`backpain listen`: hands-free, microphone in and speech out until the advice is given
(or from a recording with --input, its utterances separated by pauses)."""

from __future__ import annotations

import argparse
import sys

from voice.cli.shared import EXIT_NO_DEVICE, EXIT_UNAVAILABLE, EXIT_USAGE, err
from voice.cli.voice_run import Speech, in_memory_service, load_engine, read_all, you

NEEDS = "settings"


class Speaker:
    """Plays replies; on a machine without speakers it says so once and carries on in text."""

    def __init__(self, speech: Speech, enabled: bool = True):
        self.speech, self.enabled = speech, enabled

    def say(self, text: str) -> None:
        print(f"skill: {text}", flush=True)
        if not self.enabled:
            return
        from voice.audio.microphone import MicrophoneError, play_wav

        try:
            play_wav(self.speech.wav(text))
        except (MicrophoneError, RuntimeError, OSError) as e:
            print(f"(cannot play speech, continuing in text only: {e})", file=sys.stderr, flush=True)
            self.enabled = False


def file_frames(pcm: bytes, frame_bytes: int):
    """A recording as microphone-sized frames; a short last frame marks the end."""
    pcm = pcm + b"\x00\x00" * 8000  # half a second of quiet so the last utterance ends
    for i in range(0, len(pcm) - frame_bytes + 1, frame_bytes):
        yield pcm[i:i + frame_bytes]
    yield b""


def run(args: argparse.Namespace, settings) -> int:
    from voice.audio.microphone import MicrophoneError, listen_once, require_device, utterances

    source = None
    if args.input:
        pcms = read_all([args.input])
        if pcms is None:
            return EXIT_USAGE
        from pocketsphinx import Endpointer

        source = utterances(file_frames(pcms[0], Endpointer(sample_rate=16000).frame_bytes))
    else:
        try:
            device = require_device("input")
        except MicrophoneError as e:
            err(f"{e}. `backpain listen` needs a microphone; connect one (and install libportaudio2), "
                "or use `backpain listen --input FILE.wav`, `backpain replay` or `backpain chat`.")
            return EXIT_NO_DEVICE
        print(f"microphone: {device}", file=sys.stderr, flush=True)
    engine = load_engine(settings.asr)
    if engine is None:
        return EXIT_UNAVAILABLE
    service = in_memory_service(settings)
    service.set_asr_engine(engine.name, engine.model)
    speaker = Speaker(Speech(settings.tts), enabled=not args.no_speech)
    silences = 0
    try:
        reply = service.start(args.weeks)
        speaker.say(reply.say)
        # from the microphone it listens on after the advice ("more", "is paracetamol ok?",
        # a correction) until the person says nothing; a recording ends at the advice
        while not reply.done or source is None:
            if source is not None:
                pcm = next(source, None)
                if pcm is None:
                    print("(end of the input recording)", file=sys.stderr, flush=True)
                    return 0
            else:
                print("(listening...)", file=sys.stderr, flush=True)
                pcm = listen_once(timeout=args.timeout)
                if pcm is None and reply.done:
                    return 0
            if pcm is None:
                silences += 1
                if silences >= 3:
                    speaker.say("I haven't heard anything for a while, so I'll stop here. "
                                "Start me again whenever you're ready.")
                    return 0
            else:
                silences = 0
            reply = service.audio_turn(reply.session_id, pcm or b"", engine)  # b"": nothing said
            print(you(reply.transcript), flush=True)
            speaker.say(reply.say)
    except MicrophoneError as e:
        err(str(e))
        return EXIT_NO_DEVICE
    return 0
