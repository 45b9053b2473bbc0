"""A language model for the open question, made from the skill's own data at start-up.

PocketSphinx's general US-English model rarely puts symptom words ("spotting", "waters",
"contractions", "numb") on the best path, so the open question ("tell me what's going
on") missed most red flags. This module writes a corpus of symptom sentences from the
interaction model itself (never from the test corpus):

  * every sign phrase of intents/data/vocabulary.yaml (its templates said at random by
    intents.phrasebook.sample_phrases: lists filled in, alternatives and optional words
    chosen, contractions put back the way people say them: "i am" -> "i'm");
  * the sign, emergency and answer phrases of intents/data/grammar.yaml;
  * the questions' own wording (people echo the words they were asked with);
  * sentence frames around them ("my back hurts and ...", "... since this morning").

and trains a trigram model on it (pocketsphinx.lm.ArpaBoLM) with the few thousand most
frequent English words (pyspellchecker's frequency list) added as unigrams, so speech
outside the corpus can still be spelled out instead of being forced onto symptom words.
The ARPA file is cached on disk (in AsrSettings.cache_dir, passed down by the engine),
keyed by a hash of its inputs, so later starts only load it (~0.3 s).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import tempfile
from pathlib import Path

from intents.grammar import answer_phrases
from intents.phrasebook import sample_phrases
from intents.model import load

VERSION = "5"  # bump when the corpus recipe changes: the cache key includes it

# Normalised forms of vocabulary.yaml -> how they are usually said
_SAY = [
    ("i am", "i'm"), ("can not", "can't"), ("do not", "don't"), ("does not", "doesn't"),
    ("did not", "didn't"), ("is not", "isn't"), ("has not", "hasn't"), ("have not", "haven't"),
    ("will not", "won't"), ("it is", "it's"), ("there is", "there's"), ("that is", "that's"),
    ("was not", "wasn't"), ("are not", "aren't"), ("could not", "couldn't"), ("i have", "i've"),
]
# What a word gap of a template (a `<gap>` rule) stands for
_GAP_WORDS = ("really very so a the my been just also now quite bit lot little some all this it "
              "still more").split()
PREFIXES = [
    "", "", "", "i have", "i've got", "i'm", "my back hurts and", "my lower back hurts and",
    "i have back pain and", "i'm pregnant and", "well", "um", "i think", "also", "and",
    "the problem is", "since this morning", "since yesterday", "today", "i've noticed",
    "i've been having", "it's my back and", "i'm worried because", "my back is killing me and",
]
SUFFIXES = [
    "", "", "", "today", "since this morning", "since yesterday", "and my back hurts", "too",
    "as well", "for two days", "all the time", "and it's really bad", "and i'm worried",
    "last night", "this morning", "and my back is sore", "at the moment", "right now",
]
BACK_PAIN = [
    "my {where} {hurts} {when}", "i have {where} pain {when}", "i've got a pain in my {where} {when}",
    "my {where} {hurts}", "it hurts {when}", "the pain is in my {where}", "i have pain in my {where}",
]
WHERE = ["back", "lower back", "upper back", "hips", "hip", "pelvis", "tailbone", "spine", "side",
         "back and hips", "lower back and hips", "bum", "bottom"]
HURTS = ["hurts", "aches", "is sore", "is killing me", "is really sore", "is painful", "is stiff",
         "has been hurting", "has been aching", "feels tight"]
WHEN = ["", "when i stand", "when i walk", "when i sit", "when i bend", "at night", "in the morning",
        "all the time", "when i lie down", "when i get up", "after work", "since last week",
        "for a few days", "for three weeks", "on and off", "when i turn over in bed"]


def _data() -> dict:
    """The parts of the interaction model the corpus is made from, as validated at start-up."""
    model = load()
    return {"vocabulary": model.vocabulary.model_dump(), "grammar": model.grammar.model_dump(),
            "questions": model.questions.model_dump()}


def _say(text: str, rng: random.Random) -> str:
    text = " " + re.sub(r"\s+", " ", text).strip() + " "
    for full, short in _SAY:
        if f" {full} " in text and rng.random() < 0.6:
            text = text.replace(f" {full} ", f" {short} ")
    return text.strip()


def corpus(seed: int = 1, per_pattern: int = 30) -> list[str]:
    """Sentences a pregnant person with back pain might open with (lower case, no punctuation)."""
    rng = random.Random(seed)
    model = load()
    grammar, questions = model.grammar.model_dump(), model.questions.model_dump()
    symptoms: list[str] = []
    for slot in model.vocabulary.signs:
        for part in ("present", "partial", "absent"):  # the sign phrases' templates, said at random
            for s in sample_phrases(model.vocabulary, f"signs.{slot}.{part}", per_pattern, rng, _GAP_WORDS):
                if s.strip():
                    symptoms.append(_say(s, rng))
    for sides in grammar["signs"].values():
        symptoms += (sides["present"] + sides["absent"]) * 3
    symptoms += grammar["always"] * 3
    sentences = []
    for s in symptoms:
        sentences.append(" ".join(x for x in (rng.choice(PREFIXES), s, rng.choice(SUFFIXES)) if x))
    for _ in range(len(symptoms) // 4):  # two signs in one breath
        a, b = rng.sample(symptoms, 2)
        sentences.append(f"{a} and {b}")
    for _ in range(1500):
        t = rng.choice(BACK_PAIN).format(where=rng.choice(WHERE), hurts=rng.choice(HURTS),
                                         when=rng.choice(WHEN))
        sentences.append(" ".join(x for x in (t, rng.choice(SUFFIXES)) if x))
    wording = [questions["open"]["say"], questions["open"]["plain"], questions["weeks"]["plain"]]
    for q in questions["questions"]:
        wording += [q.get("say") or "", q.get("plain") or ""]
    for w in questions["slot_questions"].values():
        wording += [w["say"], w["plain"]]
    for w in wording:
        for part in re.split(r"[.?!,;]+", w.lower()):
            if part.strip():
                sentences.append(part)
    for answer in ("yes", "no", "unsure"):
        sentences += answer_phrases(answer)
    out = []
    for s in sentences:
        s = re.sub(r"[^a-z' ]+", " ", s.lower().replace("\u2019", "'"))
        s = re.sub(r"\s+", " ", s).strip(" '")
        if s:
            out.append(s)
    return out


def english_words(n: int = 3000) -> list[tuple[str, int]]:
    """The n most frequent English words (pyspellchecker's list) with their counts."""
    try:
        from spellchecker import SpellChecker
    except ImportError:  # pragma: no cover - a dependency of intents
        return []
    freq = SpellChecker(distance=1).word_frequency
    words = sorted(((w, c) for w, c in freq.items() if w.isalpha() or "'" in w), key=lambda x: -x[1])
    return words[:n]


def build_arpa(sentences: list[str], known, background: list[tuple[str, int]], path: Path,
               discount: float = 0.5, background_share: float = 0.05) -> None:
    """Trigram ARPA from sentences (words not in the recogniser's dictionary are dropped)."""
    from pocketsphinx.lm import ArpaBoLM

    kept = []
    for s in sentences:
        words = s.split()
        if words and all(known(w) for w in words):
            kept.append(" ".join(words))
    lm = ArpaBoLM(text="\n".join(kept) + "\n", add_start=True, discount_mass=discount)
    total = sum(lm.grams_1.values()) or 1
    bg = [(w, c) for w, c in background if known(w) and w not in lm.grams_1]
    bg_total = sum(c for _, c in bg) or 1
    for w, c in bg:  # the rest of English: rare, but possible
        lm.grams_1[w] = max(1, int(round(background_share * total * c / bg_total)))
    lm.compute()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem, suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            lm.write(f)
        os.replace(tmp, path)  # atomic: two processes building at once both end up right
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def cache_dir(folder: Path) -> Path:
    """`folder` (AsrSettings.cache_dir: BACKPAIN_CACHE_DIR, else $XDG_CACHE_HOME/backpain),
    made if need be, or a temporary folder when it cannot be written."""
    p = Path(folder)
    try:
        p.mkdir(parents=True, exist_ok=True)
        probe = p / ".w"
        probe.write_text("")
        probe.unlink()
    except OSError:
        p = Path(tempfile.gettempdir()) / "backpain-cache"
        p.mkdir(parents=True, exist_ok=True)
    return p


def domain_lm(dict_path: str, known, folder: Path) -> Path:
    """Path of the domain ARPA model, built (and cached in cache_dir(folder)) if needed."""
    h = hashlib.sha256(VERSION.encode())
    h.update(json.dumps(_data(), sort_keys=True).encode())
    h.update(str(os.path.getsize(dict_path)).encode())
    path = cache_dir(folder) / f"domain-{h.hexdigest()[:16]}.arpa"
    if not path.exists():
        build_arpa(corpus(), known, english_words(), path)
    return path
