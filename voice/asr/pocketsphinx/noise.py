"""Noise handling: how noisy or narrowband a clip is, and so how likely the grammar's
garbage loop (grammar.py) should be to win over a phrase.

In loud background noise (loud over quiet frames < 18 dB, about 10 dB SNR) the phone loop
explains noisy speech better than any phrase, so it gets a lower entry probability there
(BACKPAIN_PS_NOISY_GARBAGE, AsrSettings.ps_noisy_garbage): measured +6 points on noisy
answers phrased by someone who had not seen the grammar, at the cost of rejecting less
off-topic speech in such noise.

Narrowband audio (telephone-rate, 8 kHz, resampled up) lacks the 4-8 kHz band the model
was trained with and is misheard more; the garbage loop is made stricter for it
(measured on the yes/no fixtures resampled to 8 kHz with the grammar language weight of
3: 132/140 right and 2 opposite answers with this loop; at 1e-40 a "yes" by flite's awb
came back as "no none").
"""

from __future__ import annotations

from ..base import SAMPLE_RATE

NARROWBAND_DB = -50.0  # energy above 4.2 kHz, relative to all, below which a clip is narrowband
NARROWBAND_GARBAGE = 1e-35
NOISY_SPREAD_DB = 18.0


def level_spread_db(energy) -> float:
    """Loud frames over quiet frames (90th over 10th percentile of frame energies): about
    the signal-to-noise ratio. Measured on the held-out clips: clean 39-74 dB, kitchen noise
    at 20 dB SNR 22-26, at 10 dB SNR 13-16."""
    import numpy as np

    return 99.0 if energy is None else float(np.percentile(energy, 90) - np.percentile(energy, 10))


def narrowband(x) -> bool:
    import numpy as np

    power = np.abs(np.fft.rfft(x)) ** 2
    high = power[np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE) > 4200].sum()
    return 10 * np.log10(high / (power.sum() or 1.0) + 1e-12) < NARROWBAND_DB


def garbage_for(info: dict, garbage_prob: float, noisy_garbage_prob: float) -> float:
    """The garbage loop's entry probability for a clip that front_end.prepare described
    in `info`."""
    if info.get("narrowband"):
        return max(garbage_prob, NARROWBAND_GARBAGE)
    if info.get("noisy"):
        return min(garbage_prob, noisy_garbage_prob)
    return garbage_prob
