"""Where the speech is in a clip (energy endpointing), for every engine that cuts the
silence around an answer before decoding it (PocketSphinx, Whisper)."""

from __future__ import annotations

from .base import SAMPLE_RATE

TRIM_MARGIN = 0.1  # seconds kept around the detected speech


def frame_energy_db(x):
    """Energy of each 10 ms frame in dB (None for a clip under 30 ms)."""
    import numpy as np

    frame = SAMPLE_RATE // 100
    n = len(x) // frame
    if n < 3:
        return None
    return 10 * np.log10((x[: n * frame].reshape(n, frame) ** 2).mean(axis=1) + 1.0)


def speech_span(x, energy) -> tuple[int, int] | None:
    """(start, end) sample of the speech +- TRIM_MARGIN, from the clip's frame energies;
    None when no frame stands out from the background (silence, steady hiss or hum:
    nothing was said)."""
    import numpy as np

    if energy is None:
        return 0, len(x)
    threshold = max(energy.max() - 35.0, np.percentile(energy, 10) + 6.0)
    active = np.nonzero(energy > threshold)[0]
    if active.size == 0:
        return None
    frame, margin = SAMPLE_RATE // 100, int(TRIM_MARGIN * SAMPLE_RATE)
    return max(0, active[0] * frame - margin), min(len(x), (active[-1] + 1) * frame + margin)
