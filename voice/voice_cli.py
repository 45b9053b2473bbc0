"""Moved to voice.cli (parser.py, replay.py, listen.py, say.py, models.py); this shim goes
when every importer is updated."""

from voice.cli.parser import add_voice_commands
from voice.cli.shared import EXIT_NO_DEVICE, EXIT_UNAVAILABLE, EXIT_USAGE

__all__ = ["EXIT_NO_DEVICE", "EXIT_UNAVAILABLE", "EXIT_USAGE", "add_voice_commands"]
