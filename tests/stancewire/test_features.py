"""Target-aware features: what each view holds, and that the speed-ups change nothing."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from stancewire.features import (
    Pair,
    PairFeaturizer,
    _layout,
    _masked_tokens,
    _pair_tokens,
    _pair_views,
    char_wb_transform,
    load_lexicon,
)


def pair(text: str, target: str, *others: str, lang: str = "en") -> Pair:
    def spans(needle: str) -> tuple[tuple[int, int], ...]:
        start = text.index(needle)
        return ((start, start + len(needle)),)

    return Pair(text, lang, spans(target), tuple(s for o in others for s in spans(o)))


PARIS = "Paris praised the plan, but Washington stayed silent and doomed it."
ROMA = "Roma non ha mantenuto gli impegni; Berlino invece ha rispettato il calendario."
COMPOUND = "Il vertice franco-britannico ha convinto Kiev."
PAIRS = [
    pair(PARIS, "Paris", "Washington"),
    pair(PARIS, "Washington", "Paris"),
    pair(ROMA, "Roma", "Berlino", lang="it"),
    pair(ROMA, "Berlino", "Roma", lang="it"),
    # Two actors named by one compound: the same span is the target's and the other's.
    Pair(COMPOUND, "it", ((11, 28),), ((11, 28), (41, 45))),
    # Overlapping mentions of different extent ("Casa Bianca" and "Bianca").
    Pair("La Casa Bianca tace.", "it", ((3, 14),), ((8, 14),)),
]
LEXICONS = {lang: load_lexicon(lang) for lang in ("it", "en")}


@pytest.fixture(scope="module")
def featurizer() -> PairFeaturizer:
    return PairFeaturizer(min_df=1).fit(PAIRS * 2)


def test_each_actor_gets_the_words_of_its_own_clause() -> None:
    _, _, paris, _ = _pair_views(PAIRS[0], LEXICONS)
    _, _, washington, _ = _pair_views(PAIRS[1], LEXICONS)
    assert "praised" in paris.split() and "doomed" not in paris.split()
    assert "doomed" in washington.split() and "praised" not in washington.split()


def test_negation_marks_the_words_in_its_scope() -> None:
    _, _, roma, feats = _pair_views(PAIRS[2], LEXICONS)
    assert "NOT_mantenuto" in roma.split()
    assert "A:NOT_mantenuto" in feats


def test_a_compound_mention_is_the_target() -> None:
    masked, _, _, _ = _pair_views(PAIRS[4], LEXICONS)
    assert masked.split()[2] == "_tgt_" and "_oth_" in masked.split()


def test_shared_paragraph_layout_does_not_leak_between_pairs(featurizer: PairFeaturizer) -> None:
    together = featurizer.transform(PAIRS).toarray()
    for i, p in enumerate(PAIRS):
        featurizer.clear_caches()
        alone = featurizer.transform([p]).toarray()[0]
        np.testing.assert_array_equal(alone, together[i])
    assert not np.array_equal(together[0], together[1])


def test_a_pickled_featurizer_drops_its_caches_and_gives_the_same_features(featurizer: PairFeaturizer) -> None:
    before = featurizer.transform(PAIRS).toarray()
    loaded = pickle.loads(pickle.dumps(featurizer))
    assert "_layout_cache" not in loaded.__dict__ and "_char_cache" not in loaded.__dict__
    np.testing.assert_array_equal(loaded.transform(PAIRS).toarray(), before)


@pytest.mark.parametrize("ngrams", [(3, 4), (2, 5)])
def test_char_ngrams_equal_scikit_learns(ngrams: tuple[int, int]) -> None:
    docs = ["NOT_mantenuto gli impegni", "a ab città  perché", "", "x", "Washington doomed doomed it"]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=ngrams, sublinear_tf=True, dtype=np.float32).fit(docs)
    cache: dict[str, tuple[int, ...]] = {}
    for _ in range(2):  # cold, then with every word cached
        np.testing.assert_array_equal(char_wb_transform(vec, docs, cache).toarray(), vec.transform(docs).toarray())


WORDS = ["Roma", "non", "ha", "mantenuto", ",", "ma", "Berlino", "«", "accusa", "»", "Parigi", ".", "tace", "l'Ue"]


@st.composite
def paragraph_pairs(draw: st.DrawFn) -> Pair:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=25))
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    ends = [s + len(w) for s, w in zip(starts, words, strict=True)]

    def span() -> tuple[int, int]:
        i = draw(st.integers(0, len(words) - 1))
        j = draw(st.integers(i, min(len(words) - 1, i + 2)))
        return starts[i], ends[j]

    target = tuple(span() for _ in range(draw(st.integers(1, 3))))
    others = tuple(span() for _ in range(draw(st.integers(0, 4))))
    return Pair(text, draw(st.sampled_from(["it", "en"])), target, others)


@settings(max_examples=300, deadline=None)
@given(st.lists(paragraph_pairs(), min_size=1, max_size=4))
def test_shared_layout_equals_masking_each_pair_on_its_own(pairs: list[Pair]) -> None:
    cache: dict = {}
    for pair in pairs * 2:  # the second round reads every layout from the cache
        lex = LEXICONS[pair.lang]
        direct = _masked_tokens(pair.text, pair.target, pair.others)
        toks, layout = _pair_tokens(pair, lex, cache)
        assert toks == direct
        reference = _layout(direct, lex)
        for name in ("sents", "sent_of", "clauses", "negated", "after_contrast", "in_quote", "signed", "para"):
            assert getattr(layout, name) == getattr(reference, name), name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="aàbZ_ é\t", max_size=12), min_size=1, max_size=6))
def test_char_ngrams_equal_scikit_learns_on_any_text(docs: list[str]) -> None:
    docs = [*docs, "ab"]  # at least one n-gram, or scikit-learn refuses to fit
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, dtype=np.float32).fit(docs)
    np.testing.assert_array_equal(char_wb_transform(vec, docs, {}).toarray(), vec.transform(docs).toarray())
