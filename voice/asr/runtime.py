"""The server's speech recogniser: loaded once, decoding in worker processes where it must.

A thread keeps the event loop free only if the recogniser releases the GIL while it
decodes. Vosk does (cffi); PocketSphinx's Cython bindings do not: measured, one 15 s
answer at the open question froze every other request, /healthz included, for the 11 s
it took to decode. So PocketSphinx decodes in worker processes (up to
`AsrSettings.workers`, BACKPAIN_ASR_WORKERS, default min(2, cores), started as needed;
each holds its own ~60 MB decoder), and Vosk, whose large models should be loaded only
once, decodes in threads on the shared model. Whisper does too (CTranslate2 releases the
GIL: measured, a thread ticking every 1 ms kept ticking through ten decodes; one model in
the server, ~140 MB, instead of one per worker), and its PocketSphinx fallback (yes/no
grammar answers, second readings of the opening) runs in the worker processes. 0 workers
keeps everything in this process. Workers that die (a native crash, kill) are replaced and
the call is retried once.

Decoding (here and in the workers) runs at a lower CPU priority (nice NICE), so a typed
"I'm bleeding heavily" is answered first even while both cores decode speech.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from voice.config import AsrSettings

from .base import Engine, ModelError, Recognition

log = logging.getLogger("backpain.voice")

NICE = 10  # CPU priority of speech decoding (0 normal, 19 lowest)
HOLDS_GIL = {"pocketsphinx"}
CALL_TIMEOUT = 300  # seconds; a 60 s recording decodes in well under a minute: past this something is stuck


class RecognizerUnavailable(RuntimeError):
    """No recogniser could be loaded (or its workers restarted); the message says why."""


class RecognizerTimeout(RuntimeError):
    """A decode did not finish in CALL_TIMEOUT: the workers are stuck or overloaded."""


def lower_priority() -> None:
    """This thread (and the threads it starts) at nice NICE; Linux nice values are per thread."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), NICE))
    except (AttributeError, OSError):
        pass


# --- in a worker process -----------------------------------------------------------------

_W_ENGINE = None  # the worker's own engine
_W_ERROR: str | None = None


def _worker_init(parent: int, settings: AsrSettings, choice: str | None = None) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the parent decides
    try:
        os.nice(NICE)  # speech decoding gives way to text turns
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
    from .select import make_engine

    try:
        # choice: the engine a Whisper server's workers run for it (PocketSphinx)
        _W_ENGINE = make_engine(choice=choice, settings=settings)
    except Exception as e:  # reported by every task; an initializer that raises breaks the pool
        _W_ERROR = f"{type(e).__name__}: {e}"


def _worker_engine():
    if _W_ENGINE is None:
        raise ModelError(_W_ERROR or "the recogniser did not load")
    return _W_ENGINE


def _worker_describe() -> tuple[str, str, bool]:
    engine = _worker_engine()
    return engine.name, engine.model, bool(getattr(engine, "takes_question", False))


def _worker_recognize(pcm: bytes, phrases: list[str] | None, expecting: str | None, kwargs: dict) -> Recognition:
    return _worker_engine().recognize(pcm, phrases, expecting=expecting, **kwargs)


# --- in the server -----------------------------------------------------------------------

class PooledEngine:
    """An Engine whose decoding runs in the recogniser's worker processes (so it never
    holds this process's GIL): the server's PocketSphinx, or Whisper's PocketSphinx fallback."""

    def __init__(self, recognizer: "Recognizer", name: str, model: str = "", takes_question: bool = False):
        self._recognizer = recognizer
        self.name, self.model, self.takes_question = name, model, takes_question

    def recognize(self, pcm: bytes, phrases: list[str] | None = None, *, expecting: str | None = None,
                  **kwargs) -> Recognition:
        return self._recognizer.in_workers(_worker_recognize, pcm, phrases, expecting, kwargs)


class Recognizer:
    """The server's speech recogniser: loaded once (in the background for `backpain serve`),
    a load failure remembered and reported, and named to the service for metrics/audit.
    `engine()` is the Engine audio turns are heard with (voice.service.SkillService.hear)."""

    def __init__(self, settings: AsrSettings | None = None) -> None:
        self.settings = settings or AsrSettings()
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._engine: Engine | None = None  # in this process, or a PooledEngine
        self._workers = 0
        self._pool_choice: str | None = None  # the workers' engine when it is not the server's
        self.name: str | None = None
        self.model: str | None = None
        self.error: str | None = None
        self.loaded = False

    def _unavailable(self, why: str) -> RecognizerUnavailable:
        self.error = why
        return RecognizerUnavailable(why)

    def _new_pool(self, workers: int, choice: str | None = None) -> ProcessPoolExecutor:
        """Workers start on demand (one more whenever none is idle, up to `workers`); the first
        is started and loaded now, so readiness means a turn can be decoded at once.
        choice: the engine the workers run for an in-process one (None: the server's engine)."""
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_worker_init, initargs=(os.getpid(), self.settings, choice))
        try:
            described = pool.submit(_worker_describe).result(timeout=CALL_TIMEOUT)
            if choice is None:
                self.name, self.model, takes_question = described
                self._engine = PooledEngine(self, self.name, self.model, takes_question)
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

    def load(self, service=None) -> None:
        """Idempotent; raises RecognizerUnavailable when no recogniser can be loaded.
        `service` (a SkillService) is told the recogniser's name, for audit and /metrics."""
        with self._lock:
            if not self.loaded:
                from .select import expected_engine, get_engine, reset_engine

                workers = self.settings.workers
                try:
                    # PocketSphinx expected: only the workers need to load it
                    if workers > 0 and expected_engine(self.settings) == "pocketsphinx" and self._start_pool(workers):
                        pass
                    else:
                        engine = get_engine(settings=self.settings)
                        self.name, self.model = engine.name, engine.model
                        if engine.name in HOLDS_GIL and workers > 0 and self._start_pool(workers):
                            reset_engine()  # the workers decode; drop this process's copy
                        else:
                            self._engine = engine
                            if hasattr(engine, "grammar"):  # Whisper's PocketSphinx fallback
                                if workers > 0 and self._start_pool(workers, "pocketsphinx"):
                                    engine.grammar = PooledEngine(self, "pocketsphinx")
                                else:
                                    getattr(engine, "grammar")  # in this process, loaded now
                except (ModelError, ValueError, ImportError, OSError) as e:
                    raise self._unavailable(str(e) or type(e).__name__) from None
                self.loaded, self.error = True, None
        if service is not None and getattr(service, "asr_engine", None) != self.name:
            setter = getattr(service, "set_asr_engine", None)
            if setter:
                setter(self.name, self.model)

    def engine(self, service=None) -> Engine:
        """The Engine to hear with, loaded first if need be (raises RecognizerUnavailable)."""
        self.load(service)
        return self._engine

    def in_workers(self, fn, *args):
        """fn(*args) in a worker process; a dead worker is replaced and the call retried once."""
        for attempt in (1, 2):
            pool = self._pool
            try:
                return pool.submit(fn, *args).result(timeout=CALL_TIMEOUT)
            except TimeoutError:
                raise RecognizerTimeout("speech recognition is overloaded") from None
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


def load_in_background(recognizer: Recognizer, service=None) -> threading.Thread:
    """Loads `recognizer` now, on a low-priority daemon thread (a large Vosk model takes many
    seconds); a failure is logged and kept in `recognizer.error`."""

    def load() -> None:
        lower_priority()  # the recogniser's own threads, started from here, inherit it
        try:
            recognizer.load(service)
        except RecognizerUnavailable:
            log.error("speech recognition unavailable: %s", recognizer.error)

    t = threading.Thread(target=load, name="load-recognizer", daemon=True)
    t.start()
    return t
