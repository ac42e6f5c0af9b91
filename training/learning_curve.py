"""Measure how test macro-F1 grows with the number of corpus paragraphs the model is trained on.

    python -m training.learning_curve [--corpus FILE...] --newsmtsc ../shared/datasets/newsmtsc/train.jsonl

Each point trains with the same recipe as `stance train` (C chosen on dev) on a nested random
subset of the corpus's train paragraphs (external rows are always all used) and reports on the
full test split. A least-squares line through macro-F1 against log2(paragraphs) says how many
paragraphs the current features would need for a given macro-F1, if the trend held.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from training.corpus import CorpusError
from training.train import DEFAULT_CORPUS, evaluate_examples, fit, load_data


def subset_groups(groups: list[str], fraction: float, seed: int) -> set[str]:
    """Return the first `fraction` of the groups in one seeded order, so smaller subsets nest."""
    order = sorted(set(groups))
    random.Random(seed).shuffle(order)
    return set(order[: max(1, round(len(order) * fraction))])


def paragraphs_for(target: float, points: list[tuple[int, float]]) -> float | None:
    """Extrapolate paragraphs needed for `target` macro-F1 from a log2-linear fit of the points."""
    if len(points) < 2:
        return None
    x = np.log2([n for n, _ in points])
    slope, intercept = np.polyfit(x, [f for _, f in points], 1)
    if slope <= 0:
        return None
    return float(2 ** ((target - intercept) / slope))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.learning_curve")
    parser.add_argument("--corpus", nargs="*", help="project corpus files (default: all batches)")
    parser.add_argument("--newsmtsc", type=Path, help="NewsMTSC train.jsonl, always used whole")
    parser.add_argument("--fractions", nargs="*", type=float, default=[0.125, 0.25, 0.5, 1.0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--target", type=float, default=0.75, help="macro-F1 to extrapolate to")
    parser.add_argument("--json", type=Path, help="also write the points here")
    args = parser.parse_args(argv)
    corpus = [Path(p) for p in args.corpus] if args.corpus else DEFAULT_CORPUS
    try:
        data = load_data(corpus, args.newsmtsc, [])
    except (CorpusError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    groups = [e.group for e in data.train if e.source == "corpus"]
    test = [e for e in data.test if e.source == "corpus"]
    rows = []
    for fraction in sorted(args.fractions):
        keep = subset_groups(groups, fraction, args.seed)
        sub = replace(
            data,
            train=[e for e in data.train if e.source != "corpus" or e.group in keep],
            sent_train=[e for e in data.sent_train if e.group in keep],
        )
        model, _ = fit(sub, args.seed)
        res = evaluate_examples(model, test)
        row = {
            "fraction": fraction,
            "paragraphs": len(keep),
            "test": res["stance"]["macro_f1"],
            **{k.removeprefix("stance_"): res[k]["macro_f1"] for k in res if k.startswith("stance_")},
        }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    need = paragraphs_for(args.target, [(r["paragraphs"], r["test"]) for r in rows])
    print("| train paragraphs | test macro-F1 | Italian | English | differing |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['paragraphs']:,} | {r['test']:.3f} | {r.get('it', math.nan):.3f} | "
            f"{r.get('en', math.nan):.3f} | {r.get('differing', math.nan):.3f} |"
        )
    if len(rows) >= 2:
        per_doubling = (rows[-1]["test"] - rows[0]["test"]) / math.log2(rows[-1]["paragraphs"] / rows[0]["paragraphs"])
        print(f"\n+{per_doubling:.3f} macro-F1 per doubling of the corpus", end="")
        print(f"; {args.target} would need about {need:,.0f} paragraphs if the trend held" if need else "")
    if args.json:
        args.json.write_text(json.dumps({"points": rows, "paragraphs_for_target": need}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
