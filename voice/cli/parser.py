"""The `backpain` command line's arguments (interface.md, "Command line").

Building the parser reads no settings: a default that comes from the environment is named
in the help text, and the command takes it from the settings after parsing (an option the
person gave wins; `given` says which ones were). Each command is named by its module in
this package (voice/cli/serve.py, ...), imported only when it runs.
"""

from __future__ import annotations

import argparse

from models import MAX_WEEKS, MIN_WEEKS


def weeks_argument(value: str) -> int:
    """argparse type for --weeks: a whole number of weeks of pregnancy."""
    try:
        weeks = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("weeks must be a whole number")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise argparse.ArgumentTypeError(f"weeks must be between {MIN_WEEKS} and {MAX_WEEKS}")
    return weeks


class _Given(argparse.Action):
    """Stores the value and notes that it was given, so that otherwise the setting is used."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, values)
        namespace.given = getattr(namespace, "given", frozenset()) | {self.dest}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backpain",
        description="Back pain in pregnancy: a local red-flag check. Not a doctor; in an emergency call your emergency number.",
    )
    parser.set_defaults(given=frozenset())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    serve = sub.add_parser("serve", help="run the HTTP skill service")
    # the defaults here are the settings' own; BACKPAIN_HOST/PORT replace them unless given
    serve.add_argument("--host", default="127.0.0.1", action=_Given,
                       help="address to bind (default BACKPAIN_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, action=_Given, help="port (default BACKPAIN_PORT or 8000)")
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument("--log-transcripts", action="store_true",
                       help="DEBUGGING ONLY: log what is said and answered (health data) to the server log")
    serve.set_defaults(command_module="serve")

    audit = sub.add_parser("audit", help="list or export the audit log of finished checks (no transcripts)")
    audit.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")
    audit.add_argument("--since", metavar="ISO", help="only entries at or after this date/time (UTC if no zone)")
    audit.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    audit.set_defaults(command_module="audit")

    chat = sub.add_parser("chat", help="a text conversation on stdin/stdout, one turn per line")
    chat.add_argument("--json", action="store_true", help="print every reply as one JSON line")
    chat.add_argument("--weeks", type=weeks_argument, help="weeks of pregnancy, if known")
    chat.set_defaults(command_module="chat")

    add_voice_commands(sub)
    return parser


def add_voice_commands(sub) -> None:
    """replay, listen, say and models (voice/cli/replay.py, listen.py, say.py, models.py)."""
    replay = sub.add_parser(
        "replay", help="a voice conversation from WAV files, one file per spoken turn",
        description="Each WAV file is the person's next spoken turn: it is recognised with the grammar "
                    "of the question being asked, and the skill answers. Prints 'you:' and 'skill:' "
                    "lines (or one JSON Reply per line with --json).")
    replay.add_argument("files", nargs="+", metavar="FILE.wav", help="the turns, in order")
    replay.add_argument("--json", action="store_true", help="print every reply as one JSON line (audio turns carry transcript)")
    replay.add_argument("--speak-to", metavar="DIR", help="write the skill's speech per turn as WAV files "
                                                          "(00-greeting.wav, 01-reply.wav, ...)")
    replay.add_argument("--weeks", type=weeks_argument, help="weeks of pregnancy, if known")
    replay.add_argument("--until-done", action="store_true", help="stop at the advice, leaving later files unused")
    replay.set_defaults(command_module="replay")

    listen = sub.add_parser(
        "listen", help="hands-free: microphone in, speech out, until the advice is given",
        description="Greets you, listens for each answer (it notices when you stop speaking), and speaks "
                    "the reply, until the advice is given. Say 'repeat' to hear a question again, 'stop' "
                    "to end. Needs a microphone, unless --input is given.")
    listen.add_argument("--input", metavar="FILE.wav", help="take the spoken turns from this recording "
                                                            "(utterances separated by pauses) instead of the microphone")
    listen.add_argument("--weeks", type=weeks_argument, help="weeks of pregnancy, if known")
    listen.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS",
                        help="how long to wait for an answer before asking again (default 15)")
    listen.add_argument("--no-speech", action="store_true", help="print the replies instead of speaking them")
    listen.set_defaults(command_module="listen")

    say = sub.add_parser("say", help="text to speech into a WAV file")
    say.add_argument("text", nargs="+", metavar="TEXT", help="what to say")
    say.add_argument("-o", "--output", required=True, metavar="FILE.wav", help="where to write the WAV ('-': stdout)")
    say.add_argument("--rate", type=int, metavar="N", help="words per minute, 80-400 (default BACKPAIN_TTS_RATE or 165)")
    say.add_argument("--voice", metavar="V", help="voice id, e.g. en-us or en+f3 (default BACKPAIN_TTS_VOICE)")
    say.set_defaults(command_module="say")

    models = sub.add_parser("models", help="the speech recognition engines and models found, and which one is in use")
    models.add_argument("--json", action="store_true", help="machine-readable output")
    models.set_defaults(command_module="models")
