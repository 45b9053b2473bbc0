"""Voice over HTTP: `POST /v1/sessions/{id}/audio` and `GET /v1/sessions/{id}/speech`.

/audio takes one spoken turn as a WAV body, recognises it with the process-wide engine
(`voice.asr.get_engine()`) listening only for what the pending question accepts
(`intents.grammar.phrases_for`), and answers the Reply with `transcript`. Speech that
matches nothing comes back as transcript "" and is still a turn: the skill says it did
not catch that and asks again (never a guessed yes/no). Audio it cannot use is refused
with a 4xx JSON error and leaves the conversation exactly where it was.

/audio is async: the body streams into a capped buffer and recognition runs on the audio
gate's own threads (voice/audio_gate.py: at most BACKPAIN_AUDIO_IN_FLIGHT uploads at once,
more get 503 asr_busy with Retry-After), so speech never takes the threads text turns,
new sessions and health checks are answered in. `If-Match: N` (the `turn` of the Reply
being answered) makes a retried upload safe: a stale one gets 409 turn_conflict.

/speech returns the latest reply spoken (WAV). Synthesis is cached per session and text,
in memory only and bounded, so a client that fetches the same reply twice pays once.

Privacy: neither audio nor transcripts are stored or logged here; the transcript only
goes into the Reply that the caller receives (the session store never holds it).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import subprocess
import threading
import time
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from models import ErrorBody, Reply
from voice.asr import Recognition, hear
from voice.audio import AudioError, decode_wav
from voice.audio_gate import AudioGate, drain, lower_priority, read_capped
from voice.errors import ERROR_RESPONSES, ApiError

log = logging.getLogger("backpain.voice")

WAV_TYPES = ("audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave")
_BINARY = {"schema": {"type": "string", "format": "binary"}}

router = APIRouter(tags=["voice"])


# --- the recogniser ----------------------------------------------------------------------
#
# A `def` endpoint runs in FastAPI's threadpool, which keeps the event loop free only if
# the recogniser releases the GIL while it decodes. Vosk does (cffi); PocketSphinx's
# Cython bindings do not: measured, one 15 s answer at the open question froze every
# other request, /healthz included, for the 11 s it took to decode. So PocketSphinx
# decodes in worker processes (up to BACKPAIN_ASR_WORKERS, default min(2, cores), started
# as needed; each holds its own ~60 MB decoder), and Vosk, whose large models should be
# loaded only once, decodes in threads on the shared model. Whisper does too (CTranslate2
# releases the GIL: measured, a thread ticking every 1 ms kept ticking through ten decodes;
# one model in the server, ~140 MB, instead of one per worker), and its PocketSphinx
# fallback (yes/no grammar answers, second readings of the opening) runs in the worker
# processes. BACKPAIN_ASR_WORKERS=0 keeps everything in this process. Workers that die (a
# native crash, kill) are replaced and the turn is retried once.

HOLDS_GIL = {"pocketsphinx"}
_W_ENGINE = None  # in a worker process: its own engine
_W_ERROR: str | None = None


def _worker_init(parent: int, choice: str | None = None) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent decides
    try:
        os.nice(10)  # speech decoding gives way to text turns (voice/audio_gate.py)
    except OSError:
        pass

    def exit_with_parent() -> None:  # a killed server (kill -9) must not leave workers behind:
        while True:                  # they hold both ends of their task queue, so never see EOF.
            if os.getppid() != parent:  # (the pid is passed in: the server may die while we start)
                os._exit(0)
            time.sleep(1.0)

    threading.Thread(target=exit_with_parent, name="exit-with-parent", daemon=True).start()
    logging.getLogger("voice.asr").setLevel(logging.WARNING)
    global _W_ENGINE, _W_ERROR
    from voice.asr import get_engine, make_engine

    try:
        # choice: the engine a Whisper server's workers run for it (PocketSphinx)
        _W_ENGINE = make_engine(choice) if choice else get_engine()
    except Exception as e:  # reported by every task; an initializer that raises breaks the pool
        _W_ERROR = f"{type(e).__name__}: {e}"


def _worker_engine():
    from voice.asr import ModelError

    if _W_ENGINE is None:
        raise ModelError(_W_ERROR or "the recogniser did not load")
    return _W_ENGINE


def _worker_describe() -> tuple[str, str]:
    engine = _worker_engine()
    return engine.name, engine.model


def _worker_recognize(pcm: bytes, expecting: str | None, asking: tuple[str, ...]) -> Recognition:
    return hear(_worker_engine(), pcm, expecting, list(asking))


def _worker_engine_recognize(pcm: bytes, phrases: list[str] | None, expecting: str | None) -> Recognition:
    return _worker_engine().recognize(pcm, phrases, expecting=expecting)


class _PooledEngine:
    """An engine whose decoding runs in the recogniser's worker processes: Whisper's
    PocketSphinx fallback, so that it never holds this process's GIL."""

    name = "pocketsphinx"

    def __init__(self, recognizer: "_Recognizer"):
        self._recognizer = recognizer

    def recognize(self, pcm: bytes, phrases: list[str] | None = None, *, expecting: str | None = None) -> Recognition:
        return self._recognizer.in_workers(_worker_engine_recognize, pcm, phrases, expecting)


def _workers() -> int:
    raw = os.environ.get("BACKPAIN_ASR_WORKERS", "").strip()
    try:
        return max(0, int(raw)) if raw else min(2, os.cpu_count() or 1)
    except ValueError:
        log.warning("BACKPAIN_ASR_WORKERS=%r is not a number; using the default", raw)
        return min(2, os.cpu_count() or 1)


class _Recognizer:
    """The server's speech recogniser: loaded once (in the background for `backpain serve`),
    a load failure remembered and reported, and named to the service for metrics/audit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._engine = None  # in-process engine (Vosk, Whisper, or BACKPAIN_ASR_WORKERS=0)
        self._workers = 0
        self._pool_choice: str | None = None  # the workers' engine when it is not the server's
        self.name: str | None = None
        self.model: str | None = None
        self.error: str | None = None
        self.loaded = False

    def _unavailable(self, why: str) -> ApiError:
        self.error = why
        return ApiError(503, "asr_unavailable", f"Speech recognition is not available on this server: {why}. "
                                                "Text turns still work (POST .../text).")

    def _new_pool(self, workers: int, choice: str | None = None) -> ProcessPoolExecutor:
        """Workers start on demand (one more whenever none is idle, up to `workers`); the first
        is started and loaded now, so readiness means a turn can be decoded at once.
        choice: the engine the workers run for an in-process one (None: the server's engine)."""
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_init, initargs=(os.getpid(), choice))
        try:
            described = pool.submit(_worker_describe).result(timeout=300)
            if choice is None:
                self.name, self.model = described
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        return pool

    def _start_pool(self, workers: int, choice: str | None = None) -> bool:
        """False when worker processes cannot be started here (e.g. a program read from stdin
        cannot be re-imported by `spawn`): decoding then stays in this process."""
        try:
            self._pool, self._workers, self._pool_choice = self._new_pool(workers, choice), workers, choice
            return True
        except (BrokenProcessPool, OSError, EOFError, RuntimeError) as e:
            log.warning("speech recognition worker processes unavailable (%s); decoding in the server process",
                        type(e).__name__)
            return False

    @staticmethod
    def _pocketsphinx_expected() -> bool:
        """Would voice.asr pick PocketSphinx? (Then only the workers need to load it.)"""
        from voice.asr.select import expected_engine

        return expected_engine() == "pocketsphinx"

    def load(self, service=None) -> None:
        """Idempotent; raises ApiError(503) when no recogniser can be loaded."""
        with self._lock:
            if not self.loaded:
                from voice.asr import ModelError, get_engine, reset_engine

                workers = _workers()
                try:
                    if workers > 0 and self._pocketsphinx_expected() and self._start_pool(workers):
                        pass
                    else:
                        engine = get_engine()
                        self.name, self.model = engine.name, engine.model
                        if engine.name in HOLDS_GIL and workers > 0 and self._start_pool(workers):
                            reset_engine()  # the workers decode; drop this process's copy
                        else:
                            self._engine = engine
                            if hasattr(engine, "grammar"):  # Whisper's PocketSphinx fallback
                                if workers > 0 and self._start_pool(workers, "pocketsphinx"):
                                    engine.grammar = _PooledEngine(self)
                                else:
                                    getattr(engine, "grammar")  # in this process, loaded now
                except (ModelError, ValueError, ImportError, OSError) as e:
                    raise self._unavailable(str(e) or type(e).__name__) from None
                self.loaded, self.error = True, None
        if service is not None and getattr(service, "asr_engine", None) != self.name:
            setter = getattr(service, "set_asr_engine", None)
            if setter:
                setter(self.name, self.model)

    def recognize(self, pcm: bytes, expecting: str | None, asking: list[str], service=None) -> Recognition:
        self.load(service)
        if self._engine is not None:
            return hear(self._engine, pcm, expecting, asking)
        return self.in_workers(_worker_recognize, pcm, expecting, tuple(asking))

    def in_workers(self, fn, *args) -> Recognition:
        """fn(*args) in a worker process; a dead worker is replaced and the call retried once."""
        for attempt in (1, 2):
            pool = self._pool
            try:
                return pool.submit(fn, *args).result(timeout=300)
            except TimeoutError:  # a 60 s recording decodes in well under a minute; something is stuck
                raise ApiError(503, "asr_unavailable", "Speech recognition is overloaded; try again.") from None
            except BrokenProcessPool:
                log.error("a speech recognition worker died; starting new ones")
                with self._lock:
                    if self._pool is pool:
                        pool.shutdown(wait=False, cancel_futures=True)
                        try:
                            self._pool = self._new_pool(self._workers, self._pool_choice)
                        except Exception as e:
                            self.loaded = False
                            raise self._unavailable(f"the recogniser workers could not be restarted ({e})") from None
        raise self._unavailable("the recogniser workers keep failing")


RECOGNIZER = _Recognizer()


def install_audio_gate(app: FastAPI, in_flight: int) -> None:
    """The bound on uploads in flight and the threads that decode them (voice/audio_gate.py)."""
    app.state.audio_gate = AudioGate(in_flight, slots=max(1, _workers()))


def start_recognizer(app: FastAPI) -> threading.Thread:
    """For `backpain serve`: load the recogniser now, in the background, and add a readiness
    check "recognizer_loaded" (so /readyz answers 503 until the model is in memory, which
    for a large Vosk model takes many seconds; /healthz answers meanwhile)."""
    service = app.state.service

    def recognizer_loaded() -> bool:
        return RECOGNIZER.loaded

    recognizer_loaded.__qualname__ = "recognizer_loaded"
    readiness = getattr(app.state, "readiness", None)
    if isinstance(readiness, list):
        readiness.append(recognizer_loaded)

    def load() -> None:
        lower_priority()  # the recogniser's own threads, started from here, inherit it
        try:
            RECOGNIZER.load(service)
        except ApiError:
            log.error("speech recognition unavailable: %s", RECOGNIZER.error)

    t = threading.Thread(target=load, name="load-recognizer", daemon=True)
    t.start()
    return t


# --- helpers -----------------------------------------------------------------------------

def _not_found() -> ApiError:
    return ApiError(404, "session_not_found",
                    "No such session. It may have ended or been deleted; start a new one with POST /v1/sessions.")


def _latest(service, session_id: str) -> Reply:
    from voice.service import SessionNotFound

    try:
        return service.latest(session_id)
    except SessionNotFound:
        raise _not_found() from None


def _reply_json(reply: Reply) -> JSONResponse:
    body = reply.model_dump(mode="json")
    if body.get("transcript") is None:
        body.pop("transcript", None)
    return JSONResponse(body)


def _check_wav_type(request: Request) -> None:
    """415 unless the declared type is a WAV one (the body is not read then).
    The size and time limits are enforced by voice.limits.BodySizeLimit as it streams in."""
    ctype = request.headers.get("content-type", "")
    media = ctype.split(";", 1)[0].strip().lower()
    if media not in WAV_TYPES:
        shown = f"Content-Type {media!r}" if media else "no Content-Type"
        raise ApiError(415, "unsupported_media_type",
                       f"This endpoint takes a WAV recording (16-bit PCM, 16 kHz mono is best) "
                       f"sent as Content-Type: audio/wav; the request had {shown}.")


AUDIO_ERRORS = {
    **ERROR_RESPONSES,
    400: {"model": ErrorBody, "description": "The WAV file is damaged or truncated (`bad_audio`)"},
    413: {"model": ErrorBody, "description": "Recording longer than 60 s (`audio_too_long`) or body over 10 MB"},
    415: {"model": ErrorBody, "description": "Not a WAV body, or a WAV encoding/rate/channel count we do not take "
                                             "(8-48 kHz, mono or stereo, PCM or float)"},
    422: {"model": ErrorBody, "description": "Empty recording (`empty_audio`), or an If-Match that is no turn number"},
    503: {"model": ErrorBody, "description": "Speech recognition is not available on this server (`asr_unavailable`), "
                                             "or busy with as many recordings as it takes at once (`asr_busy`, see "
                                             "Retry-After), or the store cannot write (`store_unavailable`)"},
}
SPEECH_ERRORS = {k: AUDIO_ERRORS[k] for k in (401, 404, 429)}
SPEECH_ERRORS[503] = {"model": ErrorBody, "description": "Speech synthesis is not available on this server"}


# --- POST /audio -------------------------------------------------------------------------

@router.post(
    "/v1/sessions/{session_id}/audio",
    response_model=Reply,
    responses=AUDIO_ERRORS,
    summary="One spoken turn (WAV in, Reply with transcript out)",
    description=(
        "The body is the person's answer recorded as a WAV file (`Content-Type: audio/wav`; "
        "`audio/x-wav` and `audio/wave` are accepted too). Any PCM or float WAV of 8-48 kHz, mono "
        "or stereo, up to 60 s is converted to 16 kHz mono; 16 kHz 16-bit mono is best. The speech "
        "is recognised against what the pending question accepts; `transcript` is what was heard, "
        "\"\" when nothing usable was (the skill then asks again). Audio is not stored."
    ),
    openapi_extra={"requestBody": {"required": True, "content": {t: _BINARY for t in WAV_TYPES[:3]}},
                   "parameters": [{"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
                                   "description": "optional: the `turn` of the Reply this recording answers (e.g. "
                                                  "`3`); a stale one gets 409 `turn_conflict` with the current Reply"}]},
)
async def audio_turn(session_id: str, request: Request):
    from voice.service import SessionNotFound, check_turn

    service = request.app.state.service
    gate: AudioGate = request.app.state.audio_gate
    _check_wav_type(request)  # 415, body unread
    try:
        expected = _if_match(request)
        latest = await run_in_threadpool(_latest, service, session_id)  # 404 before any decoding
        check_turn(latest, expected)  # a stale retry: 409 at once, nothing decoded
        if not gate.enter():
            raise gate.busy()
    except Exception:
        await drain(request)  # dropped as it streams in: the client reads the answer, memory stays flat
        raise
    try:
        body = await read_capped(request)
        heard = await gate.run(_recognize, service, body, latest)
        del body
        reply = await run_in_threadpool(
            lambda: service.turn(session_id, heard.text, transcript=heard.text, engine=RECOGNIZER.name,
                                 alternatives=heard.alternatives, confident=heard.confident, expected_turn=expected))
    except SessionNotFound:  # deleted while we were listening
        raise _not_found() from None
    finally:
        gate.leave()
    return _reply_json(reply)


def _recognize(service, body: bytes, latest: Reply) -> Recognition:
    """On the audio gate's threads: the WAV decoded and recognised for the pending question."""
    lower_priority()
    try:
        pcm = decode_wav(body)
    except AudioError as e:
        raise ApiError(e.status, e.code, e.message) from None
    RECOGNIZER.load(service)
    try:
        return RECOGNIZER.recognize(pcm, latest.expecting, latest.asking, service)
    except ValueError as e:  # e.g. a Vosk model that knows none of the question's words
        raise ApiError(503, "asr_unavailable", f"Speech recognition cannot listen for this question: {e}") from None


def _if_match(request: Request) -> int | None:
    """`If-Match: 3` (or `"3"`, `W/"3"`): the turn of the Reply this recording answers."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip()
    value = value[2:] if value.startswith("W/") else value
    value = value.strip('"')
    if not value.isdigit() or len(value) > 9:
        raise ApiError(422, "invalid_request", f"If-Match: expected the turn of the reply this answers, e.g. "
                                               f"If-Match: 3, not {raw[:20]!r}.")
    return int(value)


# --- GET /speech -------------------------------------------------------------------------

class _SpeechCache:
    """LRU of synthesised WAVs, keyed by session and a hash of (text, rate, voice); bounded
    in bytes. Memory only; entries of deleted sessions simply age out."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024, max_items: int = 256):
        self.max_bytes, self.max_items = max_bytes, max_items
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def key(session_id: str, text: str) -> tuple[str, str]:
        settings = f"{os.environ.get('BACKPAIN_TTS_RATE', '')}|{os.environ.get('BACKPAIN_TTS_VOICE', '')}"
        return session_id, hashlib.sha256(f"{settings}\n{text}".encode()).hexdigest()

    def get(self, key) -> bytes | None:
        with self._lock:
            wav = self._items.get(key)
            if wav is not None:
                self._items.move_to_end(key)
            return wav

    def put(self, key, wav: bytes) -> None:
        if len(wav) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._items[key] = wav
            self._bytes += len(wav)
            while self._bytes > self.max_bytes or len(self._items) > self.max_items:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)


SPEECH_CACHE = _SpeechCache()


@router.get(
    "/v1/sessions/{session_id}/speech",
    response_class=Response,
    responses={200: {"content": {"audio/wav": _BINARY},
                     "description": "The latest reply's `say`, spoken: a 16-bit mono WAV file"},
               **SPEECH_ERRORS},
    summary="The latest reply, spoken (WAV)",
    description="Text to speech of the latest reply's `say` (phone numbers read digit by digit). "
                "Settings: BACKPAIN_TTS_RATE (words per minute), BACKPAIN_TTS_VOICE.",
)
def speech(session_id: str, request: Request):
    from voice.tts import synthesize

    latest = _latest(request.app.state.service, session_id)
    key = SPEECH_CACHE.key(session_id, latest.say)
    wav = SPEECH_CACHE.get(key)
    if wav is None:
        try:
            wav = synthesize(latest.say)
        except (RuntimeError, OSError) as e:
            raise ApiError(503, "tts_unavailable", f"Speech synthesis is not available on this server: {e}") from None
        except subprocess.SubprocessError:  # espeak-ng failed or timed out
            raise ApiError(503, "tts_unavailable", "Speech synthesis failed on this server.") from None
        SPEECH_CACHE.put(key, wav)
    # health data: no shared caches may keep it
    return Response(wav, media_type="audio/wav", headers={"Cache-Control": "no-store"})
