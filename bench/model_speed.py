"""Measure the current model: load time, artifact size, and (paragraph, actor) pairs scored per second.

python -m bench.model_speed            # one core (BLAS threads pinned to 1)
"""

from __future__ import annotations

import json
import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

from stancewire.config import Settings  # noqa: E402
from stancewire.features import Pair  # noqa: E402
from stancewire.modelstore import load_verified, read_current  # noqa: E402
from training.datasets import corpus_examples  # noqa: E402
from training.train import DEFAULT_CORPUS  # noqa: E402


def sample_pairs() -> list[Pair]:
    """Real pairs: every labelled (paragraph, actor) of the project corpus, each paragraph distinct."""
    stance, _, _ = corpus_examples(DEFAULT_CORPUS)
    return [e.pair for e in stance]


def main() -> None:
    settings = Settings.load()
    manifest = read_current(settings.models_dir)
    assert manifest, "no current model"
    t0 = time.perf_counter()
    model = load_verified(settings.models_dir, manifest)
    load_s = time.perf_counter() - t0
    pairs = sample_pairs()
    model.score_pairs(pairs[-50:])  # warm up (these 50 are scored again below)
    results = {}
    for evidence in (False, True):
        best = float("inf")
        for _ in range(3):  # best of three runs: the machine may be busy with something else
            model.stance_features.clear_caches()  # time text the process has not seen
            t0 = time.perf_counter()
            model.score_pairs(pairs, evidence=evidence)
            best = min(best, time.perf_counter() - t0)
        results["pairs_per_second" + ("_with_evidence" if evidence else "")] = round(len(pairs) / best)
    print(
        json.dumps(
            {
                "model": manifest["version"],
                "artifact_mb": round(manifest["size_bytes"] / 1e6, 2),
                "load_seconds": round(load_s, 3),
                "pairs": len(pairs),
                **results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
