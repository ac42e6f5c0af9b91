"""Target-aware features for (paragraph, actor) pairs and paragraph features for sentiment.

A pair is the paragraph text, its language, the spans that name the target actor and the spans
that name other actors. The featurizer builds, per pair:

- the sentences that hold the target, with the target masked as `_tgt_` and other actors as
  `_oth_` (word n-grams; optionally the whole masked paragraph too, `para_weight`);
- the words attributed to the target: each word goes to the nearest actor mention of its
  sentence, crossing a clause boundary counting as four words (word and character n-grams, and
  weighted word features marked by negation scope);
- the words right next to each mention, by side and distance;
- polarity-lexicon sums over the attributed words (negation-aware, after contrast markers, in
  quotes), over other actors' words and over the paragraph (context only).

Everything here is a plain scikit-learn transformer so a saved pipeline loads wherever the
project is installed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer

from .actors import fold

TARGET = "_tgt_"
OTHER = "_oth_"
_TOKEN_RE = re.compile(r"\w+|[\"«»“”]|[.!?;:,–—()]")
_SENT_END = {".", "!", "?", ";"}
_CLAUSE_END = _SENT_END | {",", ":", "–", "—", "(", ")"}
_QUOTE_TOKENS = {'"', "«", "»", "“", "”"}
_WINDOW = 8
_NEG_SCOPE = 4

LEXICON_DIR = Path(__file__).resolve().parent.parent / "seeds" / "lexicon"
LEXICON_LANGS = ("it", "en")


@dataclass(frozen=True)
class Pair:
    """One (paragraph, actor) pair to score."""

    text: str
    lang: str
    target: tuple[tuple[int, int], ...]
    others: tuple[tuple[int, int], ...] = field(default=())


@lru_cache(maxsize=8)
def load_lexicon(lang: str, directory: str = str(LEXICON_DIR)) -> dict[str, object]:
    """Read `seeds/lexicon/<lang>.tsv` (word, polarity) plus negators and contrast markers, and
    `function-words-<lang>.txt` (words that are never evidence on their own)."""
    words: dict[str, float] = {}
    negators: set[str] = set()
    contrast: set[str] = set()
    path = Path(directory) / f"{lang}.tsv"
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            term, _, value = line.partition("\t")
            term = fold(term.strip())
            value = value.strip()
            if value == "NEG":
                negators.add(term)
            elif value == "CONTRAST":
                contrast.add(term)
            else:
                try:
                    words[term] = float(value)
                except ValueError:
                    continue
    function_words: set[str] = set()
    fw_path = Path(directory) / f"function-words-{lang}.txt"
    if fw_path.exists():
        lines = fw_path.read_text(encoding="utf-8").splitlines()
        function_words = {fold(w.strip()) for w in lines if w.strip() and not w.startswith("#")}
    return {
        "words": words,
        "negators": frozenset(negators),
        "contrast": frozenset(contrast),
        "function_words": frozenset(function_words),
    }


@lru_cache(maxsize=2048)
def _base_tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    """Tokenize a paragraph once (folded), keeping offsets; pairs of one paragraph share it."""
    return tuple((m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(fold(text)))


def _masked_tokens(text: str, target: Sequence[tuple[int, int]], others: Sequence[tuple[int, int]]) -> list[str]:
    """Return the paragraph's tokens with the target's mentions as `_tgt_`, other actors' as `_oth_`."""
    # A span that names the target and another actor (a compound adjective) is the target.
    others = [(s, e) for s, e in others if not any(s < te and ts < e for ts, te in target)]
    spans = sorted([(s, e, TARGET) for s, e in target] + [(s, e, OTHER) for s, e in others])
    out: list[str] = []
    k = 0
    last_span = -1
    for tok, s, e in _base_tokens(text):
        while k < len(spans) and spans[k][1] <= s:
            k += 1
        if k < len(spans) and spans[k][0] < e:
            if k != last_span:  # one tag per mention, however many tokens it covers
                out.append(spans[k][2])
                last_span = k
            continue
        out.append(tok)
    return out


def _sentences(tokens: list[str]) -> list[tuple[int, int]]:
    out, start = [], 0
    for i, t in enumerate(tokens):
        if t in _SENT_END:
            out.append((start, i + 1))
            start = i + 1
    if start < len(tokens):
        out.append((start, len(tokens)))
    return out


def _clause_ids(tokens: list[str], contrast: frozenset[str]) -> list[int]:
    ids, cid = [], 0
    for t in tokens:
        if t in _CLAUSE_END or t in contrast:
            cid += 1
        ids.append(cid)
    return ids


def _lexicon_for(lexicons: dict[str, dict[str, object]], lang: str) -> dict[str, object]:
    return lexicons.get(lang) or lexicons.get("en") or {"words": {}, "negators": frozenset(), "contrast": frozenset()}


@dataclass(frozen=True)
class _Layout:
    """What a paragraph's pairs share: tokens with every mention masked, sentences, clauses,
    negation scope, contrast and quote flags, and each token's lexicon polarity."""

    toks: tuple[str, ...]
    mention_pos: tuple[int, ...]  # token index of each mention placeholder, in span order
    sents: tuple[tuple[int, int], ...]
    sent_of: tuple[int, ...]
    clauses: tuple[int, ...]
    negated: tuple[bool, ...]
    after_contrast: tuple[bool, ...]
    in_quote: tuple[bool, ...]
    signed: tuple[float, ...]  # polarity, flipped under negation
    polar: tuple[int, ...]  # indices of tokens with a polarity
    words: tuple[str, ...]  # the token as a feature word, `NOT_` under negation
    para: float


def _layout(toks: list[str], lex: dict[str, object]) -> _Layout:
    """Compute everything about a masked token sequence that does not depend on which mention
    is the target (the target and other placeholders are alike to all of it)."""
    polarity: dict[str, float] = lex["words"]  # type: ignore[assignment]
    negators: frozenset[str] = lex["negators"]  # type: ignore[assignment]
    contrast: frozenset[str] = lex["contrast"]  # type: ignore[assignment]
    n = len(toks)
    sents = _sentences(toks)
    sent_of = [0] * n
    for k, (s0, e0) in enumerate(sents):
        for j in range(s0, e0):
            sent_of[j] = k
    # Negation scope, "after a contrast marker" and "inside a quote", token by token.
    negated = [False] * n
    after_contrast = [False] * n
    in_quote = [False] * n
    quote_open = False
    for i, t in enumerate(toks):
        if t in _QUOTE_TOKENS:
            quote_open = not quote_open
        in_quote[i] = quote_open
        if t in negators:
            for j in range(i + 1, min(n, i + 1 + _NEG_SCOPE)):
                if toks[j] in _CLAUSE_END:
                    break
                negated[j] = True
        if t in contrast:
            for j in range(i + 1, n):
                if toks[j] in _SENT_END:
                    break
                after_contrast[j] = True
    signed = [0.0] * n
    polar = []
    for i, t in enumerate(toks):
        pol = polarity.get(t, 0.0)
        if pol:
            signed[i] = -pol if negated[i] else pol
            polar.append(i)
    para = sum(signed[i] for i in polar)
    return _Layout(
        tuple(toks),
        tuple(i for i, t in enumerate(toks) if t in (TARGET, OTHER)),
        tuple(sents),
        tuple(sent_of),
        tuple(_clause_ids(toks, contrast)),
        tuple(negated),
        tuple(after_contrast),
        tuple(in_quote),
        tuple(signed),
        tuple(polar),
        tuple(("NOT_" + t if neg else t) for t, neg in zip(toks, negated, strict=True)),
        para,
    )


_LAYOUT_CACHE_MAX = 256  # pairs of one paragraph come together; older entries are never reused


def _pair_tokens(
    pair: Pair, lex: dict[str, object], cache: dict[tuple[object, ...], _Layout]
) -> tuple[list[str], _Layout]:
    """Return the pair's masked tokens and its paragraph's layout, shared by the paragraph's pairs."""
    units = sorted(set(pair.target) | set(pair.others))
    if any(units[i][1] > units[i + 1][0] for i in range(len(units) - 1)):
        # Overlapping mentions: mask this pair on its own (the rule for overlaps is in
        # `_masked_tokens`), nothing to share.
        toks = _masked_tokens(pair.text, pair.target, pair.others)
        return toks, _layout(toks, lex)
    key = (pair.text, tuple(units), pair.lang)
    layout = cache.get(key)
    if layout is None:
        if len(cache) > _LAYOUT_CACHE_MAX:
            cache.clear()
        layout = cache[key] = _layout(_masked_tokens(pair.text, (), units), lex)
    toks = list(layout.toks)
    if len(layout.mention_pos) == len(units):
        targets = set(pair.target)
        for pos, unit in zip(layout.mention_pos, units, strict=True):
            if unit in targets:
                toks[pos] = TARGET
    else:  # a mention that covers no token: fall back to masking this pair directly
        toks = _masked_tokens(pair.text, pair.target, pair.others)
    return toks, layout


def _pair_views(
    pair: Pair, lexicons: dict[str, dict[str, object]], cache: dict[tuple[object, ...], _Layout] | None = None
) -> tuple[str, str, str, dict[str, float]]:
    """Return the masked paragraph, the target's sentences, the words attributed to the target,
    and the weighted context features."""
    lex = _lexicon_for(lexicons, pair.lang)
    toks, layout = _pair_tokens(pair, lex, {} if cache is None else cache)
    n = len(toks)
    tpos = [i for i in layout.mention_pos if toks[i] == TARGET] if layout.mention_pos else []
    opos = [i for i in layout.mention_pos if toks[i] == OTHER] if layout.mention_pos else []
    sents, sent_of, clauses = layout.sents, layout.sent_of, layout.clauses
    after_contrast, in_quote, signed = layout.after_contrast, layout.in_quote, layout.signed

    # Attribute each word to the nearest actor mention of its sentence, where crossing a clause
    # boundary counts as four words (evaluation binds within a clause); a sentence that names no
    # actor goes, at half weight, to the actor named last before it (a rough anaphora rule).
    mentions_in: list[list[tuple[int, bool]]] = [[] for _ in sents]
    for p in tpos:
        mentions_in[sent_of[p]].append((p, True))
    for p in opos:
        mentions_in[sent_of[p]].append((p, False))
    weight = [0.0] * n
    last_is_target = False
    for k, (s0, e0) in enumerate(sents):
        ms = mentions_in[k]
        if not ms:
            if last_is_target:
                for j in range(s0, e0):
                    weight[j] = 0.5 / (1.0 + 0.05 * (j - s0))
            continue
        last_is_target = max(ms)[1]
        targets = [(p, clauses[p]) for p, is_t in ms if is_t]
        if not targets:
            continue
        rivals = [(p, clauses[p]) for p, is_t in ms if not is_t]
        for j in range(s0, e0):
            tok = toks[j]
            if tok in (TARGET, OTHER):
                continue
            cj = clauses[j]
            dt = 1e9
            for p, cp in targets:
                d = abs(j - p) + 4 * abs(cj - cp)
                if d < dt:
                    dt = d
            for p, cp in rivals:
                if abs(j - p) + 4 * abs(cj - cp) < dt:
                    break
            else:
                weight[j] = 1.0 / (1.0 + 0.15 * dt)

    feats: dict[str, float] = {}

    def add(key: str, value: float) -> None:
        feats[key] = feats.get(key, 0.0) + value

    att_words: list[str] = []
    for j in range(n):
        if weight[j] > 0 and toks[j][0].isalnum():
            word = layout.words[j]
            att_words.append(word)
            add(f"A:{word}", weight[j])
            if signed[j]:
                add("lex_att_pos" if signed[j] > 0 else "lex_att_neg", abs(signed[j]) * weight[j])
                if after_contrast[j]:
                    add("lex_att_contrast", signed[j] * weight[j])
                if in_quote[j]:
                    add("lex_att_quote", signed[j] * weight[j])
    lex_other = 0.0
    for j in layout.polar:
        if weight[j] <= 0:
            lex_other += signed[j]
    for p in tpos:
        if in_quote[p]:
            add("target_in_quote", 1.0)
        if after_contrast[p]:
            add("target_after_contrast", 1.0)
        for j in range(max(0, p - 3), min(n, p + 4)):
            if j != p and toks[j][0].isalnum() and sent_of[j] == sent_of[p]:
                side = "L" if j < p else "R"
                add(f"{side}{abs(j - p)}:{layout.words[j]}", 1.0)
    lex_att = feats.get("lex_att_pos", 0.0) - feats.get("lex_att_neg", 0.0)
    add("lex_att_balance", lex_att)
    add("lex_other", lex_other / 3.0)
    add("n_mentions", min(len(tpos), 5) / 5)
    add("n_others", min(len(opos), 5) / 5)
    if tpos:
        add("first_pos", tpos[0] / max(n, 1))
        if tpos[0] < 3:
            add("target_starts", 1.0)
    add("lex_para", layout.para / max(n, 1) * 10)
    target_sents = sorted({sent_of[p] for p in tpos})
    sent_text = " ".join(" ".join(toks[sents[k][0] : sents[k][1]]) for k in target_sents)
    return " ".join(toks), sent_text, " ".join(att_words), feats


def _char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """Return the char_wb n-grams of one word exactly as scikit-learn builds them."""
    w = f" {word} "
    out = []
    for n in range(min_n, max_n + 1):
        out += [w[i : i + n] for i in range(max(1, len(w) - n + 1))]
        if len(w) <= n:  # a short word is counted once
            break
    return out


_CHAR_CACHE_MAX = 50_000


def char_wb_transform(vec: TfidfVectorizer, docs: Sequence[str], cache: dict[str, tuple[int, ...]]) -> sp.csr_matrix:
    """Return `vec.transform(docs)` for a fitted char_wb vectorizer, caching each word's n-grams.

    Words repeat across the pairs of a paragraph and across paragraphs, so looking their
    n-grams up once is several times faster than scikit-learn's per-document loop; counting and
    weighting stay scikit-learn's own.
    """
    tfidf = getattr(vec, "_tfidf", None)
    if vec.analyzer != "char_wb" or not vec.lowercase or vec.strip_accents or vec.binary or tfidf is None:
        return vec.transform(docs)
    if len(cache) > _CHAR_CACHE_MAX:
        cache.clear()
    vocab = vec.vocabulary_
    min_n, max_n = vec.ngram_range
    indices: list[int] = []
    indptr = [0]
    for doc in docs:
        for word in doc.lower().split():
            idx = cache.get(word)
            if idx is None:
                idx = cache[word] = tuple(vocab[g] for g in _char_wb_ngrams(word, min_n, max_n) if g in vocab)
            indices.extend(idx)
        indptr.append(len(indices))
    counts = sp.csr_matrix(
        (np.ones(len(indices), dtype=vec.dtype), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(len(docs), len(vocab)),
    )
    counts.sum_duplicates()
    return sp.csr_matrix(tfidf.transform(counts, copy=False))


class PairFeaturizer(BaseEstimator, TransformerMixin):
    """Turn `Pair` objects into one sparse matrix of target-aware features."""

    def __init__(
        self,
        min_df: int = 2,
        char_ngrams: bool = True,
        max_features: int = 200_000,
        para_weight: float = 0.0,
        sent_weight: float = 1.0,
        att_weight: float = 1.0,
        char_weight: float = 0.5,
        char_view: str = "att",
        sent_ngrams: int = 2,
        char_range: tuple[int, int] = (3, 4),
    ) -> None:
        self.min_df = min_df
        self.char_ngrams = char_ngrams
        self.max_features = max_features
        self.para_weight = para_weight
        self.sent_weight = sent_weight
        self.att_weight = att_weight
        self.char_weight = char_weight
        self.char_view = char_view
        self.sent_ngrams = sent_ngrams
        self.char_range = char_range

    def _views(self, pairs: Iterable[Pair]) -> tuple[list[str], list[str], list[str], list[dict[str, float]]]:
        paras, sents, atts, dicts = [], [], [], []
        for pair in pairs:
            p, s, a, d = _pair_views(pair, self.lexicons_, self.__dict__.setdefault("_layout_cache", {}))
            paras.append(p + f" _lang_{pair.lang}")
            sents.append(s)
            atts.append(a)
            dicts.append(d)
        return paras, sents, atts, dicts

    def _tfidf(self, ngrams: tuple[int, int], analyzer: str = "word") -> TfidfVectorizer:
        return TfidfVectorizer(
            analyzer=analyzer,
            token_pattern=r"\S+" if analyzer == "word" else None,
            ngram_range=ngrams,
            min_df=self.min_df,
            sublinear_tf=True,
            max_features=self.max_features,
            dtype=np.float32,
        )

    def fit(self, pairs: Sequence[Pair], y: object = None) -> PairFeaturizer:
        # The lexicon is copied into the model so a saved model never depends on seeds/.
        self.lexicons_ = {lang: load_lexicon(lang) for lang in LEXICON_LANGS}
        paras, sents, atts, dicts = self._views(pairs)
        self.para_vec_ = self._tfidf((1, 2)).fit(paras) if self.para_weight else None
        self.sent_vec_ = self._tfidf((1, self.sent_ngrams)).fit(sents)
        self.att_vec_ = self._tfidf((1, 2)).fit(atts)
        self.char_vec_ = (
            self._tfidf(self.char_range, "char_wb").fit(atts if self.char_view == "att" else sents)
            if self.char_ngrams
            else None
        )
        self.dict_vec_ = DictVectorizer(dtype=np.float32).fit(dicts)
        return self

    def transform(self, pairs: Sequence[Pair]) -> sp.csr_matrix:
        paras, sents, atts, dicts = self._views(pairs)
        blocks = [self.para_vec_.transform(paras) * self.para_weight] if self.para_vec_ is not None else []
        blocks += [self.sent_vec_.transform(sents) * self.sent_weight, self.att_vec_.transform(atts) * self.att_weight]
        if self.char_vec_ is not None:
            docs = atts if self.char_view == "att" else sents
            blocks.append(
                char_wb_transform(self.char_vec_, docs, self.__dict__.setdefault("_char_cache", {})) * self.char_weight
            )
        blocks.append(self.dict_vec_.transform(dicts))
        return sp.hstack(blocks, format="csr")

    def clear_caches(self) -> None:
        """Forget the per-process lookup caches (benchmarks call this to time unseen text)."""
        self.__dict__.pop("_char_cache", None)
        self.__dict__.pop("_layout_cache", None)
        _base_tokens.cache_clear()

    def __getstate__(self) -> dict[str, object]:
        state = dict(super().__getstate__())
        state.pop("_char_cache", None)  # per-process lookup caches, rebuilt on demand
        state.pop("_layout_cache", None)
        return state

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        names = [f"para:{n}" for n in self.para_vec_.get_feature_names_out()] if self.para_vec_ is not None else []
        names += [f"sent:{n}" for n in self.sent_vec_.get_feature_names_out()]
        names += [f"att:{n}" for n in self.att_vec_.get_feature_names_out()]
        if self.char_vec_ is not None:
            names += [f"char:{n}" for n in self.char_vec_.get_feature_names_out()]
        names += [f"ctx:{n}" for n in self.dict_vec_.get_feature_names_out()]
        return np.asarray(names, dtype=object)


class ParagraphFeaturizer(BaseEstimator, TransformerMixin):
    """Features of a whole paragraph for its sentiment: word and char n-grams plus lexicon sums."""

    def __init__(self, min_df: int = 2) -> None:
        self.min_df = min_df

    def _lex(self, items: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        out = []
        for text, lang in items:
            lex = _lexicon_for(self.lexicons_, lang)
            polarity: dict[str, float] = lex["words"]  # type: ignore[assignment]
            negators: frozenset[str] = lex["negators"]  # type: ignore[assignment]
            toks = _TOKEN_RE.findall(fold(text))
            pos = neg = 0.0
            flip = 0
            for t in toks:
                if t in negators:
                    flip = _NEG_SCOPE
                    continue
                pol = polarity.get(t, 0.0) * (-1 if flip else 1)
                flip = max(0, flip - 1)
                if pol > 0:
                    pos += pol
                elif pol < 0:
                    neg -= pol
            n = max(len(toks), 1)
            out.append({"pos": pos / n * 10, "neg": neg / n * 10, "bal": (pos - neg) / n * 10})
        return out

    def fit(self, items: Sequence[tuple[str, str]], y: object = None) -> ParagraphFeaturizer:
        self.lexicons_ = {lang: load_lexicon(lang) for lang in LEXICON_LANGS}
        texts = [fold(t) + f" _lang_{lang}" for t, lang in items]
        self.word_vec_ = TfidfVectorizer(ngram_range=(1, 2), min_df=self.min_df, sublinear_tf=True).fit(texts)
        self.char_vec_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), min_df=self.min_df, sublinear_tf=True
        ).fit(texts)
        self.dict_vec_ = DictVectorizer().fit(self._lex(items))
        return self

    def transform(self, items: Sequence[tuple[str, str]]) -> sp.csr_matrix:
        texts = [fold(t) + f" _lang_{lang}" for t, lang in items]
        return sp.hstack(
            [
                self.word_vec_.transform(texts),
                self.char_vec_.transform(texts) * 0.5,
                self.dict_vec_.transform(self._lex(items)),
            ],
            format="csr",
        )

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        names = [f"word:{n}" for n in self.word_vec_.get_feature_names_out()]
        names += [f"char:{n}" for n in self.char_vec_.get_feature_names_out()]
        names += [f"lex:{n}" for n in self.dict_vec_.get_feature_names_out()]
        return np.asarray(names, dtype=object)
