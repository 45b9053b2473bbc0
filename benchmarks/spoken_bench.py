"""How long every reply takes to hear: each question, each advice level, each reply after
the advice, per locale, spoken by the project's own TTS (voice/audio/tts.py, what `backpain say`
writes) at the default rate; the length is the WAV's frames / rate, what `soxi -D` prints.

Limits (issue 15): a question under 8 s, help under 10 s, the spoken advice at most 25 s
(an emergency 12 s, with its number and "now" in the first sentence), and each after-advice
reply short. `python -m benchmarks --only spoken` rewrites the `spoken-bench` section.
"""

from __future__ import annotations

import io
import wave
from functools import lru_cache

from models import Urgency
from intents.advice import by_level, compose
from intents.dialogue import Dialogue
from intents.model import load, locales
from intents.triage import assess

LIMITS = {"question": 8.0, "help": 10.0, "advice": 25.0, "emergency": 12.0, "after": 25.0}
# weeks that reach every stage of pregnancy in the wording (intents.wording.stage_keys)
WEEKS = (None, 9, 16, 30, 38)


@lru_cache(maxsize=None)
def _wk(weeks) -> str:
    return "weeks unknown" if weeks is None else f"{weeks} wk"


def seconds(text: str) -> float:
    from voice.audio.tts import DEFAULT_RATE, synthesize

    with wave.open(io.BytesIO(synthesize(text, rate=DEFAULT_RATE))) as w:
        return w.getnframes() / w.getframerate()


def _slots(**values):
    base = {s: "no" for s in load().slot_ids}
    base.update(values)
    return base


def advice_cases(dialogue: Dialogue):
    """(name, assessment, stopped): each sign alone at each stage, the combinations of
    triage.md rules 1-3, several signs, an unsure sign, and the check stopped early."""
    rules = dialogue.model.rules
    cases = []
    for weeks in WEEKS:
        cases.append((f"nothing found, {_wk(weeks)}", assess(rules, _slots(), weeks), False))
        cases.append((f"stopped at once, {_wk(weeks)}", assess(rules, {s: None for s in load().slot_ids}, weeks), True))
        for slot in load().slot_ids:
            cases.append((f"{slot}, {_wk(weeks)}", assess(rules, _slots(**{slot: "yes"}), weeks), False))
        for name, signs in [("bleeding + constant pain", dict(vaginal_bleeding="yes", constant_abdominal="yes")),
                            ("leg weakness + saddle numbness", dict(leg_weakness="yes", saddle_numbness="yes")),
                            ("fever + flank + urinary", dict(fever="yes", flank_pain="yes", urinary_pain="yes")),
                            ("bleeding + contractions + fluid", dict(vaginal_bleeding="yes", contractions="yes", fluid_leak="yes")),
                            ("radiating + walking + worsening", dict(radiating="yes", walking_difficulty="yes", worsening="yes")),
                            ("breathing unsure", dict(breathing="unsure")),
                            ("headache unsure + fever", dict(headache_vision="unsure", fever="yes"))]:
            cases.append((f"{name}, {_wk(weeks)}", assess(rules, _slots(**signs), weeks), False))
        cases.append((f"fever, stopped, {_wk(weeks)}", assess(rules, {**{s: None for s in load().slot_ids}, "fever": "yes"}, weeks), True))
    return cases


def spoken_advice(dialogue: Dialogue, result, stopped: bool) -> str:
    """The advice as said when the check ends (an emergency after "That is an emergency sign.")."""
    words = compose(dialogue.model.advice, result, dialogue.emergency_number, stopped=stopped).spoken
    if result.urgency is Urgency.emergency:
        words = dialogue._text(dialogue.model.questions.phrases["emergency_now"]) + " " + words
    return words


def _questions(dialogue: Dialogue) -> dict[str, str]:
    q = dialogue.model.questions
    texts = {"greeting + open question": dialogue.start("bench").last_reply.say, "open (plain)": q.open.plain,
             "weeks": q.weeks.say, "weeks (plain)": q.weeks.plain}
    for question in q.questions:
        if question.say:
            texts[question.id] = question.say
            texts[f"{question.id} (plain)"] = question.plain
    for slot, wording in q.slot_questions.items():
        texts[f"slot:{slot}"] = wording.say
        texts[f"slot:{slot} (plain)"] = wording.plain
        for stage, words in wording.stages.items():
            texts[f"slot:{slot} [{stage}]"] = words.say
    return {k: dialogue._text(v) for k, v in texts.items()}


def _after(dialogue: Dialogue) -> dict[str, str]:
    advice = dialogue.model.advice
    texts = {"thanks": advice.after.thanks, "goodbye": advice.after.goodbye, "anything else": advice.after.other,
             "all said": advice.more.all_said}
    for name, text in advice.answers.items():
        for level in Urgency:
            texts[f"{name} [{level.value}]"] = by_level(text, level)
    for name, text in dialogue.model.questions.feelings.items():
        texts[f"feeling: {name}"] = text
    return {k: dialogue._text(v) for k, v in texts.items()}


def _more_parts(dialogue: Dialogue, cases) -> dict[str, tuple[float, str]]:
    """The longest "more" reply of each part (heading + part + offer), over every case."""
    longest: dict[str, tuple[float, str]] = {}
    more = dialogue.model.advice.more
    for name, result, stopped in cases:
        for key, text in compose(dialogue.model.advice, result, dialogue.emergency_number, stopped).parts:
            reply = f"{getattr(more, key)} {text} {more.offer.format(next='when to call')}"
            s = seconds(reply)
            if s > longest.get(key, (0.0, ""))[0]:
                longest[key] = (s, name)
    return longest


def run(locale_list: tuple[str, ...] | None = None) -> dict:
    out = {}
    for locale in locale_list or locales():
        dialogue = Dialogue(locale=locale)
        cases = advice_cases(dialogue)
        levels: dict[str, dict] = {}
        for name, result, stopped in cases:
            text = spoken_advice(dialogue, result, stopped)
            s = seconds(text)
            full = compose(dialogue.model.advice, result, dialogue.emergency_number, stopped).full
            level = levels.setdefault(result.urgency.value, {"max_s": 0.0, "cases": 0, "full_max_s": 0.0})
            level["cases"] += 1
            if s > level["max_s"]:
                level.update(max_s=round(s, 2), longest=name, text=text)
            level["full_max_s"] = max(level["full_max_s"], round(seconds(full), 2))
        out[locale] = {
            "questions": {k: round(seconds(v), 2) for k, v in _questions(dialogue).items()},
            "help": round(seconds(dialogue._text(dialogue.model.questions.phrases["help"])), 2),
            "advice": levels,
            "after": {k: round(seconds(v), 2) for k, v in _after(dialogue).items()},
            "more": {k: {"max_s": round(s, 2), "longest": n} for k, (s, n) in _more_parts(dialogue, cases).items()},
        }
    return out


def over_limits(results: dict) -> list[str]:
    """Every reply over its limit, as "locale: what: seconds"."""
    bad = []
    for locale, r in results.items():
        bad += [f"{locale}: question {k}: {s} s" for k, s in r["questions"].items()
                if s > LIMITS["question"] and not k.startswith("greeting")]
        if r["help"] > LIMITS["help"]:
            bad.append(f"{locale}: help: {r['help']} s")
        for level, a in r["advice"].items():
            limit = LIMITS["emergency" if level == "emergency" else "advice"]
            if a["max_s"] > limit:
                bad.append(f"{locale}: advice {level} ({a['longest']}): {a['max_s']} s")
        bad += [f"{locale}: after {k}: {s} s" for k, s in r["after"].items() if s > LIMITS["after"]]
        bad += [f"{locale}: more {k}: {m['max_s']} s" for k, m in r["more"].items() if m["max_s"] > LIMITS["after"]]
    return bad


def console(results: dict) -> list[str]:
    """One line per reply: locale, what, seconds (what `make bench` prints)."""
    lines = []
    for locale, r in results.items():
        lines += [f"{locale}  question  {k}: {s:.1f} s" for k, s in r["questions"].items()]
        lines.append(f"{locale}  help: {r['help']:.1f} s")
        lines += [f"{locale}  advice  {level}: {a['max_s']:.1f} s spoken (longest: {a['longest']}), "
                  f"{a['full_max_s']:.1f} s whole" for level, a in r["advice"].items()]
        lines += [f"{locale}  more  {k}: {m['max_s']:.1f} s" for k, m in r["more"].items()]
        lines += [f"{locale}  after  {k}: {s:.1f} s" for k, s in r["after"].items()]
    bad = over_limits(results)
    lines.append("over a limit: " + ("; ".join(bad) if bad else "none"))
    return lines


def markdown(results: dict) -> str:
    lines = ["## Spoken length of every reply (`make bench`)", "",
             "Generated by `python -m benchmarks --only spoken` (benchmarks/spoken_bench.py); do not edit by hand. "
             "Seconds of speech from the project's own TTS (voice/audio/tts.py, espeak-ng, default rate "
             "165 wpm): the WAV length `soxi -D` reports. Limits: question 8 s, help 10 s, advice 25 s, "
             "emergency advice 12 s (with the greeting's emergency line, the first question is longer by design).", ""]
    for locale, r in results.items():
        lines += [f"### {locale}", "", "| advice level | spoken, longest (s) | longest case | cases | whole advice on screen, longest (s) |",
                  "|---|---|---|---|---|"]
        for level in [u.value for u in reversed(list(Urgency))]:
            a = r["advice"].get(level)
            if a:
                lines.append(f"| {level} | {a['max_s']:.1f} | {a['longest']} | {a['cases']} | {a['full_max_s']:.1f} |")
        lines += ["", "| \"more\" part | longest (s) | longest case |", "|---|---|---|"]
        lines += [f"| {k} | {m['max_s']:.1f} | {m['longest']} |" for k, m in r["more"].items()]
        lines += ["", f"Help: {r['help']:.1f} s.", "", "| question | s |", "|---|---|"]
        lines += [f"| {k} | {s:.1f} |" for k, s in r["questions"].items()]
        lines += ["", "| after the advice | s |", "|---|---|"]
        lines += [f"| {k} | {s:.1f} |" for k, s in r["after"].items()]
        lines.append("")
    bad = over_limits(results)
    lines.append("Over a limit: " + ("; ".join(bad) if bad else "none."))
    return "\n".join(lines)


if __name__ == "__main__":
    res = run()
    print(markdown(res))
