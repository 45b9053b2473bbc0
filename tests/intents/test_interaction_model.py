"""The interaction model data: loads, is complete, and a broken file fails start-up clearly."""

import shutil

import pytest
import yaml

from intents import model as im
from intents.phrasebook import compile_vocabulary


def _data(name):
    return yaml.safe_load((im.resources.files("intents") / "data" / name).read_text())


def test_model_loads_and_every_slot_has_a_question_in_both_wordings():
    m = im.load()
    for slot in m.slot_ids:
        wording = m.questions.slot_questions[slot]
        assert wording.say and wording.plain and wording.say != wording.plain


def _validate(**overrides):
    parts = {
        "rules": im.SlotRules.model_validate(_data("slots.yaml")),
        "questions": im.Questions.model_validate(_data("questions.yaml")),
        "vocab": im.Vocabulary.model_validate(compile_vocabulary(_data("vocabulary.yaml"))),
        "advice": im.Advice.model_validate(_data("advice.yaml")),
    }
    parts.update(overrides)
    im.validate(parts["rules"], parts["questions"], parts["vocab"], parts["advice"])


def test_a_slot_removed_from_the_slot_list_but_still_used_names_the_file_and_slot():
    data = _data("slots.yaml")
    del data["levels"]["fever"]
    with pytest.raises(im.InteractionModelError, match=r"slots.yaml: conditions.kidney_infection: unknown slot id\(s\) \['fever'\]"):
        _validate(rules=im.SlotRules.model_validate(data))


def test_a_new_slot_without_its_question_names_the_file_and_slot():
    data = _data("slots.yaml")
    data["levels"]["itching"] = "soon"  # the slot list is data: a new sign starts here
    with pytest.raises(im.InteractionModelError, match=r"questions.yaml: questions: missing slot id\(s\) \['itching'\]"):
        _validate(rules=im.SlotRules.model_validate(data))


def test_a_bad_regex_names_the_file_and_place():
    """A regex that only breaks once the templates are joined still fails start-up."""
    data = compile_vocabulary(_data("vocabulary.yaml"))
    data["signs"]["fever"]["present"].append("fever(")
    with pytest.raises(im.InteractionModelError, match=r"vocabulary.yaml: signs.fever.present: bad pattern"):
        _validate(vocab=im.Vocabulary.model_validate(data))


def test_a_bad_template_names_the_file_and_place(tmp_path):
    folder = _copy_of_the_data(tmp_path)
    data = yaml.safe_load((folder / "vocabulary.yaml").read_text())
    data["signs"]["fever"]["present"].append("fever (high|raised")
    data["rules"]["broken"] = "(?:"
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(im.InteractionModelError, match=r"vocabulary.yaml: rules.broken: bad regex"):
        im.load(data=folder)
    del data["rules"]["broken"]
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(im.InteractionModelError, match=r"vocabulary.yaml: signs.fever.present\[\d+\]: bad template"):
        im.load(data=folder)


def _copy_of_the_data(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(im.packaged_data(), folder)
    return folder


def test_a_misspelt_key_names_the_file(tmp_path):
    folder = _copy_of_the_data(tmp_path)
    data = yaml.safe_load((folder / "advice.yaml").read_text())
    data["safety_nett"] = data.pop("safety_net")
    (folder / "advice.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(im.InteractionModelError, match=r"advice.yaml: .*safety_ne"):
        im.load(data=folder)


def test_broken_yaml_names_the_file(tmp_path):
    folder = _copy_of_the_data(tmp_path)
    (folder / "slots.yaml").write_text("levels: [unclosed")
    with pytest.raises(im.InteractionModelError, match=r"intents/data/slots.yaml: not valid YAML"):
        im.load(data=folder)


def test_a_key_given_twice_is_refused_not_half_read(tmp_path):
    """YAML keeps the last of two equal keys: a second `absent:` under a sign would drop
    the first list without a word, and the answers it covered would stop being read."""
    folder = _copy_of_the_data(tmp_path)
    text = (folder / "vocabulary.yaml").read_text()
    anchor = "\n  fever:\n"
    assert anchor in text
    text = text.replace(anchor, anchor + '    absent: ["no fever"]\n    absent: ["not hot"]\n', 1)
    (folder / "vocabulary.yaml").write_text(text)
    with pytest.raises(im.InteractionModelError, match=r"vocabulary.yaml: not valid YAML: key 'absent' given twice"):
        im.load(data=folder)


def test_the_recognisers_phrases_are_checked_with_the_rest(tmp_path):
    """grammar.yaml has a schema and is validated at start-up like the other files."""
    folder = _copy_of_the_data(tmp_path)
    data = yaml.safe_load((folder / "grammar.yaml").read_text())
    data["signs"]["bleeeding"] = data["signs"].pop("vaginal_bleeding")
    (folder / "grammar.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(im.InteractionModelError, match=r"grammar.yaml: signs: unknown slot id\(s\) \['bleeeding'\]"):
        im.load(data=folder)
    data["signs"]["vaginal_bleeding"] = data["signs"].pop("bleeeding")
    data["tails"]["maybe"] = ["perhaps"]
    (folder / "grammar.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(im.InteractionModelError, match=r"grammar.yaml: tails.maybe"):
        im.load(data=folder)


def test_a_position_naming_a_slot_the_question_does_not_ask_fails_start_up():
    data = _data("questions.yaml")
    question = next(q for q in data["questions"] if q["id"] == "bleeding_or_fluid")
    question["positions"] = {"middle": ["fever"]}
    with pytest.raises(Exception, match=r"bleeding_or_fluid.*'positions' must name its own slots"):
        im.Questions.model_validate(data)
