"""The shipped model on clear, authored contrast paragraphs: two actors, two different stances."""

from pathlib import Path

import pytest

from stancewire.config import PROJECT_ROOT
from stancewire.features import load_lexicon
from stancewire.modelstore import ModelHolder
from training.datasets import corpus_examples

RANK = {"negative": 0, "neutral": 1, "positive": 2}
FILES = sorted((PROJECT_ROOT / "bench" / "data").glob("contrast-*.jsonl"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_model_separates_the_two_actors(path: Path) -> None:
    model, _ = ModelHolder(PROJECT_ROOT / "models").get()
    examples, _, _ = corpus_examples([path])
    scores = model.score_pairs([e.pair for e in examples], evidence=False)
    paragraphs: dict[str, list[tuple[str, float, str]]] = {}
    for ex, s in zip(examples, scores, strict=True):
        paragraphs.setdefault(ex.group, []).append((ex.label, s.score, s.label))
    ordered = differing = 0
    for (gold_a, score_a, pred_a), (gold_b, score_b, pred_b) in paragraphs.values():
        ordered += (score_a > score_b) == (RANK[gold_a] > RANK[gold_b])
        differing += pred_a != pred_b
    n = len(paragraphs)
    assert n >= 20
    # The better-treated actor scores higher in at least 80% of paragraphs, and the model gives
    # the two actors different labels in at least 70% of them.
    assert ordered >= 0.8 * n, f"{ordered}/{n} ordered"
    assert differing >= 0.7 * n, f"{differing}/{n} with different labels"


def test_evidence_is_never_a_lone_function_word() -> None:
    model, _ = ModelHolder(PROJECT_ROOT / "models").get()
    examples, _, _ = corpus_examples(FILES)
    terms = [t for s in model.score_pairs([e.pair for e in examples]) for t in s.evidence]
    function_words = load_lexicon("it")["function_words"] | load_lexicon("en")["function_words"]
    assert len(terms) > 2 * len(examples)
    assert not [t for t in terms if all(w in function_words for w in t.split())]
