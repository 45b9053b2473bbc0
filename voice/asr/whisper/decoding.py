"""The loaded Whisper model, and decoding one clip with it.

A short answer is encoded in a short window (options.WINDOW seconds) instead of Whisper's
30 s: faster-whisper's transcribe() pads every segment to 30 s whatever `chunk_length`
says (its pad_or_trim), and the encoder's time grows with the window (a short answer:
~180 ms at 10 s, ~890 ms at 30 s on 2 busy cores), so clips that fit the window go to
CTranslate2's generate() directly, and longer ones to transcribe(). A window reading that
loops is decoded again at 30 s.
"""

from __future__ import annotations

import os
import zlib

from ..base import ModelError, SAMPLE_RATE
from .options import MAX_RATIO


def compression_ratio(text: str) -> float:
    raw = text.encode("utf-8")
    return len(raw) / max(1, len(zlib.compress(raw)))


def loops(text: str) -> bool:
    """A reading that repeats itself: compression ratio over MAX_RATIO (Whisper's test, for
    long ones), or one to three words said four times running ("no no no no no no no":
    too short for the ratio to notice)."""
    if compression_ratio(text) > MAX_RATIO:
        return True
    words = text.lower().replace(",", " ").replace(".", " ").split()
    for n in (1, 2, 3):
        for i in range(len(words) - 4 * n + 1):
            if all(words[i + k * n: i + (k + 1) * n] == words[i: i + n] for k in range(1, 4)):
                return True
    return False


class WhisperDecoder:
    """faster-whisper's model and tokenizer for one model folder, int8 on `threads` CPU threads."""

    def __init__(self, model_dir: str | os.PathLike, threads: int):
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(str(model_dir), device="cpu", compute_type="int8",
                                       cpu_threads=threads, num_workers=1, local_files_only=True)
        except Exception as e:  # a corrupt or foreign model.bin: CTranslate2 raises RuntimeError/ValueError
            raise ModelError(f"cannot load the Whisper model from {model_dir}: {e}") from None
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        multilingual = self._model.model.is_multilingual
        self._tokenizer = Tokenizer(self._model.hf_tokenizer, multilingual, task="transcribe",
                                    language="en" if multilingual else None)
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])

    def prompt_tokens(self, prompt: str | None, hotwords: str | None) -> list[int]:
        tok = self._tokenizer
        tokens: list[int] = []
        text = " ".join(filter(None, (hotwords, prompt)))
        if text:
            # Whisper's previous-text slot holds at most half its context (223 tokens)
            tokens = [tok.sot_prev] + tok.encode(" " + text.strip())[-223:]
        return tokens + list(tok.sot_sequence) + [tok.no_timestamps]

    def _generate(self, features, frames: int, prompt: list[int], beam: int, hypotheses: int, seconds: float):
        import ctranslate2
        import numpy as np

        n = features.shape[-1]
        f = np.pad(features, ((0, 0), (0, max(0, frames - n))))[:, :frames]
        storage = ctranslate2.StorageView.from_array(np.ascontiguousarray(f[None], dtype=np.float32))
        # CTranslate2 counts the prompt in max_length (so does faster-whisper's max_new_tokens);
        # new tokens: ~3 words a second, a few tokens each, a bound that stops a loop early
        max_length = min(448, len(prompt) + int(20 + 8 * seconds))
        r = self._model.model.generate(storage, [prompt], beam_size=beam, num_hypotheses=hypotheses,
                                       return_scores=True, return_no_speech_prob=True, max_length=max_length,
                                       suppress_blank=True, suppress_tokens=self._suppress)[0]
        readings = []
        for ids, score in zip(r.sequences_ids, r.scores):
            text = self._tokenizer.decode([t for t in ids if t < self._tokenizer.eot]).strip()
            # faster-whisper's avg_logprob: cumulative log-probability over length + 1
            readings.append((text, score * len(ids) / (len(ids) + 1)))
        return readings, r.no_speech_prob

    def decode(self, x, prompt_text: str | None, hotwords: str | None, beam: int,
               hypotheses: int, window: float) -> tuple[list[str], float, float, dict]:
        """(readings best first, avg_logprob, no_speech_prob, details) for float32 audio."""
        prompt = self.prompt_tokens(prompt_text, hotwords)
        seconds = len(x) / SAMPLE_RATE
        details: dict = {"window": None}
        if seconds <= 29.0:
            features = self._model.feature_extractor(x)
            frames = 3000
            if seconds + 1.0 <= window:
                frames = int(window * 100)
            readings, no_speech = self._generate(features, frames, prompt, beam, hypotheses, seconds)
            if frames < 3000 and readings and loops(readings[0][0]):
                details["loop_redone"] = True  # a short window can make Whisper repeat itself
                frames = 3000
                readings, no_speech = self._generate(features, frames, prompt, beam, hypotheses, seconds)
            details["window"] = frames / 100
            return [t for t, _ in readings], readings[0][1] if readings else -10.0, no_speech, details
        segments, _ = self._model.transcribe(x, language="en", beam_size=beam, initial_prompt=prompt_text,
                                             hotwords=hotwords, condition_on_previous_text=False,
                                             vad_filter=False, without_timestamps=True)
        segments = list(segments)
        details["window"] = 30.0
        if not segments:
            return [""], -10.0, 1.0, details
        total = sum(max(1, len(s.tokens)) for s in segments)
        logprob = sum(s.avg_logprob * max(1, len(s.tokens)) for s in segments) / total
        return [" ".join(s.text.strip() for s in segments)], logprob, max(s.no_speech_prob for s in segments), details
