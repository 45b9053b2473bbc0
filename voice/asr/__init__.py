"""Speech recognition: one Engine API, three implementations, one shared instance.

    from voice.asr import get_engine
    text = get_engine(settings.asr).recognize(pcm16k, phrases=["yes", "no"]).text   # "" = not understood

select.py picks the engine from AsrSettings and passes them down: vosk_engine.py, and the
pocketsphinx/ and whisper/ packages, each a room of small modules around its engine.py.
"""

from .base import Engine, ModelError, Recognition, Stream, normalize_phrase
from .listen import hear
from .select import available_engines, get_engine, make_engine, reset_engine

__all__ = ["Engine", "ModelError", "Recognition", "Stream", "available_engines", "get_engine", "hear",
           "make_engine", "normalize_phrase", "reset_engine"]
