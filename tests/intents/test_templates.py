"""Phrase templates (hassil syntax) compiled to regexes and expanded into phrases."""

import random
import re

import pytest

from intents.patterns import compile_phrases
from intents.model import InteractionModelError, load
from intents.phrasebook import PhraseError, compile_vocabulary, sample_phrases
from intents.templates import TemplateError, choose, list_regex, sample, to_regex


def matches(template, text, lists=None, rules=None):
    rx = to_regex(template, lists or {}, rules or {})
    return re.fullmatch(rx, text) is not None


@pytest.mark.parametrize("template, regex", [
    ("my [left] leg", "my (?:left )?leg"),
    ("not [really|quite] sure", "not (?:really |quite )?sure"),
    ("unfortunately [yes|so]", "unfortunately(?: yes| so)?"),
    ("[i] do not know", "(?:i )?do not know"),
    ("leg[s]", "legs?"),
    ("bleed[ing|s]", "bleed(?:ing|s)?"),
    ("(a|b) c", "(?:a|b) c"),
    ("a|b", "a|b"),
    ("(bladder|wee)[s] and [the|my] bowel[s]", "(?:bladder|wee)s? and (?:the |my )?bowels?"),
    ("i do not [<w>] [(any|it)]<end>", "i do not(?: {w})?(?: (?:any|it))?{end}"),
    ("[the] [very] (tip|end)", "(?:the )?(?:very )?(?:tip|end)"),
    ("pain[ ]killer[s]", "pain ?killers?"),
    (".", "\\."),
    ("({pee})", "(?:{pee})"),
])
def test_one_regex_per_template(template, regex):
    """References stay {name} macros when no tables are given (the model's form)."""
    assert to_regex(template) == regex


@pytest.mark.parametrize("template, yes, no", [
    ("my [left] leg", ["my leg", "my left leg"], ["my  leg", "myleg", "my left"]),
    ("[a] [b] c", ["c", "a c", "b c", "a b c"], [" c", "a  c"]),
    ("a [b] [c] d", ["a d", "a b d", "a c d", "a b c d"], ["a  d", "ab d"]),
    ("i do not [(any|it)]", ["i do not", "i do not any"], ["i do not "]),
])
def test_spacing_around_optional_words(template, yes, no):
    assert all(matches(template, t) for t in yes)
    assert not any(matches(template, t) for t in no)


def test_lists_and_rules_fill_references():
    lists = {"leg": list_regex(["leg[s]", "foot"])}
    assert lists["leg"] == "(?:legs?|foot)"
    assert matches("my {leg} <gap>hurts", "my legs really hurts", lists, {"gap": r"(?:\w+ )?"})
    with pytest.raises(TemplateError, match="unknown list"):
        to_regex("my {arm}", {}, {})
    with pytest.raises(TemplateError, match="unknown rule"):
        to_regex("my <arm>", {}, {})


def test_bad_templates_are_errors():
    for bad in ("", "my (left leg", "my [left leg", "a]"):
        with pytest.raises(TemplateError):
            to_regex(bad)


def test_sample_expands_every_choice_once():
    lists = {"leg": ["leg[s]", "foot"]}
    assert sample("my [left] {leg}", lists) == ["my leg", "my legs", "my foot", "my left leg", "my left legs", "my left foot"]
    assert sample("a [b] (c|d)", limit=3) == ["a c", "a d", "a b c"]
    assert sample("passed <gap>tissue", rules={"gap": "some "}) == ["passed some tissue"]
    assert sample("i guess<guard>") == ["i guess"]  # a rule not given says nothing


def test_choose_picks_one_phrase_of_the_template():
    rng = random.Random(3)
    said = {choose("my [left] {leg} <gap>hurts", rng, {"leg": ["leg[s]", "foot"]}, {"gap": lambda: "really "}) for _ in range(200)}
    assert said <= set(sample("my [left] {leg} really hurts", {"leg": ["leg[s]", "foot"]}))
    assert len(said) == 6


def test_vocabulary_errors_name_the_key_and_the_problem():
    base = {"lists": {"leg": ["leg[s]"]}, "rules": {"gap": r"(?:\w+ )?"}}
    with pytest.raises(PhraseError, match=r"signs\.x\.present\[1\]: bad template .*unknown list \{arm\}"):
        compile_vocabulary({**base, "signs": {"x": {"present": ["my {leg}", "my {arm}"]}}})
    with pytest.raises(PhraseError, match=r"answers\.no\[0\]: bad template"):
        compile_vocabulary({**base, "answers": {"no": ["no (way"]}})
    with pytest.raises(PhraseError, match=r"rules\.bad: bad regex"):
        compile_vocabulary({"lists": {}, "rules": {"bad": "(?:"}})
    with pytest.raises(PhraseError, match="named twice"):
        compile_vocabulary({"lists": {"a": ["x"]}, "rules": {"a": "x"}})


def test_a_bad_template_in_the_data_fails_start_up(tmp_path):
    from intents.model import packaged_data
    for item in packaged_data().iterdir():
        if item.is_file():
            (tmp_path / item.name).write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "vocabulary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('- "unsure"', '- "un(sure"', 1), encoding="utf-8")
    with pytest.raises(InteractionModelError, match=r"vocabulary\.yaml: answers\.unsure\[1\]: bad template"):
        load(data=tmp_path)


def test_the_model_keeps_regexes_and_templates():
    vocab = load().vocabulary
    assert vocab.macros["leg"] == "(?:legs?|thighs?|calf|calves|feet|foot|knees?|toes?)"
    assert vocab.templates["answers.no"][0] == "(definitely|absolutely|certainly|of course|really|thankfully|luckily|fortunately|honestly|nope|no|nah) not<not_before_a_doubt>"
    assert all("<" not in p for p in vocab.signs["fever"].present)  # rules are filled in
    n = len(vocab.templates["signs.heavy_bleeding.present"])
    phrases = sample_phrases(vocab, "signs.heavy_bleeding.present", per_template=2)
    assert len(phrases) <= 2 * n and all("<" not in p and "{" not in p for p in phrases)
    understood = compile_phrases(vocab.signs["heavy_bleeding"].present, vocab.macros)
    assert all(understood.search(p) for p in phrases)  # every phrase sampled is heard
    picked = sample_phrases(vocab, "signs.heavy_bleeding.present", 3, random.Random(1), ("really", "very"))
    assert len(picked) == 3 * n and all(understood.search(p) for p in picked)


def test_a_question_mark_in_a_template_is_an_error():
    # "lets? go" reads as a regex to a reader, but it is matched literally: no phrase would match
    with pytest.raises(PhraseError, match=r"signs\.x\.exclude\[0\]: bad template .*'\?'"):
        compile_vocabulary({"signs": {"x": {"exclude": ["hard then lets? go"]}}})
