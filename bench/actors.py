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

GOLD = PROJECT_ROOT / "training" / "data" / "actors-gold"
SCORED_TYPES = ("country", "organization")


def accuracy(show_errors: bool) -> dict[str, dict[str, float]]:
    catalog = load_catalog(PROJECT_ROOT / "seeds")
    scored = {a.id for a in catalog.actors.values() if a.type in SCORED_TYPES}
    out = {}
    for path in sorted(GOLD.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
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
        out[path.stem] = {
            "paragraphs": len(rows),
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(2 * p * r / max(p + r, 1e-9), 4),
        }
    return out


def speed() -> dict[str, float]:
    catalog = load_catalog(PROJECT_ROOT / "seeds")
    matcher = build_matcher(catalog, "it")
    gold = [json.loads(line)["text"] for line in (GOLD / "it.jsonl").read_text(encoding="utf-8").splitlines() if line]
    article = "\n\n".join(gold[:40])
    results = {}
    for label, text in (("article_chars", article), ("1MB_chars", ("\n\n".join(gold) + "\n\n") * 200)):
        text = text[:1_000_000] if label.startswith("1MB") else text
        t0 = time.perf_counter()
        paras = split_paragraphs(text)
        context = fold(text)
        n = sum(len(matcher.find(p.text, context)) for p in paras)
        dt = time.perf_counter() - t0
        results[label] = len(text)
        results[label.replace("chars", "seconds")] = round(dt, 4)
        results[label.replace("chars", "mentions")] = n
        results[label.replace("chars", "MB_per_s")] = round(len(text) / dt / 1e6, 3)
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    print(json.dumps({"accuracy": accuracy(args.errors), "speed": speed()}, indent=2))


if __name__ == "__main__":
    main()
