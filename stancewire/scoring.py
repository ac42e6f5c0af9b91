"""The stance and sentiment model: scikit-learn pipelines plus per-prediction evidence."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from .features import Pair, PairFeaturizer, ParagraphFeaturizer

LABELS = ("negative", "neutral", "positive")
_EVIDENCE_TERMS = 5
_COMMON_IDF = 4.0


@dataclass(frozen=True)
class Score:
    """A three-way judgement: label, score = P(positive) − P(negative), and probabilities."""

    label: str
    score: float
    probabilities: dict[str, float]
    evidence: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "label": self.label,
            "score": round(self.score, 4),
            "probabilities": {k: round(v, 4) for k, v in self.probabilities.items()},
        }
        if self.evidence:
            out["evidence"] = list(self.evidence)
        return out


def score_from_probs(probs: Sequence[float], evidence: tuple[str, ...] = ()) -> Score:
    p = {label: float(v) for label, v in zip(LABELS, probs, strict=True)}
    label = max(LABELS, key=lambda k: p[k])
    return Score(label, p["positive"] - p["negative"], p, evidence)


@dataclass
class StanceModel:
    """Two linear classifiers over hand-built features: stance per pair, sentiment per paragraph."""

    stance_features: PairFeaturizer
    stance_clf: LogisticRegression
    sentiment_features: ParagraphFeaturizer
    sentiment_clf: LogisticRegression
    version: str = "untrained"
    params: dict[str, Any] = field(default_factory=dict)
    # Temperatures fitted on dev data so that probabilities are calibrated (1.0 = as trained).
    stance_temperature: float = 1.0
    sentiment_temperature: float = 1.0

    def _probs(self, clf: LogisticRegression, X: Any, temperature: float) -> np.ndarray:
        """Return calibrated probabilities with columns in LABELS order."""
        return softmax(clf.decision_function(X) / temperature)[:, [list(clf.classes_).index(c) for c in LABELS]]

    def score_pairs(self, pairs: Sequence[Pair], evidence: bool = True) -> list[Score]:
        """Score every pair in one prediction call."""
        if not pairs:
            return []
        X = self.stance_features.transform(pairs)
        probs = self._probs(self.stance_clf, X, self.stance_temperature)
        if not evidence:
            return [score_from_probs(p) for p in probs]
        return [score_from_probs(p, ev) for p, ev in zip(probs, self._evidence(X, probs), strict=True)]

    def score_paragraphs(self, items: Sequence[tuple[str, str]]) -> list[Score]:
        """Score the sentiment of (text, lang) paragraphs in one prediction call."""
        if not items:
            return []
        X = self.sentiment_features.transform(items)
        probs = self._probs(self.sentiment_clf, X, self.sentiment_temperature)
        return [score_from_probs(p) for p in probs]

    def _evidence(self, X: Any, probs: np.ndarray) -> list[tuple[str, ...]]:
        """Return, per row, the readable terms that pushed most toward its predicted label."""
        if not hasattr(self, "_rel"):
            names = [_readable(n) for n in self.stance_features.get_feature_names_out()]
            # Function words (from the lexicon) and words in more than ~5% of training sentences
            # explain nothing on their own.
            vec = self.stance_features.sent_vec_
            common = {w for w, i in vec.vocabulary_.items() if " " not in w and vec.idf_[i] < _COMMON_IDF}
            common |= {"[target]", "[other]", "not"}
            for lex in getattr(self.stance_features, "lexicons_", {}).values():
                common |= lex.get("function_words", frozenset())
            names = [n if n and not all(w in common for w in n.split()) else "" for n in names]
            coef = self.stance_clf.coef_
            classes = list(self.stance_clf.classes_)
            # A term's push toward a class: its weight there minus its mean weight; terms a person
            # cannot read (character n-grams, sums) get no say.
            rel = coef - coef.mean(axis=0, keepdims=True)
            rel[:, [i for i, n in enumerate(names) if not n]] = 0.0
            self._rel = rel[[classes.index(label) for label in LABELS]]
            self._names = names
        X = X.tocsr()
        rows = np.repeat(np.argmax(probs, axis=1), np.diff(X.indptr))
        contrib = X.data * self._rel[rows, X.indices]
        out: list[tuple[str, ...]] = []
        k = _EVIDENCE_TERMS * 2
        for i in range(X.shape[0]):
            start, end = X.indptr[i], X.indptr[i + 1]
            c = contrib[start:end]
            top = np.argpartition(-c, k)[:k] if len(c) > k else np.arange(len(c))
            terms: list[str] = []
            for j in top[np.argsort(-c[top])]:
                if c[j] <= 0:
                    break
                term = self._names[X.indices[start + j]]
                if term not in terms:
                    terms.append(term)
                    if len(terms) == _EVIDENCE_TERMS:
                        break
            out.append(tuple(terms))
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_names", None)
        state.pop("_rel", None)
        return state


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_temperature(logits: np.ndarray, y: Sequence[str], classes: Sequence[str]) -> float:
    """Return the temperature that minimises the log loss of softmax(logits / T) on (logits, y)."""
    from scipy.optimize import minimize_scalar

    idx = np.array([list(classes).index(label) for label in y])

    def nll(log_t: float) -> float:
        p = softmax(logits / np.exp(log_t))
        return float(-np.mean(np.log(p[np.arange(len(idx)), idx] + 1e-12)))

    return float(np.exp(minimize_scalar(nll, bounds=(-3, 3), method="bounded").x))


def expected_calibration_error(probs: np.ndarray, y: Sequence[str], bins: int = 10) -> float:
    """Return the ECE of the top-label confidence (probs columns in LABELS order)."""
    conf = probs.max(axis=1)
    right = np.array([LABELS[i] == label for i, label in zip(probs.argmax(axis=1), y, strict=True)])
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - right[m].mean())
    return float(ece)


def _readable(name: str) -> str:
    """Turn an internal feature name into a term a person can read, or '' to skip it."""
    kind, _, rest = name.partition(":")
    if kind == "char":
        return ""
    if kind == "ctx":
        _head, _, word = rest.partition(":")
        if not word:
            return ""  # lexicon sums and counts
        return word.replace("NOT_", "not ")
    if any(tag in rest for tag in ("_lang_",)):
        return ""
    return rest.replace("_tgt_", "[target]").replace("_oth_", "[other]")
