"""Révision 14b (s11-thr): grammar terms of the lexicon compiled to regular expressions, not expanded.

The compiled lexicon must find exactly what the expanded one found (same entries, spans, factors, contexts)."""

from __future__ import annotations

import random

import pytest

from veilleur.detect.text_harm import lexicon as lexicon_mod
from veilleur.detect.text_harm import phrase_grammar
from veilleur.detect.text_harm.lexicon import Lexicon, _data, expand_term, load_lexicon
from veilleur.detect.text_harm.normalize import normalize_term
from veilleur.detect.text_harm.phrase_grammar import PhraseGrammar, compile_term, phrases


def _grammar_terms() -> list[str]:
    return [str(t) for raw in _data("lexicon.yaml")["entries"] for t in raw["terms"] if "{" in str(t)]


def test_every_compiled_term_has_the_phrases_of_its_expansion() -> None:
    compiled = 0
    for term in _grammar_terms():
        ct = compile_term(term)
        if ct is None:
            continue
        compiled += 1
        expected = {normalize_term(x) for x in expand_term(term)} - {""}
        assert phrases(term) == expected, term
        for key in expected:
            assert ct.exact.fullmatch(key), (term, key)
            assert ct.search.fullmatch(key.replace(" ", "  ")), (term, key)
            assert key.split(" ")[0].split("'")[0].split("-")[0] in ct.first_words or any(
                key.startswith(w) for w in ct.first_words
            )
            assert len(key) <= ct.max_len
    assert compiled >= 60  # révision 13d's threat grammar: ~24,000 phrases no longer expanded


def test_spaces_of_empty_alternatives_collapse() -> None:
    term = "{on t'attend|je t'attends|on vous attend} {|demain |lundi |}{a la sortie|devant le lycee|a la grille} {ce soir|}"
    ct = compile_term(term)
    assert ct is not None
    n = normalize_term  # doubled letters squeezed: "attend" is "atend"
    assert ct.exact.fullmatch(n("on t'attend a la sortie"))
    assert ct.exact.fullmatch(n("je t'attends lundi devant le lycée ce soir"))
    assert not ct.exact.fullmatch(n("on t'attend") + "  " + n("a la sortie"))
    assert not ct.exact.fullmatch(n("on t'attend a la sortie") + " ")
    assert ct.first_words == {"on", "je"}


def test_terms_left_to_expansion() -> None:
    assert compile_term("{a|b} c") is None  # few combinations
    assert (
        compile_term("{sale|gros|petit|vieux|jeune|grand} {" + "|".join("abcdefgh") + "} x") is None
    )  # "sal"
    words = "|".join(f"mot{c}" for c in "abcdefghij")
    assert compile_term("{" + words + "}{" + words + "}") is None  # one-word phrases are lexicon words
    assert (
        compile_term("{no1|nobody|noone|no one|none} {wants|likes|needs|cares|loves|hates|sees} you") is None
    )


def test_longest_phrase_at_a_start() -> None:
    g = PhraseGrammar()
    ct = compile_term(
        "{on va|je vais|on vas|jvais} {te|le} {taper|frapper|casser|buter|chopper|trouver} {|ce soir|demain}"
    )
    assert ct is not None
    g.add(1, ct)
    text = "bon on va te taper ce soir, ok"
    assert g.longest(text) == {4: len("bon on va te taper ce soir")}
    assert g.longest("on va te taper-ce soir") == {0: len("on va te taper-ce soir")}
    assert g.longest("mon va te taper") == {}  # no phrase starts inside a word
    assert g.longest("on va te tapera") == {}  # nor ends inside one


@pytest.fixture(scope="module")
def expanded_lexicon() -> Lexicon:
    old = phrase_grammar.COMPILE_MIN
    phrase_grammar.COMPILE_MIN = 10**9  # every term expanded, as before révision 14b
    try:
        return Lexicon(_data("lexicon.yaml"), _data("contexts.yaml"))
    finally:
        phrase_grammar.COMPILE_MIN = old


def _hits(lex: Lexicon, text: str, lang: str | None) -> list[tuple[object, ...]]:
    return [
        (
            sorted(h.entry.categories.items()),
            h.entry.lang,
            h.entry.explain,
            h.entry.needs,
            h.start,
            h.end,
            round(h.factor, 12),
            tuple(h.contexts),
        )
        for h in lex.match(text, lang)
    ]


def test_compiled_lexicon_finds_what_the_expanded_one_found(expanded_lexicon: Lexicon) -> None:
    lex = load_lexicon()
    assert lex.grammar and not expanded_lexicon.grammar
    assert len(lex.phrases) < len(expanded_lexicon.phrases) // 2
    rng = random.Random(14)
    texts = [
        "je vais te tuer mdr",
        "on t'attend demain a la sortie",
        "On  t’attend DEMAIN à la sortie, toi et ta famille",
        "ta voiture va finir rayée",
        "I know where your kids go to school",
        "we'll see how brave you are",
        "qu'on lui colle deux baffes",
        "il m'a écrit « je sais où tu habites », j'ai porté plainte",
        "@on va te defoncer",
        "ok le sale nazi",
    ]
    for term in _grammar_terms():
        ex = expand_term(term)
        for x in rng.sample(ex, min(4, len(ex))):
            texts.append(rng.choice(["", "bon ", "lol "]) + rng.choice([x, x.replace(" ", "-", 1), x[:-1]]))
    for text in texts:
        for lang in (None, "fr", "en"):
            assert _hits(lex, text, lang) == _hits(expanded_lexicon, text, lang), (text, lang)


def test_a_run_together_phrase_of_a_compiled_term() -> None:
    lex = load_lexicon()
    key = "t'es prevenu"  # a phrase of « {t'es|t es|tu es…} {prévenu…} », compiled or not
    assert lex.phrase_entries(key)
    assert lexicon_mod.Lexicon.phrase_entries(lex, "pas une phrase du lexique") == []
