"""Vosk (Kaldi) engine: used when the person has installed an English Vosk model.

No English Vosk model is on PyPI, so Vosk is opt-in: any model directory works
(BACKPAIN_VOSK_MODEL, VOSK_MODEL_PATH, Vosk's own cache folders, or a `vosk_model_*`
package: AsrSettings.vosk_model / vosk_model_path, passed in by select.py), and the
model is loaded once per process and shared, because loading costs seconds and
hundreds of MB while recognisers on a shared model are cheap and thread-safe.

Grammar mode passes Vosk the phrase list as its JSON grammar, plus the model's
unknown-word token so speech outside the list can land somewhere other than a phrase.
Two things in real models make that fragile, and both are handled here:
  * words missing from the model's vocabulary make Vosk log and silently drop them,
    so a phrase could shrink to a different phrase; we drop such phrases whole, once,
    with a warning;
  * models spell the unknown token differently ("[unk]" in most, "<UNK>" in some,
    e.g. the Korean package), and json.dumps' default \\uXXXX escaping is not
    understood by Vosk's grammar parser, so non-ASCII phrases must be sent raw.
Vosk's grammar lets phrases repeat ("no no"), so a result is accepted only when it is
exactly one phrase and its words are confident enough.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path

from voice.config import AsrSettings

from .base import (FREE_ALTERNATIVES, ModelError, Recognition, SAMPLE_RATE, log, phrases_in_vocabulary,
                   unique_phrases)

UNK_CANDIDATES = ("[unk]", "<UNK>", "<unk>")
_LANG_WORDS = {
    "english": "en", "korean": "ko", "german": "de", "french": "fr", "spanish": "es",
    "russian": "ru", "chinese": "zh", "japanese": "ja", "italian": "it", "portuguese": "pt",
    "dutch": "nl", "turkish": "tr", "vietnamese": "vi", "hindi": "hi", "arabic": "ar",
}


def is_model_dir(path: Path) -> bool:
    return (path / "am" / "final.mdl").is_file() and (path / "conf" / "model.conf").is_file()


def check_model_dir(path: str | os.PathLike) -> Path:
    """Raise ModelError saying exactly what is wrong with a would-be model directory."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelError(f"Vosk model directory not found: {p}")
    if not p.is_dir():
        raise ModelError(f"Vosk model path is not a directory: {p}")
    if (p / "model").is_dir() and is_model_dir(p / "model"):
        p = p / "model"  # a package folder that wraps the model
    missing = [f for f in ("am/final.mdl", "conf/model.conf") if not (p / f).is_file()]
    graph = (p / "graph" / "HCLG.fst").is_file() or (p / "graph" / "HCLr.fst").is_file()
    if missing or not graph:
        what = ", ".join(missing + ([] if graph else ["graph/HCLG.fst or graph/HCLr.fst"]))
        raise ModelError(f"{p} is not a complete Vosk model (missing {what})")
    return p


def guess_language(path: Path) -> str | None:
    """'vosk-model-small-en-us-0.15' -> 'en'; a package README 'Small Korean ...' -> 'ko'."""
    for part in (path.name, path.parent.name):
        m = re.match(r"vosk[-_]model[-_](?:small[-_])?([a-z]{2})(?:[-_]|$)", part.lower())
        if m:
            return m.group(1)
    for readme in (path / "README", path / "README.md", path.parent / "README"):
        try:
            head = readme.read_text(errors="ignore")[:400].lower()
        except OSError:
            continue
        for word, code in _LANG_WORDS.items():
            if word in head:
                return code
    return None


def candidate_model_dirs(named: str = "", models_folder: str = "") -> list[Path]:
    """Every Vosk model we can find, most explicit first: `named` (BACKPAIN_VOSK_MODEL),
    `models_folder` (VOSK_MODEL_PATH), the usual folders, packages."""
    found: list[Path] = []
    if named:
        found.append(Path(named).expanduser())
    roots = [models_folder or None, "/usr/share/vosk", "/usr/local/share/vosk",
             Path.home() / ".cache" / "vosk", Path.home() / ".local" / "share" / "vosk",
             Path.home() / "AppData" / "Local" / "vosk"]
    for root in filter(None, roots):
        r = Path(root)
        if is_model_dir(r):
            found.append(r)
        elif r.is_dir():
            found += sorted(c for c in r.iterdir() if c.is_dir() and is_model_dir(c))
    try:
        from importlib import metadata

        for dist in metadata.distributions():
            name = (dist.metadata.get("Name") or "").lower().replace("_", "-")
            if not name.startswith("vosk-model"):
                continue
            for f in dist.files or []:
                parts = Path(str(f)).parts
                if parts[-2:] == ("am", "final.mdl"):
                    found.append(Path(dist.locate_file(f)).parent.parent)
                    break
    except Exception as e:  # pragma: no cover - broken metadata must not stop start-up
        log.debug("vosk: package scan failed: %s", e)
    out: list[Path] = []
    for p in found:
        if p not in out:
            out.append(p)
    return out


_MODELS: dict[str, object] = {}
_MODELS_LOCK = threading.Lock()


def load_model(path: Path):
    """One vosk.Model per directory per process."""
    key = str(path.resolve())
    with _MODELS_LOCK:
        m = _MODELS.get(key)
        if m is None:
            import vosk

            vosk.SetLogLevel(-1)
            try:
                m = vosk.Model(key)
            except Exception as e:
                raise ModelError(f"Vosk could not load the model in {path}: {e}") from e
            _MODELS[key] = m
        return m


def parse_result(raw: str) -> dict:
    """One Vosk result as {"text", "result" (words), "alternatives" (texts after the best)}.
    With SetMaxAlternatives, Vosk nests the readings under "alternatives", best first, and
    its words carry no per-word confidence."""
    part = json.loads(raw)
    readings = part.get("alternatives")
    if readings is None:
        return {"text": part.get("text", ""), "result": part.get("result", []), "alternatives": []}
    best = readings[0] if readings else {}
    return {"text": best.get("text", ""), "result": best.get("result", []),
            "alternatives": [r.get("text", "") for r in readings[1:]]}


def _other_readings(parts: list[dict], best: str) -> list[str]:
    """The utterance's next likeliest readings: reading i joins each segment's i-th reading
    (its best when it has fewer), duplicates and the best reading left out."""
    out: list[str] = []
    for i in range(max(len(p["alternatives"]) for p in parts)):
        words = (p["alternatives"][i] if i < len(p["alternatives"]) else p["text"] for p in parts)
        reading = " ".join(w for w in words if w)
        if reading and reading != best and reading not in out:
            out.append(reading)
    return out


class VoskStream:
    def __init__(self, engine: "VoskEngine", phrases: list[str] | None):
        self._engine = engine
        self._rec, self._allowed = engine._recognizer(phrases)
        self._parts: list[dict] = []
        self._t_last = time.perf_counter()
        self._samples = 0
        self._done = False

    def feed(self, pcm: bytes) -> str:
        if self._done:
            raise RuntimeError("stream already finished")
        self._samples += len(pcm) // 2
        if pcm and self._rec.AcceptWaveform(pcm):
            self._parts.append(parse_result(self._rec.Result()))
            partial = ""
        else:
            partial = json.loads(self._rec.PartialResult()).get("partial", "")
        self._t_last = time.perf_counter()
        done = " ".join(p.get("text", "") for p in self._parts if p.get("text"))
        return " ".join(x for x in (done, partial) if x)

    def finish(self) -> Recognition:
        if self._done:
            raise RuntimeError("stream already finished")
        self._done = True
        self._parts.append(parse_result(self._rec.FinalResult()))
        rec = self._engine._judge(self._parts, self._allowed, self._samples)
        rec.details["finish_seconds"] = time.perf_counter() - self._t_last
        return rec


class VoskEngine:
    name = "vosk"

    def __init__(self, model_dir: str | os.PathLike, *, min_confidence: float | None = None,
                 settings: AsrSettings | None = None):
        """min_confidence: the least word confidence of a grammar answer; when None,
        settings.vosk_min_conf (BACKPAIN_VOSK_MIN_CONF; AsrSettings' default without settings)."""
        self.path = check_model_dir(model_dir)
        self.model = str(self.path)
        self.language = guess_language(self.path)
        if min_confidence is None:
            min_confidence = (settings or AsrSettings()).vosk_min_conf
        self.min_confidence = float(min_confidence)
        t = time.perf_counter()
        self._model = load_model(self.path)
        self.load_seconds = time.perf_counter() - t
        self._unk = next((u for u in UNK_CANDIDATES if self._model.vosk_model_find_word(u) >= 0), None)
        self._warned: set[str] = set()
        self._grammars: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {}

    def _grammar(self, phrases: list[str]) -> tuple[str, frozenset[str]]:
        key = tuple(unique_phrases(phrases))
        if not key:
            raise ValueError("empty grammar: give at least one phrase, or None for free speech")
        hit = self._grammars.get(key)
        if hit:
            return hit
        usable = phrases_in_vocabulary([p for p in key if p not in UNK_CANDIDATES],
                                       lambda w: self._model.vosk_model_find_word(w) >= 0, self.name, self._warned)
        if not usable:
            raise ValueError("none of the grammar phrases are in the Vosk model's vocabulary")
        words = usable + ([self._unk] if self._unk else [])
        hit = (json.dumps(words, ensure_ascii=False), frozenset(usable))
        if len(self._grammars) > 64:
            self._grammars.clear()
        self._grammars[key] = hit
        return hit

    def _recognizer(self, phrases):
        import vosk

        if phrases is None:
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
            rec.SetMaxAlternatives(FREE_ALTERNATIVES)  # the dialogue reads signs from them too
            allowed = None
        else:
            grammar, allowed = self._grammar(phrases)
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar)
        rec.SetWords(True)
        return rec, allowed

    def _judge(self, parts: list[dict], allowed, samples: int) -> Recognition:
        words = [w for p in parts for w in p.get("result", [])]
        text = " ".join(p.get("text", "") for p in parts if p.get("text")).strip()
        confs = [float(w["conf"]) for w in words if "conf" in w]  # none with alternatives
        conf = sum(confs) / len(confs) if confs else (1.0 if text else 0.0)
        raw = text
        if any(u in text.split() for u in UNK_CANDIDATES):
            text = ""
        if allowed is not None and text:
            if text not in allowed or (confs and min(confs) < self.min_confidence):
                text = ""
        alternatives = _other_readings(parts, text) if allowed is None and text else []
        return Recognition(text=text, confidence=conf if text else 0.0, alternatives=alternatives,
                           details={"raw": raw, "seconds": samples / SAMPLE_RATE})

    def recognize(self, pcm: bytes, phrases: list[str] | None = None, *,
                  expecting: str | None = None) -> Recognition:
        t = time.perf_counter()
        rec, allowed = self._recognizer(phrases)
        parts = []
        step = SAMPLE_RATE * 2 * 4  # 4 s chunks keep endpointing behaviour like a stream
        for i in range(0, len(pcm), step):
            if rec.AcceptWaveform(pcm[i:i + step]):
                parts.append(parse_result(rec.Result()))
        parts.append(parse_result(rec.FinalResult()))
        r = self._judge(parts, allowed, len(pcm) // 2)
        r.details["decode_seconds"] = time.perf_counter() - t
        return r

    def stream(self, phrases: list[str] | None = None, *, expecting: str | None = None) -> VoskStream:
        return VoskStream(self, phrases)
