"""The `backpain` command line (interface.md, "Command line"): `backpain = voice.cli:main`.

    backpain serve | audit | chat | replay | listen | say | models

The arguments are in parser.py, each command in its own module. The settings are read
here, once, after parsing (so `--help` and a usage error never read them), and only the
part the command uses: `say` needs how to speak (TtsSettings) and `models` which
recogniser (AsrSettings), so a bad BACKPAIN_RATE_LIMIT does not stop them; the commands
that run the skill take all of it (Settings). A bad value is one line naming the
variable, exit status 2.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

from voice.cli.parser import build_parser, weeks_argument

__all__ = ["build_parser", "main", "weeks_argument"]


def _read_settings(part: str):
    """The settings `part` of the command (its module's NEEDS): "settings", "tts" or "asr"."""
    from voice.config import Settings, asr_from_env, tts_from_env

    readers = {"settings": Settings.from_env, "tts": tts_from_env, "asr": asr_from_env}
    return readers[part]()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from voice.config import ConfigError

    try:
        args = build_parser().parse_args(argv)
        command = importlib.import_module(f"voice.cli.{args.command_module}")
        settings = _read_settings(command.NEEDS)
        return command.run(args, settings) or 0
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
