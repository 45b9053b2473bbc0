"""Whisper (faster-whisper on CTranslate2, int8 on the CPU): the English recogniser that
installs from PyPI with a real English model.

engine.py is the Engine (recognize, stream); around it, one job per module:
  * model_files.py: which model folder, what it must hold, the packaged model's hash check;
  * options.py: the measured decoding choices (WhisperOptions) and thresholds;
  * prompts.py: the pending question as Whisper's prompt, the asked signs as hotwords;
  * decoding.py: the loaded model, decoding a clip in a short window or in 30 s;
  * two_engines.py: the second engine (PocketSphinx's grammar) for a yes/no or weeks answer.

The model is loaded once per process; CTranslate2 releases the GIL while it computes, so
the server decodes Whisper in its threadpool on one shared model (like Vosk) and only the
grammar fallback, which holds the GIL, goes to worker processes.
"""
