"""Settings from the environment, read once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    emergency_number: str = "911"
    host: str = "127.0.0.1"
    port: int = 8000
    log_transcripts: bool = False

    @classmethod
    def from_env(cls) -> "Settings":
        number = os.environ.get("BACKPAIN_EMERGENCY_NUMBER", "").strip() or cls.emergency_number
        return cls(
            emergency_number=number,
            host=os.environ.get("BACKPAIN_HOST", cls.host),
            port=int(os.environ.get("BACKPAIN_PORT", cls.port)),
            log_transcripts=os.environ.get("BACKPAIN_LOG_TRANSCRIPTS", "") == "1",
        )
