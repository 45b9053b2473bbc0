"""A question's phrases as a finite-state grammar, with a garbage loop for everything else.

Per-question grammars are built from the phrase list as a prefix tree (shared first words
such as "no ..." / "not ..." cost nothing extra), cached by phrase set (decoders.py).
Out-of-grammar rejection uses a *garbage loop* inside the same grammar: a parallel path made
of single-phone words that can imitate any speech. When a person says something the
question does not accept, the phone loop explains the audio better than any phrase and the
hypothesis starts with a garbage word, which readings.py turns into "". The garbage path
needs one knob (its entry probability, BACKPAIN_PS_GARBAGE, AsrSettings.ps_garbage), which
`benchmarks/asr_bench.py` measures against yes/no accuracy and rejection; noise.py lowers
or raises it for noisy and narrowband clips.
"""

from __future__ import annotations

from ..base import phrases_in_vocabulary

# CMU phone set of the bundled en-us model (SIL is a filler, handled by the decoder).
PHONES = ("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH "
          "T TH UH UW V W Y Z ZH").split()
GARBAGE_PREFIX = "__"


def add_garbage_words(decoder) -> None:
    """The garbage loop's words: one per phone, and silence."""
    for ph in PHONES:
        decoder.add_word(GARBAGE_PREFIX + ph.lower(), ph, False)
    decoder.add_word(GARBAGE_PREFIX + "sil", "SIL", True)


def build_fsg(decoder, phrases: list[str], name: str, g: float, engine: str, warned: set[str]):
    """The grammar of `phrases` (normalised, unique) with a garbage loop entered with
    probability `g` (0: none). Phrases with a word the dictionary lacks are dropped."""
    usable = phrases_in_vocabulary(phrases, lambda w: decoder.lookup_word(w) is not None, engine, warned)
    if not usable:
        raise ValueError("none of the grammar phrases can be recognised (all words unknown)")
    # Prefix tree with no null transitions: a phrase's last word goes straight to the
    # final state (1). create_fsg() does not compute the null-transition closure, and
    # with epsilon arcs to the final state the search returned partial phrases
    # ("yes it" for "yes") on the fixtures.
    cont: dict[tuple[int, str], int] = {}  # (node, word) -> child node
    n_cont: dict[tuple[int, str], int] = {}
    n_end: dict[tuple[int, str], int] = {}
    total: dict[int, int] = {}
    nxt = 3  # 0 start, 1 final, 2 garbage loop
    for p in usable:
        words = p.split()
        node = 0
        for i, w in enumerate(words):
            total[node] = total.get(node, 0) + 1
            key = (node, w)
            if i == len(words) - 1:
                n_end[key] = n_end.get(key, 0) + 1
            else:
                n_cont[key] = n_cont.get(key, 0) + 1
                if key not in cont:
                    cont[key] = nxt
                    nxt += 1
                node = cont[key]
    trans: list[tuple] = []
    for (node, w), n in n_end.items():
        trans.append((node, 1, (1.0 - g if node == 0 else 1.0) * n / total[node], w))
    for (node, w), n in n_cont.items():
        trans.append((node, cont[(node, w)], (1.0 - g if node == 0 else 1.0) * n / total[node], w))
    if g > 0:
        garbage = [GARBAGE_PREFIX + p.lower() for p in PHONES]
        k = len(garbage)
        for w in garbage:
            trans.append((0, 2, g * 0.9 / k, w))
            trans.append((0, 1, g * 0.1 / k, w))
            trans.append((2, 2, 0.8 / k, w))
            trans.append((2, 1, 0.2 / k, w))
    return decoder.create_fsg(name, 0, 1, trans)
