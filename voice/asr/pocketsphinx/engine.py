"""The PocketSphinx Engine: a question's grammar or the domain language model, searched
by a pooled decoder over the prepared clip (see this package's __init__ for the parts)."""

from __future__ import annotations

import os
import time

from voice.config import AsrSettings

from ..base import ModelError, Recognition, SAMPLE_RATE, unique_phrases
from . import readings
from .decoders import FREE_SEARCH, Pool, Slot, new_slot
from .front_end import prepare
from .grammar import build_fsg
from .noise import garbage_for

# Feature frames per second by kind of answer; the model's 100 for everything else. The
# front end is re-made for every utterance, so each answer gets its own. Numbers of weeks
# at 75, measured on held-out voices: 302 -> 316 of 352 right ("forty" no longer heard as
# "fourteen", "thirty" as "thirteen"), and 172 -> 176 of 200 on the fixtures and the
# blind-written phrasings. Right answers rose steadily from 100 down to 75 (309 at 90,
# 312 at 80) and stopped there (316 at 70), so 75, where a phone (three frames) needs
# 40 ms, not 43. Not for yes/no: short answers need their frames (at 80 "nope" came back
# as "a little"; 6 more wrong answers of 704). Not for free speech: 3 fewer of 439 openings.
FRAME_RATES = {"weeks": 75}
MODEL_FRAME_RATE = 100


def default_model_dir() -> str:
    from pocketsphinx import get_model_path

    return get_model_path("en-us")


class PocketSphinxStream:
    """Partials come from a live decode as audio arrives (grammar searches only: the free
    model is too slow to run twice); the final result re-decodes the whole utterance
    exactly as `recognize` does, so both give the same text."""

    def __init__(self, engine: "PocketSphinxEngine", phrases: list[str] | None, expecting: str | None):
        self._engine = engine
        self._phrases = phrases
        self._expecting = expecting
        self._slot = engine._pool.get()
        self._done = False
        self._chunks: list[bytes] = []
        try:
            self._live = phrases is not None
            engine._activate(self._slot, phrases, expecting=expecting)  # errors (empty grammar...) surface now
            if self._live:
                self._slot.decoder.reinit_feat()
                self._slot.decoder.start_utt()
        except BaseException:
            self._done = True  # so __del__ does not give the decoder back a second time
            engine._pool.put(self._slot)
            raise
        self._t_last = time.perf_counter()

    def feed(self, pcm: bytes) -> str:
        if self._done:
            raise RuntimeError("stream already finished")
        self._t_last = time.perf_counter()
        if not pcm:
            return ""
        self._chunks.append(pcm)
        if not self._live:
            return ""
        self._slot.decoder.process_raw(pcm, False, False)
        hyp = self._slot.decoder.hyp()
        return readings.clean(hyp.hypstr if hyp else "")[0]

    def finish(self) -> Recognition:
        if self._done:
            raise RuntimeError("stream already finished")
        self._done = True
        try:
            if self._live:
                self._slot.decoder.end_utt()
            rec = self._engine._decode(self._slot, b"".join(self._chunks), self._phrases, self._expecting)
        finally:
            self._engine._pool.put(self._slot)
        rec.details["finish_seconds"] = time.perf_counter() - self._t_last
        return rec

    def __del__(self):  # a stream abandoned mid-way must give its decoder back
        if not getattr(self, "_done", True):
            self._done = True
            try:
                if self._live:
                    self._slot.decoder.end_utt()
            except Exception:
                pass
            self._engine._pool.put(self._slot)


class PocketSphinxEngine:
    name = "pocketsphinx"

    def __init__(self, model_dir: str | None = None, *, garbage_prob: float | None = None,
                 pool_size: int | None = None, free_lm: str | None = None,
                 settings: AsrSettings | None = None):
        """settings: the tuning (ps_garbage, ps_noisy_garbage, ps_free_lm, ps_config,
        cache_dir), AsrSettings' defaults when None; garbage_prob and free_lm, when given,
        win over it."""
        from pocketsphinx import Decoder  # noqa: F401  (fail early with ImportError)

        settings = settings or AsrSettings()
        self.model_dir = model_dir or default_model_dir()
        self.hmm = os.path.join(self.model_dir, "en-us")
        self.dict = os.path.join(self.model_dir, "cmudict-en-us.dict")
        self.general_lm = os.path.join(self.model_dir, "en-us.lm.bin")
        for p in (self.hmm, self.dict, self.general_lm):
            if not os.path.exists(p):
                raise ModelError(f"PocketSphinx model incomplete: {p} is missing")
        self.language = "en"
        self.garbage_prob = float(garbage_prob if garbage_prob is not None else settings.ps_garbage)
        self.noisy_garbage_prob = float(settings.ps_noisy_garbage)
        self.free_lm = (free_lm or settings.ps_free_lm).strip().lower()
        if self.free_lm not in ("domain", "general"):
            raise ValueError(f"BACKPAIN_PS_FREE_LM must be domain or general, not {self.free_lm!r}")
        self._missing_warned: set[str] = set()
        self.extra_config = dict(settings.ps_config)  # BACKPAIN_PS_CONFIG: Decoder options
        # BACKPAIN_PS_CONFIG='frate=...' sets one rate for every kind of answer
        tuned = self.extra_config.get("frate")
        self.frame_rate = int(tuned or MODEL_FRAME_RATE)
        self.frame_rates = {} if tuned else dict(FRAME_RATES)
        t = time.perf_counter()
        if self.free_lm == "domain":
            from ..domain_lm import domain_lm

            self.lm = str(domain_lm(self.dict, self._dictionary_words().__contains__, settings.cache_dir))
        else:
            self.lm = self.general_lm
        self.model = f"{self.model_dir} (en-us, {self.free_lm} language model)"
        self._pool = Pool(self._new_slot, pool_size or min(2, os.cpu_count() or 1))
        self._pool.put(self._pool.get())  # load one decoder now: errors surface at start-up
        self.load_seconds = time.perf_counter() - t

    # --- decoder set-up -------------------------------------------------------------
    def _dictionary_words(self) -> set[str]:
        words: set[str] = set()
        with open(self.dict, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.strip():
                    words.add(line.split(None, 1)[0].split("(")[0])
        return words

    def _new_slot(self) -> Slot:
        return new_slot(self.hmm, self.dict, self.lm, self.extra_config, self.model_dir)

    def _activate(self, slot: Slot, phrases: list[str] | None, g: float | None = None,
                  expecting: str | None = None) -> str:
        """Make the search for `phrases` current, and the front end that the next
        reinit_feat() makes the one for `expecting`."""
        d = slot.decoder
        d.config["frate"] = self.frame_rates.get(expecting, self.frame_rate)
        if phrases is None:
            slot.activate(FREE_SEARCH)
            return FREE_SEARCH
        phrases_key = tuple(unique_phrases(phrases))
        if not phrases_key:
            raise ValueError("empty grammar: give at least one phrase, or None for free speech")
        g = self.garbage_prob if g is None else g
        return slot.use_grammar(phrases_key + (f"\0garbage={g}",), lambda name: build_fsg(
            d, list(phrases_key), name, g, self.name, self._missing_warned))

    def _decode(self, slot: Slot, pcm: bytes, phrases: list[str] | None,
                expecting: str | None) -> Recognition:
        d = slot.decoder
        t = time.perf_counter()
        info: dict = {}
        audio = prepare(pcm, info)
        search = self._activate(slot, phrases, garbage_for(info, self.garbage_prob, self.noisy_garbage_prob),
                                expecting)
        if not audio:  # silence or steady noise: decoding it would only invent a phrase
            return Recognition(text="", confidence=0.0, details={
                "raw": "", "garbage": False, "silent": True, "seconds": len(pcm) / 2 / SAMPLE_RATE})
        # A fresh feature front end per utterance: results never depend on who spoke before.
        d.reinit_feat()
        d.start_utt()
        d.process_raw(audio, False, True)
        d.end_utt()
        rec = readings.result(d, len(pcm) // 2, grammar=search != FREE_SEARCH)
        if search == FREE_SEARCH and rec.text:
            rec.alternatives = readings.alternatives(d, rec.text)
        rec.details["decode_seconds"] = time.perf_counter() - t
        rec.details["narrowband"] = info.get("narrowband", False)
        return rec

    # --- public API -----------------------------------------------------------------
    def recognize(self, pcm: bytes, phrases: list[str] | None = None, *,
                  expecting: str | None = None) -> Recognition:
        slot = self._pool.get()
        try:
            return self._decode(slot, pcm, phrases, expecting)
        finally:
            self._pool.put(slot)

    def stream(self, phrases: list[str] | None = None, *, expecting: str | None = None) -> PocketSphinxStream:
        return PocketSphinxStream(self, phrases, expecting)
