"""What several commands share: their exit statuses and the one-line error.

Exit status: 0 done, 1 speech recognition/synthesis unavailable, 2 bad arguments, settings
or audio files, 3 no microphone (listen), 130 interrupted.
"""

from __future__ import annotations

import sys

EXIT_UNAVAILABLE, EXIT_USAGE, EXIT_NO_DEVICE = 1, 2, 3


def err(message: str) -> None:
    print(f"error: {message}", file=sys.stderr, flush=True)
