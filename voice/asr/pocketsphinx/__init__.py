"""PocketSphinx: the offline default, because its English model ships inside the wheel.

engine.py is the Engine (recognize, stream); around it, one job per module:
  * front_end.py: the clip as the decoder should see it (silence cut, a noise floor added);
  * noise.py: how noisy or narrowband the clip is, and so how eagerly out-of-grammar
    speech is rejected;
  * grammar.py: a question's phrases as a finite-state grammar with a garbage loop;
  * decoders.py: the decoders (one per core at most) and the searches compiled into them;
  * readings.py: the decoder's hypothesis read back as text, confidence and alternatives.

Free speech (the open question) is decoded with a *domain* trigram model written at
start-up from the skill's own vocabulary (voice/asr/domain_lm.py, cached on disk), with
common English words as a low-probability background; the general US-English model
missed most symptom words. BACKPAIN_PS_FREE_LM=general (AsrSettings.ps_free_lm) switches
back to it.
"""
