"""medspaCy's ConText for the context benchmark (benchmarks/context_eval.py): the pipeline, the
project's cue lists as ConTextRules, and an understander that takes its mention context from it."""

from __future__ import annotations

from pathlib import Path

from intents.patterns import compile_phrases, normalise
from intents.understanding import Understander, merge_mentions, mention_value

GROUP = "signs"
# the project's precedence (intents/context.py `_kinds`): first that applies wins
ATTRS = [
    ("hypothetical", "is_hypothetical"),
    ("historical", "is_historical"),
    ("family", "is_family"),
    ("negated", "is_negated"),
    ("uncertain", "is_uncertain"),
]

def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _quiet_pyrush():
    try:  # PyRuSH logs every token at DEBUG through loguru
        from loguru import logger

        logger.disable("PyRuSH")
    except ImportError:
        pass


def _outside_target(check=None):
    """`on_modifies` callback: a cue inside a mention does not modify that mention."""

    def on_modifies(target, modifier, between) -> bool:
        if target.start <= modifier.start and modifier.end <= target.end:
            return False
        return True if check is None else check(target, modifier, between)

    return on_modifies


def load_medspacy(sentences: str = "sentencizer", inside_target: str = "guard", extra_rules=()):
    """A blank English pipeline: sentence splitter + medspaCy ConText (default rules).

    The sentence splitter is spaCy's rule-based `sentencizer` by default: our normalised
    text is lower case with breaks kept as " . ", and PyRuSH (medspaCy's clinical
    splitter) does not split it (`sentences="pyrush"`).
    inside_target: what a cue inside a mention does: "default" (medspaCy as shipped: it
    modifies the mention), "guard" (it does not: `on_modifies` check on every rule) or
    "prune" (`prune_on_target_overlap=True`: the cue is dropped for every mention).
    """
    import medspacy  # registers the medspacy_* factories
    import spacy

    _quiet_pyrush()
    if sentences == "pyrush":
        nlp = medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_context"])
        context = nlp.get_pipe("medspacy_context")
        context.input_span_type = "group"
        context.span_group_name = GROUP
        context.prune_on_target_overlap = inside_target == "prune"
    else:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        context = nlp.add_pipe(
            "medspacy_context",
            config={
                "input_span_type": "group",
                "span_group_name": GROUP,
                "prune_on_target_overlap": inside_target == "prune",
            },
        )
    if extra_rules:
        context.add(list(extra_rules))
    if inside_target == "guard":
        for rule in context.rules:
            rule.on_modifies = _outside_target(rule.on_modifies)
    return nlp


_FIRST_PERSON = {"i", "myself"}
_ME = {"me", "my", "myself"}


def _family_applies(target, modifier, between) -> bool:
    # intents/context.py: "my mum says I have a fever" is hers; "my toddler kicked me" / "my belly" too
    return not any(t.lower_ in _FIRST_PERSON for t in between) and not any(t.lower_ in _ME for t in target)


def project_cue_rules() -> list:
    """The project's cue lists (vocabulary.yaml `context:`) as medspaCy ConTextRules.

    Each (kind, direction) becomes one regex rule: the very alternation intents/context.py
    compiles, so anchors, look-aheads and word boundaries behave as in the project.
    """
    from medspacy.context import ConTextRule

    from intents.model import load

    cues = load().vocabulary.context
    categories = {
        "negated": "NEGATED_EXISTENCE",
        "historical": "HISTORICAL",
        "family": "FAMILY",
        "hypothetical": "HYPOTHETICAL",
        "uncertain": "POSSIBLE_EXISTENCE",
    }
    rules = []
    termination = compile_phrases(cues.terminations + ["\\."])
    rules.append(ConTextRule("project termination", "TERMINATE", pattern=termination.pattern, direction="TERMINATE"))
    for kind, category in categories.items():
        cue_set = getattr(cues, kind)
        for direction, phrases in (
            ("FORWARD", cue_set.forward),
            ("BACKWARD", cue_set.backward),
            ("BIDIRECTIONAL", cue_set.both),
            ("PSEUDO", cue_set.pseudo),
        ):
            pattern = compile_phrases(phrases)
            if pattern is None:
                continue
            rules.append(
                ConTextRule(
                    f"project {kind} {direction.lower()}",
                    category,
                    pattern=pattern.pattern,
                    direction=direction,
                    on_modifies=_family_applies if (kind, direction) == ("family", "FORWARD") else None,
                )
            )
    return rules


class ConTextUnderstander(Understander):
    """The project's understander with the context of sign mentions from medspaCy."""

    def __init__(self, base: Understander, nlp):
        self.__dict__.update(base.__dict__)
        self._nlp = nlp

    def mentions(self, text: str) -> list[tuple[str, str | None, int, int, str]]:
        """Every sign phrase match, as the project finds them: (slot, value, start, end, text)."""
        return [(slot, value, m.start(), m.end(), m.group()) for slot, value, m in self.sign_matches(text)]

    def contexts(self, text: str, mentions) -> list[tuple[str, list[tuple[int, int]]]]:
        """medspaCy's context of each mention, and the char spans of the cues that set it."""
        doc = self._nlp.make_doc(text)
        doc.spans[GROUP] = [doc.char_span(s, e, label=slot, alignment_mode="expand") for slot, _, s, e, _ in mentions]
        for _, proc in self._nlp.pipeline:
            doc = proc(doc)
        result = []
        for span in doc.spans[GROUP]:
            context = next((name for name, attr in ATTRS if getattr(span._, attr)), "present")
            cues = [(m._start, m._end) for m in span._.modifiers]
            result.append((context, [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in cues]))
        return result

    def signs(self, text: str):
        mentions = self.mentions(text)
        if not mentions:
            return {}, []
        found: list[tuple[str, str]] = []
        spans = []
        for (slot, value, start, end, matched), (context, cues) in zip(mentions, self.contexts(text, mentions)):
            meaning = mention_value(value, context, matched)
            if meaning is None:
                continue
            spans.append((start, end))
            spans.extend(cues)
            found.append((slot, meaning))
        return merge_mentions(found, self._implies), spans

    def signs_of_utterance(self, raw: str) -> dict[str, str]:
        text = self._spelling.correct(normalise(raw))
        if self.command(text):
            return {}
        return self.signs(text)[0]
