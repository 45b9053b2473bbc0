"""Moved to voice.asr.pocketsphinx (engine.py and its parts); this shim goes when every importer is updated."""

from .pocketsphinx.engine import PocketSphinxEngine, PocketSphinxStream, default_model_dir
from .pocketsphinx.front_end import prepare

__all__ = ["PocketSphinxEngine", "PocketSphinxStream", "default_model_dir", "prepare"]
