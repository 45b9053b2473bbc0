"""The slot list is data (intents/data/): a sign is added or removed by editing YAML, and a
conversation saved under the old slot list goes on under the new one."""

import shutil
from pathlib import Path

import yaml

from models import STATE_SCHEMA, DialogueState
from intents import model as im
from intents.dialogue import Dialogue

SAVED = Path(__file__).parents[1] / "data" / "saved"  # states written by commit 7231f58


def _data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(im.packaged_data(), folder)
    return folder


def _edit(folder: Path, name: str, change) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _without(data, slot: str):
    """`data` with every mention of the slot id as a key or a list item taken out."""
    if isinstance(data, dict):
        return {k: _without(v, slot) for k, v in data.items() if k != slot}
    if isinstance(data, list):
        return [_without(v, slot) for v in data if v != slot and not (isinstance(v, dict) and v.get("id") == slot)]
    return data


def _no_to_everything(dialogue: Dialogue, state: DialogueState) -> DialogueState:
    while not state.done:
        answer = "I don't know" if state.last_reply.expecting == "weeks" else "no"
        state = dialogue.turn(state, answer)
    return state


def test_a_new_sign_is_a_data_edit(tmp_path):
    folder = _data_copy(tmp_path)
    _edit(folder, "slots.yaml", lambda d: d["levels"].update(itching="soon"))

    def ask_it(d):
        d["questions"].append({"id": "itching", "slots": ["itching"]})
        d["slot_questions"]["itching"] = {"say": "Are your hands or feet very itchy?",
                                          "plain": "Do the palms of your hands or soles of your feet itch a lot?"}
    _edit(folder, "questions.yaml", ask_it)
    _edit(folder, "vocabulary.yaml", lambda d: d["signs"].update(
        itching={"present": ["(itchy|itching|itch) <gap2>(hands|feet|palms|soles)",
                             "(hands|feet|palms|soles) <gap2>(itchy|itch|itching)"]}))
    _edit(folder, "advice.yaml", lambda d: d["sign_names"].update(itching="very itchy hands or feet"))
    model = im.load(data=folder)
    assert model.slot_ids[-1] == "itching"
    dialogue = Dialogue(model=model)

    said = dialogue.turn(dialogue.start("a"), "my back hurts and my hands are really itchy")
    assert said.slots["itching"] == "yes"  # the new sign's phrases are listened for
    said = _no_to_everything(dialogue, said)
    assert said.last_reply.triage.urgency.value == "soon" and "itching" in said.last_reply.triage.reasons
    assert "very itchy hands or feet" in said.last_reply.triage.advice

    asked = dialogue.start("b")
    questions = []
    while not asked.done:
        questions.append(asked.last_reply.say)
        asked = dialogue.turn(asked, "I don't know" if asked.last_reply.expecting == "weeks" else "no")
    assert any("itchy" in q for q in questions)  # and asked when not said
    assert asked.slots["itching"] == "no" and asked.last_reply.slots["itching"] == "no"


def test_a_state_saved_before_the_slot_list_was_data_goes_on():
    """Saved by the previous version at nine weeks, before ectopic_signs existed: the new
    slot is unknown, so it is asked (before 14 weeks), and nothing raises."""
    old = DialogueState.model_validate_json((SAVED / "state_v1_at_nine_weeks.json").read_text())
    assert "ectopic_signs" not in old.slots and old.schema_version == 1
    dialogue = Dialogue()
    state = dialogue.turn(old, "no")
    assert state.schema_version == STATE_SCHEMA and state.slots["ectopic_signs"] is None
    assert set(state.slots) == set(dialogue.model.slot_ids)
    asked = []
    while not state.done:
        asked += state.last_reply.asking
        state = dialogue.turn(state, "yes" if state.last_reply.asking == ["ectopic_signs"] else "no")
    assert "ectopic_signs" in asked
    assert state.last_reply.triage.urgency.value == "urgent" and "ectopic" in state.last_reply.triage.advice


def test_a_state_saved_while_asking_the_weeks_goes_on():
    old = DialogueState.model_validate_json((SAVED / "state_v1_before_weeks.json").read_text())
    state = Dialogue().turn(old, "sixteen weeks")
    assert state.weeks == 16 and not _asked_ectopic(Dialogue(), state)


def _asked_ectopic(dialogue, state) -> bool:
    while not state.done:
        if state.last_reply.asking == ["ectopic_signs"]:
            return True
        state = dialogue.turn(state, "no")
    return False


def test_a_slot_removed_from_the_data_is_dropped_from_a_saved_state(tmp_path):
    folder = _data_copy(tmp_path)
    for name in ("slots.yaml", "questions.yaml", "vocabulary.yaml", "advice.yaml", "grammar.yaml"):
        _edit(folder, name, lambda d: d.update(_without(d, "persistent")))
    for name in ("questions.yaml", "advice.yaml"):
        path = folder / "locales" / "en-GB" / name
        path.write_text(yaml.safe_dump(_without(yaml.safe_load(path.read_text()), "persistent")))
    dialogue = Dialogue(model=im.load(data=folder))
    assert "persistent" not in dialogue.model.slot_ids
    old = DialogueState.model_validate_json((SAVED / "state_v1_at_nine_weeks.json").read_text())
    old.slots["persistent"] = "yes"  # said before the sign was taken out
    state = _no_to_everything(dialogue, dialogue.turn(old, "no"))
    assert "persistent" not in state.slots and "persistent" not in state.last_reply.slots
    assert state.last_reply.triage.urgency.value == "self_care"
