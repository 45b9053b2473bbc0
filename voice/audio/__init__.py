"""Sound in and out: WAV decoding and checks (wav.py), the microphone and speakers
(microphone.py), speech synthesis (tts.py) and the cache of spoken replies (speech_cache.py)."""
