"""Measure how far two annotators agree on the corpus's labels, and the model on the same pairs.

python -m bench.agreement

`training/data/agreement/<lang>.jsonl` holds a second, blind annotation of 100 test-split
paragraphs per language (same guide, labels only). Agreement between the corpus labels and the
second annotation is the ceiling that a model trained on one annotator's labels can be expected
to approach; the model's own score on the same pairs is printed next to it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, f1_score

from stancewire.config import PROJECT_ROOT, Settings
from stancewire.modelstore import ModelHolder
from training.corpus import LABELS, iter_jsonl
from training.datasets import corpus_examples
from training.train import DEFAULT_CORPUS

AGREEMENT_DIR = PROJECT_ROOT / "training" / "data" / "agreement"


def second_labels(path: Path) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Read a second annotation: stance per (paragraph id, actor id) and sentiment per paragraph."""
    stance: dict[tuple[str, str], str] = {}
    sentiment: dict[str, str] = {}
    for _, row in iter_jsonl(path):
        sentiment[row["id"]] = row["sentiment"]
        for actor in row["actors"]:
            stance[(row["id"], actor["id"])] = actor["stance"]
    return stance, sentiment


def main() -> int:
    model, manifest = ModelHolder(Settings.load().models_dir).get()
    stance_ex, sentiment_ex, _ = corpus_examples(DEFAULT_CORPUS)
    rows = []
    for path in sorted(AGREEMENT_DIR.glob("*.jsonl")):
        second, second_sent = second_labels(path)
        pairs = [(ex, second[(ex.group, ex.actor)]) for ex in stance_ex if (ex.group, ex.actor) in second]
        if len(pairs) != len(second):
            print(f"error: {path.name}: {len(second) - len(pairs)} labels match no corpus actor", file=sys.stderr)
            return 2
        gold = [ex.label for ex, _ in pairs]
        other = [lab for _, lab in pairs]
        predicted = [s.label for s in model.score_pairs([ex.pair for ex, _ in pairs], evidence=False)]
        sent_gold = [e.label for e in sentiment_ex if e.group in second_sent]
        sent_other = [second_sent[e.group] for e in sentiment_ex if e.group in second_sent]
        rows.append(
            {
                "set": path.stem,
                "paragraphs": len(second_sent),
                "pairs": len(pairs),
                "annotators_macro_f1": round(f1_score(gold, other, labels=list(LABELS), average="macro"), 3),
                "annotators_kappa": round(cohen_kappa_score(gold, other), 3),
                "model_macro_f1": round(f1_score(gold, predicted, labels=list(LABELS), average="macro"), 3),
                "sentiment_annotators_macro_f1": round(
                    f1_score(sent_gold, sent_other, labels=list(LABELS), average="macro"), 3
                ),
            }
        )
    print(json.dumps({"model": manifest["version"], "sets": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
