"""The decoders, and the searches compiled into each.

A Decoder is not thread-safe and holds ~60 MB, so decoders live in a small pool (one per
core at most), checked out for one recognition or one stream. Each holds the free-speech
search and the last MAX_GRAMMARS grammars it was asked for.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict

from ..base import ModelError, SAMPLE_RATE
from .grammar import add_garbage_words

FREE_SEARCH = "_free"

# Search settings (measured): wide beams for the small grammars (with the default 1e-48
# the right phrase was pruned on short answers and the search ended with no phrase at
# all); the LM search keeps the model's default beams, or it runs slower than real time.
# A lower language weight for grammars (3 instead of the model's 6.5) lets the acoustics
# speak louder than the phrase probabilities: measured +1 point on held-out yes/no answers
# and +2 on answers phrased by someone who had not seen the grammar.
GRAMMAR_CONFIG = dict(beam=1e-80, pbeam=1e-80, wbeam=1e-60, lw=3.0)
FREE_CONFIG = dict(beam=1e-48, pbeam=1e-48, wbeam=7e-29, lw=6.5)
# Pronunciations the dictionary lacks: "can't" as most non-US voices say it; "perhaps" as
# British ("puh-haps") and quick ("praps") speech.
EXTRA_PRONUNCIATIONS = {"can't(2)": "K AA N T", "perhaps(2)": "P AH HH AE P S", "perhaps(3)": "P R AE P S"}


class Pool:
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


class Slot:
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

    def use_grammar(self, key: tuple[str, ...], make_fsg) -> str:
        """Activate the grammar search for `key`, compiling it with make_fsg(name) the first
        time; the least recently used grammar is dropped past MAX_GRAMMARS."""
        d = self.decoder
        name = self.grammars.get(key)
        if name is None:
            self.counter += 1
            name = f"g{self.counter}"
            d.add_fsg(name, make_fsg(name))
            self.grammars[key] = name
            if len(self.grammars) > self.MAX_GRAMMARS:
                _, old = self.grammars.popitem(last=False)
                if self.search == old:
                    self.activate(FREE_SEARCH)
                d.remove_search(old)
        else:
            self.grammars.move_to_end(key)
        self.activate(name)
        return name


def new_slot(hmm: str, dictionary: str, lm: str, extra: dict, model_dir: str) -> Slot:
    """A decoder on the model's files, with the garbage words and the free-speech search.
    extra: Decoder options from BACKPAIN_PS_CONFIG (AsrSettings.ps_config)."""
    from pocketsphinx import Decoder

    try:
        d = Decoder(hmm=hmm, dict=dictionary, lm=None, samprate=SAMPLE_RATE,
                    loglevel="FATAL", bestpath=False, topn=8, **{**GRAMMAR_CONFIG, **extra})
        # the model's feat.params overrides front-end options given to the constructor
        # (cmn, remove_noise, ...): set them again after loading, or they would be ignored
        for k, v in extra.items():
            d.config[k] = v
        d.reinit_feat()
        for word, phones in EXTRA_PRONUNCIATIONS.items():
            if d.lookup_word(word.split("(")[0]) is not None:
                d.add_word(word, phones, False)
        add_garbage_words(d)
        # the free-speech search keeps the default beams (searches copy the config
        # when they are made)
        for k, v in FREE_CONFIG.items():
            d.config[k] = extra.get(k, v)
        d.add_lm_file(FREE_SEARCH, lm)
        for k, v in GRAMMAR_CONFIG.items():
            d.config[k] = extra.get(k, v)
    except (RuntimeError, ValueError) as e:
        raise ModelError(f"cannot load PocketSphinx model from {model_dir}: {e}") from e
    return Slot(d)
