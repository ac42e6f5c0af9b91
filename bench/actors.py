"""Benchmark actor detection: precision/recall on the gold set, and matching speed.

python -m bench.actors            # accuracy per language + speed
python -m bench.actors --errors   # also list every miss and false hit
"""

from __future__ import annotations

import argparse
import json
import time

from stancewire.actors import build_matcher, fold
from stancewire.catalog import load_catalog
from stancewire.config import PROJECT_ROOT
from stancewire.paragraphs import split_paragraphs
from training.corpus import iter_jsonl

GOLD = PROJECT_ROOT / "training" / "data" / "actors-gold"
SCORED_TYPES = ("country", "organization")
HELDOUT = PROJECT_ROOT / "bench" / "data"


def _gold_rows() -> dict[str, list[dict]]:
    """The actor gold set, and (independently written) the held-out stance sets' countries and orgs."""
    sets: dict[str, list[dict]] = {}
    for path in sorted(GOLD.glob("*.jsonl")):
        sets[f"gold-{path.stem}"] = [row for _, row in iter_jsonl(path)]
    for path in sorted(HELDOUT.glob("stance-heldout-*.jsonl")):
        rows = [row for _, row in iter_jsonl(path)]
        sets[path.stem] = [
            {**r, "actors": [a["id"] for a in r["actors"] if a.get("type") in SCORED_TYPES]} for r in rows
        ]
    return sets


def accuracy(show_errors: bool) -> dict[str, dict[str, float]]:
    catalog = load_catalog(PROJECT_ROOT / "seeds")
    scored = {a.id for a in catalog.actors.values() if a.type in SCORED_TYPES}
    out = {}
    for name, rows in _gold_rows().items():
        tp = fp = fn = 0
        for row in rows:
            matcher = build_matcher(catalog, row["lang"])
            found = {m.actor_id for m in matcher.find(row["text"])} & scored
            gold = set(row["actors"])
            tp += len(found & gold)
            fp += len(found - gold)
            fn += len(gold - found)
            if show_errors and found != gold:
                print(f"{row['id']}: missed {sorted(gold - found)} false {sorted(found - gold)} | {row['text'][:110]}")
        p = tp / max(tp + fp, 1)
        r = tp / max(tp + fn, 1)
        out[name] = {
            "paragraphs": len(rows),
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / max(p + r, 1e-9), 4),
        }
    return out


def speed() -> dict[str, object]:
    """Time segmentation plus matching over the whole catalogue on growing texts (expect linear)."""
    catalog = load_catalog(PROJECT_ROOT / "seeds")
    matcher = build_matcher(catalog, "it")
    gold = [row["text"] for _, row in iter_jsonl(GOLD / "it.jsonl")]
    article = "\n\n".join(gold[:12])
    corpus = ("\n\n".join(gold) + "\n\n") * 200
    results: dict[str, object] = {}
    for label, text in [("article", article)] + [
        (f"{n // 1000}k", corpus[:n]) for n in (125_000, 250_000, 500_000, 1_000_000)
    ]:
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            context = fold(text)
            mentions = sum(len(matcher.find(p.text, context)) for p in split_paragraphs(text))
            best = min(best, time.perf_counter() - t0)
        results[label] = {
            "chars": len(text),
            "seconds": round(best, 4),
            "mentions": mentions,
            "us_per_1k_chars": round(best / len(text) * 1e9, 1),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    print(json.dumps({"accuracy": accuracy(args.errors), "speed": speed()}, indent=2))


if __name__ == "__main__":
    main()
