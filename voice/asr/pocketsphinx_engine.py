"""PocketSphinx: the offline default, because its English model ships inside the wheel.

Per-question grammars are finite-state grammars built from the phrase list as a prefix
tree (shared first words such as "no ..." / "not ..." cost nothing extra), cached by
phrase set. Out-of-grammar rejection uses a *garbage loop* inside the same grammar: a
parallel path made of single-phone words that can imitate any speech. When a person says
something the question does not accept, the phone loop explains the audio better than
any phrase and the hypothesis starts with a garbage word, which we turn into "".
A free decode + fuzzy match would be slower and would happily map "no idea" onto "no";
keyword spotting needs per-phrase thresholds that do not transfer between voices. The
garbage path needs one knob (its entry probability), which `benchmarks/asr_bench.py`
measures against yes/no accuracy and rejection on the fixtures.

The free language model (open question) is PocketSphinx's general US-English trigram
model. (Boosting symptom words was tried: NGramModel.add_word() only adds *new* words,
it cannot raise the probability of ones already in the model.)

Measured settings (benchmarks/asr_bench.py): bestpath=False, because the lattice
best-path pass returned phrases cut short ("yes it" for "yes"); topn=8 Gaussians, a few
points better on the formant (espeak) voices for ~20% more time; garbage entry
probability 1e-20 (lower lets out-of-grammar speech through as a phrase, higher turns
real answers into "").

A Decoder is not thread-safe and holds ~60 MB, so decoders live in a small pool
(one per core at most), checked out for one recognition or one stream.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections import OrderedDict

from .base import Recognition, ModelError, SAMPLE_RATE, log, unique_phrases

# CMU phone set of the bundled en-us model (SIL is a filler, handled by the decoder).
PHONES = ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH "
          "T TH UH UW V W Y Z ZH").split()
GARBAGE_PREFIX = "__"

def _quiet(seconds: float) -> bytes:
    """Low-level dither, not digital zero: log-energy of exact zeros is -inf-like and skews CMN."""
    import numpy as np

    rng = np.random.default_rng(12345)
    return rng.normal(0.0, 3.0, int(seconds * SAMPLE_RATE)).round().astype("<i2").tobytes()


# Clips that start right on the first phoneme (TTS output, aggressive endpointers) lose
# their last words under the FSG search: the batch cepstral mean has no silence to anchor
# on. Measured on the fixtures: "yes i have" decoded as "yes i" until 0.2 s+ of lead-in
# was added. Padding is cheap (silence frames prune fast).
PAD = _quiet(0.3)


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


class PocketSphinxStream:
    def __init__(self, engine: "PocketSphinxEngine", phrases: list[str] | None):
        self._engine = engine
        self._slot = engine._pool.get()
        self._done = False
        try:
            self._search = engine._activate(self._slot, phrases)
            self._slot.decoder.reinit_feat()  # see PocketSphinxEngine.recognize
            self._slot.decoder.start_utt()
            self._slot.decoder.process_raw(PAD, False, False)
        except BaseException:
            engine._pool.put(self._slot)
            raise
        self._samples = 0
        self._t_last = time.perf_counter()

    def feed(self, pcm: bytes) -> str:
        if self._done:
            raise RuntimeError("stream already finished")
        if pcm:
            self._slot.decoder.process_raw(pcm, False, False)
            self._samples += len(pcm) // 2
        self._t_last = time.perf_counter()
        hyp = self._slot.decoder.hyp()
        return self._engine._clean(hyp.hypstr if hyp else "")[0]

    def finish(self) -> Recognition:
        if self._done:
            raise RuntimeError("stream already finished")
        self._done = True
        d = self._slot.decoder
        try:
            d.process_raw(PAD, False, False)
            d.end_utt()
            rec = self._engine._result(d, self._samples, self._search)
        finally:
            self._engine._pool.put(self._slot)
        rec.details["finish_seconds"] = time.perf_counter() - self._t_last
        return rec

    def __del__(self):  # a stream abandoned mid-way must give its decoder back
        if not getattr(self, "_done", True):
            self._done = True
            try:
                self._slot.decoder.end_utt()
            except Exception:
                pass
            self._engine._pool.put(self._slot)


class PocketSphinxEngine:
    name = "pocketsphinx"

    def __init__(self, model_dir: str | None = None, *, garbage_prob: float | None = None,
                 pool_size: int | None = None):
        from pocketsphinx import Decoder  # noqa: F401  (fail early with ImportError)

        self.model_dir = model_dir or default_model_dir()
        self.hmm = os.path.join(self.model_dir, "en-us")
        self.dict = os.path.join(self.model_dir, "cmudict-en-us.dict")
        self.lm = os.path.join(self.model_dir, "en-us.lm.bin")
        for p in (self.hmm, self.dict, self.lm):
            if not os.path.exists(p):
                raise ModelError(f"PocketSphinx model incomplete: {p} is missing")
        self.model = f"{self.model_dir} (en-us)"
        self.language = "en"
        env = os.environ.get
        self.garbage_prob = float(garbage_prob if garbage_prob is not None
                                  else env("BACKPAIN_PS_GARBAGE", "1e-20"))
        self._missing_warned: set[str] = set()
        t = time.perf_counter()
        self._pool = _Pool(self._new_slot, pool_size or min(2, os.cpu_count() or 1))
        self._pool.put(self._pool.get())  # load one decoder now: errors surface at start-up
        self.load_seconds = time.perf_counter() - t

    # --- decoder set-up -------------------------------------------------------------
    def _new_slot(self) -> _Slot:
        from pocketsphinx import Decoder

        try:
            d = Decoder(hmm=self.hmm, dict=self.dict, lm=self.lm, samprate=SAMPLE_RATE,
                        loglevel="FATAL", bestpath=False, topn=8, **_extra_config())
        except (RuntimeError, ValueError) as e:
            raise ModelError(f"cannot load PocketSphinx model from {self.model_dir}: {e}") from e
        for ph in PHONES:
            d.add_word(GARBAGE_PREFIX + ph.lower(), ph, False)
        d.add_word(GARBAGE_PREFIX + "sil", "SIL", True)
        return _Slot(d)

    def _known(self, d, phrase: str) -> bool:
        missing = [w for w in phrase.split() if d.lookup_word(w) is None]
        if missing:
            key = " ".join(missing)
            if key not in self._missing_warned:
                self._missing_warned.add(key)
                log.warning("pocketsphinx: dropping grammar phrase with word(s) not in the "
                            "dictionary: %s", ", ".join(missing))
            return False
        return True

    def _build_fsg(self, slot: _Slot, phrases: list[str], name: str):
        d = slot.decoder
        usable = [p for p in phrases if self._known(d, p)]
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
        g = self.garbage_prob
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

    def _activate(self, slot: _Slot, phrases: list[str] | None) -> str:
        d = slot.decoder
        if phrases is None:
            if d.current_search() != "_default":
                d.activate_search()  # the LM search the Decoder was created with
            return "_default"
        key = tuple(unique_phrases(phrases))
        if not key:
            raise ValueError("empty grammar: give at least one phrase, or None for free speech")
        name = slot.grammars.get(key)
        if name is None:
            slot.counter += 1
            name = f"g{slot.counter}"
            d.add_fsg(name, self._build_fsg(slot, list(key), name))
            slot.grammars[key] = name
            if len(slot.grammars) > slot.MAX_GRAMMARS:
                _, old = slot.grammars.popitem(last=False)
                d.remove_search(old)
        else:
            slot.grammars.move_to_end(key)
        if d.current_search() != name:
            d.activate_search(name)
        return name

    # --- results --------------------------------------------------------------------
    @staticmethod
    def _clean(hypstr: str) -> tuple[str, bool]:
        """Drop fillers; report whether the garbage path won."""
        words = hypstr.split()
        garbage = any(w.startswith(GARBAGE_PREFIX) for w in words)
        words = [w for w in words if not w.startswith(GARBAGE_PREFIX)
                 and not (w.startswith("<") or w.startswith("[") or w.startswith("+"))]
        words = [w.split("(")[0] for w in words]  # alternate pronunciations: "the(2)"
        return ("" if garbage else " ".join(words)), garbage

    def _result(self, d, samples: int, search: str) -> Recognition:
        hyp = d.hyp()
        raw = hyp.hypstr if hyp else ""
        text, garbage = self._clean(raw)
        conf = 0.0
        if hyp and text:
            try:
                conf = max(0.0, min(1.0, d.logmath.exp(hyp.prob)))
            except Exception:  # pragma: no cover
                conf = 0.0
            if search.startswith("g"):
                conf = max(conf, 0.5)  # grammar path beat the garbage loop: at least even odds
        return Recognition(text=text, confidence=conf,
                           details={"raw": raw, "garbage": garbage, "seconds": samples / SAMPLE_RATE})

    # --- public API -----------------------------------------------------------------
    def recognize(self, pcm: bytes, phrases: list[str] | None = None) -> Recognition:
        slot = self._pool.get()
        try:
            search = self._activate(slot, phrases)
            d = slot.decoder
            t = time.perf_counter()
            # A fresh feature front end per utterance: a stream's live CMN otherwise
            # carries into the next request, and results would depend on who spoke before.
            d.reinit_feat()
            d.start_utt()
            d.process_raw(PAD + pcm + PAD, False, True)
            d.end_utt()
            rec = self._result(d, len(pcm) // 2, search)
            rec.details["decode_seconds"] = time.perf_counter() - t
            return rec
        finally:
            self._pool.put(slot)

    def stream(self, phrases: list[str] | None = None) -> PocketSphinxStream:
        return PocketSphinxStream(self, phrases)
