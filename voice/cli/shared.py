"""What several commands share: their exit statuses, the one-line error, and a changed
copy of the settings.

Exit status: 0 done, 1 speech recognition/synthesis unavailable, 2 bad arguments, settings
or audio files, 3 no microphone (listen), 130 interrupted.
"""

from __future__ import annotations

import dataclasses
import sys

EXIT_UNAVAILABLE, EXIT_USAGE, EXIT_NO_DEVICE = 1, 2, 3


def err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)


def settings_with(settings, **changes):
    """`settings` with some fields changed (a dataclass, or a pydantic model)."""
    if dataclasses.is_dataclass(settings):
        return dataclasses.replace(settings, **changes)
    return settings.model_copy(update=changes)
