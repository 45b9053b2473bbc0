"""How Whisper decodes: the measured choices (benchmarks/asr_bench.py, numbers in
BENCHMARKS.md), which benchmarks vary through WhisperOptions.

  * the pending question is the prompt (Whisper's "previous text"): 135 vs 132 of 140 clean
    yes/no fixtures without it. The opening question gets OPENING_PROMPT, a description of
    the setting that names no symptom, because symptom words in a prompt can make the model
    "hear" them (an over-triage bug). Measured on the fixtures: the asked signs' phrases as
    hotwords 134 of 140 (no gain, not used); a symptom-list prompt for the opening found
    every sign in 58 of 63 sentences vs 53, with the same 4 sentences with a wrong sign, not
    yet checked on held-out sets, so not used;
  * a short answer is encoded in a WINDOW-second window instead of Whisper's 30 s
    (decoding.py says why and how). The short window hears less (127 vs 136 of 140 clean
    yes/no), so an answer it leaves unsure or undecided is decoded again at 30 s (135 of
    140; median 364 ms vs 891 ms at 30 s, on 2 busy cores). A window reading that loops is
    decoded again at 30 s too;
  * beam 1 for answers (beam 5: no better, one opposite answer more), beam 5 for the
    opening, whose five readings are all searched for signs (fixtures 46 -> 53 of 63
    sentences, 4 with a wrong sign either way), and PocketSphinx's readings of it as well;
  * a yes/no answer whose Whisper reading decides nothing may fall back to the grammar
    engine, and a weeks answer that gives no weeks does; every weeks answer is checked by it
    (two_engines.py).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    # yes/no: ask the grammar engine too "never" | "unsure" | "no" (unsure, and every "no") | "always".
    # Held-out voices (528 yes/no clips, one run each): "unsure" 461 right, 3 heard as the opposite
    # (one a yes heard, sure, as "no let's hold it"), 8 asked again; "no" 459, 2 opposite (a "nah"
    # heard as "yeah", twice), 11; "always" 459, none, 13. Kept: "always", as both engines must
    # then agree on the direction; it costs one grammar decode (about 0.1-0.2 s) per answer
    cross_check: str = "always"
    # weeks: the same, for a reading that gives weeks (a reading that gives none falls back
    # unless fallback is "never"); measured on held-out voices, "always" leaves 8 wrong
    # numbers of 264 where "unsure" left about 20 (two_engines.py)
    weeks_cross_check: str = "always"
    alternatives: bool = True  # free speech: the beam's other hypotheses as alternatives
    trim: bool = True  # cut leading/trailing silence before encoding
    pad: float = 0.2  # seconds of the recording kept around the speech when trimming
    style: str = "plain"  # the question as the prompt: "plain", or "dialogue" ("Nurse: ... Me:")
    # an answer the short window leaves unsure or undecided is decoded again in 30 s
    escalate: bool = True
    opening: str = ""  # a key of OPENING_PROMPTS; "" = OPENING_PROMPT
    second_opinion: bool = True  # free speech: the grammar engine's own readings as alternatives
