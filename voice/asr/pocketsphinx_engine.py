"""PocketSphinx: the offline default, because its English model ships inside the wheel.

Per-question grammars are finite-state grammars built from the phrase list as a prefix
tree (shared first words such as "no ..." / "not ..." cost nothing extra), cached by
phrase set. Out-of-grammar rejection uses a *garbage loop* inside the same grammar: a
parallel path made of single-phone words that can imitate any speech. When a person says
something the question does not accept, the phone loop explains the audio better than
any phrase and the hypothesis starts with a garbage word, which we turn into "".
The garbage path needs one knob (its entry probability, BACKPAIN_PS_GARBAGE), which
`benchmarks/asr_bench.py` measures against yes/no accuracy and rejection. In loud
background noise (loud over quiet frames < 18 dB, about 10 dB SNR) the phone loop explains
noisy speech better than any phrase, so it gets a lower entry probability there
(BACKPAIN_PS_NOISY_GARBAGE): measured +6 points on noisy answers phrased by someone who had
not seen the grammar, at the cost of rejecting less off-topic speech in such noise.

Free speech (the open question) is decoded with a *domain* trigram model written at
start-up from the skill's own vocabulary (voice/asr/domain_lm.py, cached on disk), with
common English words as a low-probability background; the general US-English model
missed most symptom words. BACKPAIN_PS_FREE_LM=general switches back to it.

The audio front end matters more than any decoder knob (measured, benchmarks/asr_bench.py):
  * leading/trailing silence is cut to 0.1 s around the speech (energy endpointing):
    the model's *batch* cepstral mean is taken over the whole clip, so a long quiet lead-in,
    and worst of all digital zeros, skews it; trimming makes a clip decode the same however
    much silence the caller left around it;
  * a white-noise floor 50 dB below the peak is added, so no frame is digitally silent,
    plus 0.05 s of it on each side;
  * grammar searches use wide beams (1e-80): with the default 1e-48 the right phrase was
    pruned on short answers and the search ended with no phrase at all.
Together they took closed-grammar yes/no from 89% to 99% on the fixtures.
(The old 0.3 s dither pad on each side cost ~10 points.) Options the model's feat.params
also sets (cmn, remove_noise, ...) are applied after loading, or they would be ignored.

A Decoder is not thread-safe and holds ~60 MB, so decoders live in a small pool
(one per core at most), checked out for one recognition or one stream.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import OrderedDict

from .base import (FREE_ALTERNATIVES, Recognition, ModelError, SAMPLE_RATE, phrases_in_vocabulary,
                   unique_phrases)

# CMU phone set of the bundled en-us model (SIL is a filler, handled by the decoder).
PHONES = ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH "
          "T TH UH UW V W Y Z ZH").split()
GARBAGE_PREFIX = "__"
FREE_SEARCH = "_free"

# Search settings (measured): wide beams for the small grammars; the LM search keeps the
# model's default beams, or it runs slower than real time.
# A lower language weight for grammars (3 instead of the model's 6.5) lets the acoustics
# speak louder than the phrase probabilities: measured +1 point on held-out yes/no answers
# and +2 on answers phrased by someone who had not seen the grammar.
GRAMMAR_CONFIG = dict(beam=1e-80, pbeam=1e-80, wbeam=1e-60, lw=3.0)
FREE_CONFIG = dict(beam=1e-48, pbeam=1e-48, wbeam=7e-29, lw=6.5)
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
# Front end (see above)
TRIM_MARGIN = 0.1  # seconds kept around the detected speech
NOISE_FLOOR_DB = 50.0  # white noise this far below the clip's peak
EDGE = 0.05  # seconds of that floor added on each side
# Narrowband audio (telephone-rate, 8 kHz, resampled up) lacks the 4-8 kHz band the model
# was trained with and is misheard more; the garbage loop is made stricter for it
# (measured on the yes/no fixtures resampled to 8 kHz with the grammar language weight of
# 3: 132/140 right and 2 opposite answers with this loop; at 1e-40 a "yes" by flite's awb
# came back as "no none").
NARROWBAND_DB = -50.0  # energy above 4.2 kHz, relative to all, below which a clip is narrowband
NARROWBAND_GARBAGE = 1e-35
NOISY_SPREAD_DB = 18.0
# Pronunciations the dictionary lacks: "can't" as most non-US voices say it; "perhaps" as
# British ("puh-haps") and quick ("praps") speech.
EXTRA_PRONUNCIATIONS = {"can't(2)": "K AA N T", "perhaps(2)": "P AH HH AE P S", "perhaps(3)": "P R AE P S"}


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


def prepare(pcm: bytes, info: dict | None = None) -> bytes:
    """The clip as the decoder should see it: speech +- TRIM_MARGIN, over a noise floor.
    b"" when there is no speech in it. `info` gets "narrowband"."""
    import numpy as np

    from voice.audio import is_silent

    if is_silent(pcm):  # the one threshold every caller uses
        return b""
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    energy = frame_energy_db(x)
    span = speech_span(x, energy)
    if span is None:
        return b""
    if info is not None:
        info["noisy"] = bool(level_spread_db(energy) < NOISY_SPREAD_DB)
    x = x[span[0]: span[1]]
    if info is not None:
        info["narrowband"] = bool(len(x) >= 256 and narrowband(x))
    level = np.abs(x).max() * 10 ** (-NOISE_FLOOR_DB / 20)
    edge = np.zeros(int(EDGE * SAMPLE_RATE))
    x = np.concatenate([edge, x, edge])
    # fixed seed: the same clip always decodes the same way
    x = x + np.random.default_rng(12345).normal(0.0, level, len(x))
    return np.clip(x, -32768, 32767).round().astype("<i2").tobytes()


def _extra_config() -> dict:
    """BACKPAIN_PS_CONFIG='beam=1e-60,topn=8' passes tuning options to the Decoder."""
    out: dict = {}
    for item in filter(None, os.environ.get("BACKPAIN_PS_CONFIG", "").split(",")):
        k, _, v = item.partition("=")
        try:
            out[k.strip()] = int(v) if v.strip().lstrip("-").isdigit() else float(v)
        except ValueError:
            out[k.strip()] = {"true": True, "false": False}.get(v.strip().lower(), v.strip())
    return out


def default_model_dir() -> str:
    from pocketsphinx import get_model_path

    return get_model_path("en-us")


class _Pool:
    """Decoders checked out one at a time; created lazily up to `size`."""

    def __init__(self, factory, size: int):
        self._factory = factory
        self._size = max(1, size)
        self._free: queue.LifoQueue = queue.LifoQueue()
        self._made = 0
        self._lock = threading.Lock()

    def get(self):
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._made < self._size:
                self._made += 1
                make = True
            else:
                make = False
        if make:
            try:
                return self._factory()
            except BaseException:
                with self._lock:
                    self._made -= 1
                raise
        return self._free.get()

    def put(self, d) -> None:
        self._free.put(d)


class _Slot:
    """One decoder plus the grammars already compiled into it (LRU, by phrase set)."""

    MAX_GRAMMARS = 32

    def __init__(self, decoder):
        self.decoder = decoder
        self.grammars: OrderedDict[tuple[str, ...], str] = OrderedDict()
        self.counter = 0
        self.search: str | None = None  # Decoder.current_search() crashes before the first one

    def activate(self, name: str) -> None:
        if self.search != name:
            self.decoder.activate_search(name)
            self.search = name


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
        return self._engine._clean(hyp.hypstr if hyp else "")[0]

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
                 pool_size: int | None = None, free_lm: str | None = None):
        from pocketsphinx import Decoder  # noqa: F401  (fail early with ImportError)

        self.model_dir = model_dir or default_model_dir()
        self.hmm = os.path.join(self.model_dir, "en-us")
        self.dict = os.path.join(self.model_dir, "cmudict-en-us.dict")
        self.general_lm = os.path.join(self.model_dir, "en-us.lm.bin")
        for p in (self.hmm, self.dict, self.general_lm):
            if not os.path.exists(p):
                raise ModelError(f"PocketSphinx model incomplete: {p} is missing")
        self.language = "en"
        env = os.environ.get
        self.garbage_prob = float(garbage_prob if garbage_prob is not None
                                  else env("BACKPAIN_PS_GARBAGE", "1e-55"))
        self.noisy_garbage_prob = float(env("BACKPAIN_PS_NOISY_GARBAGE", "1e-70"))
        self.free_lm = (free_lm or env("BACKPAIN_PS_FREE_LM", "domain")).strip().lower()
        if self.free_lm not in ("domain", "general"):
            raise ValueError(f"BACKPAIN_PS_FREE_LM must be domain or general, not {self.free_lm!r}")
        self._missing_warned: set[str] = set()
        # BACKPAIN_PS_CONFIG='frate=...' sets one rate for every kind of answer
        tuned = _extra_config().get("frate")
        self.frame_rate = int(tuned or MODEL_FRAME_RATE)
        self.frame_rates = {} if tuned else dict(FRAME_RATES)
        t = time.perf_counter()
        if self.free_lm == "domain":
            from .domain_lm import domain_lm

            self.lm = str(domain_lm(self.dict, self._dictionary_words().__contains__))
        else:
            self.lm = self.general_lm
        self.model = f"{self.model_dir} (en-us, {self.free_lm} language model)"
        self._pool = _Pool(self._new_slot, pool_size or min(2, os.cpu_count() or 1))
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

    def _new_slot(self) -> _Slot:
        from pocketsphinx import Decoder

        extra = _extra_config()
        try:
            d = Decoder(hmm=self.hmm, dict=self.dict, lm=None, samprate=SAMPLE_RATE,
                        loglevel="FATAL", bestpath=False, topn=8, **{**GRAMMAR_CONFIG, **extra})
            # the model's feat.params overrides front-end options given to the constructor
            for k, v in extra.items():
                d.config[k] = v
            d.reinit_feat()
            for word, phones in EXTRA_PRONUNCIATIONS.items():
                if d.lookup_word(word.split("(")[0]) is not None:
                    d.add_word(word, phones, False)
            for ph in PHONES:
                d.add_word(GARBAGE_PREFIX + ph.lower(), ph, False)
            d.add_word(GARBAGE_PREFIX + "sil", "SIL", True)
            # the free-speech search keeps the default beams (searches copy the config
            # when they are made)
            for k, v in FREE_CONFIG.items():
                d.config[k] = extra.get(k, v)
            d.add_lm_file(FREE_SEARCH, self.lm)
            for k, v in GRAMMAR_CONFIG.items():
                d.config[k] = extra.get(k, v)
        except (RuntimeError, ValueError) as e:
            raise ModelError(f"cannot load PocketSphinx model from {self.model_dir}: {e}") from e
        return _Slot(d)

    def _build_fsg(self, slot: _Slot, phrases: list[str], name: str, g: float):
        d = slot.decoder
        usable = phrases_in_vocabulary(phrases, lambda w: d.lookup_word(w) is not None, self.name,
                                       self._missing_warned)
        if not usable:
            raise ValueError("none of the grammar phrases can be recognised (all words unknown)")
        # Prefix tree with no null transitions: a phrase's last word goes straight to the
        # final state (1). create_fsg() does not compute the null-transition closure, and
        # with epsilon arcs to the final state the search returned partial phrases
        # ("yes it" for "yes") on the fixtures.
        cont: dict[tuple[int, str], int] = {}  # (node, word) -> child node
        n_cont: dict[tuple[int, str], int] = {}
        n_end: dict[tuple[int, str], int] = {}
        total: dict[int, int] = {}
        nxt = 3  # 0 start, 1 final, 2 garbage loop
        for p in usable:
            words = p.split()
            node = 0
            for i, w in enumerate(words):
                total[node] = total.get(node, 0) + 1
                key = (node, w)
                if i == len(words) - 1:
                    n_end[key] = n_end.get(key, 0) + 1
                else:
                    n_cont[key] = n_cont.get(key, 0) + 1
                    if key not in cont:
                        cont[key] = nxt
                        nxt += 1
                    node = cont[key]
        trans: list[tuple] = []
        for (node, w), n in n_end.items():
            trans.append((node, 1, (1.0 - g if node == 0 else 1.0) * n / total[node], w))
        for (node, w), n in n_cont.items():
            trans.append((node, cont[(node, w)], (1.0 - g if node == 0 else 1.0) * n / total[node], w))
        if g > 0:
            garbage = [GARBAGE_PREFIX + p.lower() for p in PHONES]
            k = len(garbage)
            for w in garbage:
                trans.append((0, 2, g * 0.9 / k, w))
                trans.append((0, 1, g * 0.1 / k, w))
                trans.append((2, 2, 0.8 / k, w))
                trans.append((2, 1, 0.2 / k, w))
        return d.create_fsg(name, 0, 1, trans)

    def _activate(self, slot: _Slot, phrases: list[str] | None, g: float | None = None,
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
        key = phrases_key + (f"\0garbage={g}",)
        name = slot.grammars.get(key)
        if name is None:
            slot.counter += 1
            name = f"g{slot.counter}"
            d.add_fsg(name, self._build_fsg(slot, list(phrases_key), name, g))
            slot.grammars[key] = name
            if len(slot.grammars) > slot.MAX_GRAMMARS:
                _, old = slot.grammars.popitem(last=False)
                if slot.search == old:
                    slot.activate(FREE_SEARCH)
                d.remove_search(old)
        else:
            slot.grammars.move_to_end(key)
        slot.activate(name)
        return name

    def _garbage_for(self, info: dict) -> float:
        if info.get("narrowband"):
            return max(self.garbage_prob, NARROWBAND_GARBAGE)
        if info.get("noisy"):
            return min(self.garbage_prob, self.noisy_garbage_prob)
        return self.garbage_prob

    # --- results --------------------------------------------------------------------
    @staticmethod
    def _clean(hypstr: str) -> tuple[str, bool]:
        """Drop fillers; report whether the garbage path won."""
        words = [w for w in hypstr.split() if not (w.startswith("<") or w.startswith("[") or w.startswith("+"))]
        garbage = any(w.startswith(GARBAGE_PREFIX) for w in words)
        words = [w.split("(")[0] for w in words if not w.startswith(GARBAGE_PREFIX)]  # alternate pronunciations: "the(2)"
        return ("" if garbage else " ".join(words)), garbage

    def _result(self, d, samples: int, search: str) -> Recognition:
        hyp = d.hyp()
        raw = hyp.hypstr if hyp else ""
        text, garbage = self._clean(raw)
        conf = 0.0
        if hyp and text:
            try:
                conf = max(0.0, min(1.0, float(hyp.prob)))
            except Exception:  # pragma: no cover
                conf = 0.0
            if search != FREE_SEARCH:
                conf = max(conf, 0.5)  # grammar path beat the garbage loop: at least even odds
        return Recognition(text=text, confidence=conf,
                           details={"raw": raw, "garbage": garbage, "seconds": samples / SAMPLE_RATE})

    def _alternatives(self, d, best: str) -> list[str]:
        out: list[str] = []
        try:
            for i, entry in enumerate(d.nbest()):
                if i >= FREE_ALTERNATIVES:
                    break
                text = self._clean(entry.hypstr or "")[0]
                if text and text != best and text not in out:
                    out.append(text)
        except RuntimeError:  # no lattice for this utterance: the best reading only
            pass
        return out

    def _decode(self, slot: _Slot, pcm: bytes, phrases: list[str] | None,
                expecting: str | None) -> Recognition:
        d = slot.decoder
        t = time.perf_counter()
        info: dict = {}
        audio = prepare(pcm, info)
        search = self._activate(slot, phrases, self._garbage_for(info), expecting)
        if not audio:  # silence or steady noise: decoding it would only invent a phrase
            return Recognition(text="", confidence=0.0, details={
                "raw": "", "garbage": False, "silent": True, "seconds": len(pcm) / 2 / SAMPLE_RATE})
        # A fresh feature front end per utterance: results never depend on who spoke before.
        d.reinit_feat()
        d.start_utt()
        d.process_raw(audio, False, True)
        d.end_utt()
        rec = self._result(d, len(pcm) // 2, search)
        if search == FREE_SEARCH and rec.text:
            rec.alternatives = self._alternatives(d, rec.text)
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
