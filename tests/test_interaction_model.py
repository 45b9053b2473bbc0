"""The interaction model data: loads, is complete, and a broken file fails start-up clearly."""

import pytest
import yaml

from models import RED_FLAG_SLOTS
from intents import model as im


def _data(name):
    return yaml.safe_load((im.resources.files("intents") / "data" / name).read_text())


def test_model_loads_and_every_slot_has_a_question_in_both_wordings():
    m = im.load()
    for slot in RED_FLAG_SLOTS:
        wording = m.questions.slot_questions[slot]
        assert wording.say and wording.plain and wording.say != wording.plain


def _validate(**overrides):
    parts = {
        "rules": im.SlotRules.model_validate(_data("slots.yaml")),
        "questions": im.Questions.model_validate(_data("questions.yaml")),
        "vocab": im.Vocabulary.model_validate(_data("vocabulary.yaml")),
        "advice": im.Advice.model_validate(_data("advice.yaml")),
    }
    parts.update(overrides)
    im.validate(parts["rules"], parts["questions"], parts["vocab"], parts["advice"])


def test_a_missing_slot_level_names_the_file_and_slot():
    data = _data("slots.yaml")
    del data["levels"]["fever"]
    with pytest.raises(im.InteractionModelError, match=r"slots.yaml: levels: missing slot id\(s\) \['fever'\]"):
        _validate(rules=im.SlotRules.model_validate(data))


def test_a_bad_regex_names_the_file_and_place():
    data = _data("vocabulary.yaml")
    data["signs"]["fever"]["present"].append("fever(")
    with pytest.raises(im.InteractionModelError, match=r"vocabulary.yaml: signs.fever.present: bad pattern"):
        _validate(vocab=im.Vocabulary.model_validate(data))


def test_a_misspelt_key_names_the_file(monkeypatch):
    data = _data("advice.yaml")
    data["safety_nett"] = data.pop("safety_net")
    monkeypatch.setattr(im, "_read", lambda name: data if name == "advice.yaml" else _data(name))
    im.load.cache_clear()
    try:
        with pytest.raises(im.InteractionModelError, match=r"advice.yaml: .*safety_ne"):
            im.load()
    finally:
        im.load.cache_clear()


def test_broken_yaml_names_the_file(monkeypatch, tmp_path):
    monkeypatch.setattr(im.resources, "files", lambda pkg: tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "slots.yaml").write_text("levels: [unclosed")
    with pytest.raises(im.InteractionModelError, match=r"intents/data/slots.yaml: not valid YAML"):
        im._read("slots.yaml")
