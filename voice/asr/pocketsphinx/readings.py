"""The decoder's hypothesis read back: the text (fillers and alternate pronunciations
dropped, "" when the garbage loop won), its confidence, and free speech's other readings."""

from __future__ import annotations

from ..base import FREE_ALTERNATIVES, Recognition, SAMPLE_RATE
from .grammar import GARBAGE_PREFIX


def clean(hypstr: str) -> tuple[str, bool]:
    """Drop fillers; report whether the garbage path won."""
    words = [w for w in hypstr.split() if not (w.startswith("<") or w.startswith("[") or w.startswith("+"))]
    garbage = any(w.startswith(GARBAGE_PREFIX) for w in words)
    words = [w.split("(")[0] for w in words if not w.startswith(GARBAGE_PREFIX)]  # alternate pronunciations: "the(2)"
    return ("" if garbage else " ".join(words)), garbage


def result(d, samples: int, grammar: bool) -> Recognition:
    """The decoder's best reading of an utterance of `samples` samples; grammar: whether
    the search was a grammar (else free speech)."""
    hyp = d.hyp()
    raw = hyp.hypstr if hyp else ""
    text, garbage = clean(raw)
    conf = 0.0
    if hyp and text:
        try:
            conf = max(0.0, min(1.0, float(hyp.prob)))
        except Exception:  # pragma: no cover
            conf = 0.0
        if grammar:
            conf = max(conf, 0.5)  # grammar path beat the garbage loop: at least even odds
    return Recognition(text=text, confidence=conf,
                       details={"raw": raw, "garbage": garbage, "seconds": samples / SAMPLE_RATE})


def alternatives(d, best: str) -> list[str]:
    """The next likeliest readings (up to FREE_ALTERNATIVES in all), `best` left out."""
    out: list[str] = []
    try:
        for i, entry in enumerate(d.nbest()):
            if i >= FREE_ALTERNATIVES:
                break
            text = clean(entry.hypstr or "")[0]
            if text and text != best and text not in out:
                out.append(text)
    except RuntimeError:  # no lattice for this utterance: the best reading only
        pass
    return out
