"""Train, evaluate and promote the stance and sentiment model.

    stance train [--newsmtsc PATH] [--data FILE ...] [--force]
    stance evaluate FILE... [--split test] [--models-dir models]

Training reads the project corpus (fixed train/dev/test splits by paragraph), optionally
NewsMTSC's train file (only its train file: 10% of it is held out for tuning) and files in the
generic format; picks the regularisation on dev; reports on the held-out test split; writes
`models/<name>-<version>.joblib` with its manifest and promotes it when it does at least as well
on dev as the current model (or with --force).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from stancewire.config import PROJECT_ROOT, Settings
from stancewire.features import PairFeaturizer, ParagraphFeaturizer
from stancewire.modelstore import ModelHolder, load_verified, promote, read_current, save_artifact, sha256_file
from stancewire.scoring import LABELS, StanceModel, expected_calibration_error, fit_temperature
from training.corpus import CorpusError
from training.datasets import (
    Example,
    SentimentExample,
    corpus_examples,
    generic_examples,
    load_labelled,
    newsmtsc_examples,
    split_of,
)

DEFAULT_CORPUS = sorted((PROJECT_ROOT / "training" / "data" / "batches").glob("*/*.jsonl"))
REPORTS = PROJECT_ROOT / "training" / "reports"
C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0)
MODEL_NAME = "stance"


@dataclass
class Data:
    train: list[Example]
    dev: list[Example]
    test: list[Example]
    sent_train: list[SentimentExample]
    sent_dev: list[SentimentExample]
    sent_test: list[SentimentExample]
    files: list[dict[str, Any]]


def _file_info(path: Path, rows: int) -> dict[str, Any]:
    try:
        shown = str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        shown = str(path)
    return {"path": shown, "rows": rows, "sha256": sha256_file(path)}


def load_data(corpus: Sequence[Path], newsmtsc: Path | None, extra: Sequence[Path]) -> Data:
    stance, sentiment, splits = corpus_examples(list(corpus))
    files = [
        _file_info(p, sum(1 for line in p.read_text(encoding="utf-8").splitlines() if line.strip())) for p in corpus
    ]
    d = Data([], [], [], [], [], [], files)
    for ex in stance:
        getattr(d, splits[ex.group]).append(ex)
    for ex in sentiment:
        getattr(d, "sent_" + splits[ex.group]).append(ex)
    if newsmtsc is not None:
        rows = newsmtsc_examples(newsmtsc)
        d.files.append(_file_info(newsmtsc, len(rows)))
        for ex in rows:
            # NewsMTSC's own test files are never read here; 10% of its train file is our dev.
            (d.dev if split_of(ex.group) == "test" else d.train).append(ex)
    for path in extra:
        rows = generic_examples(path) if path.suffix in (".csv",) else load_labelled(path)[0]
        d.files.append(_file_info(path, len(rows)))
        for ex in rows:
            getattr(d, split_of(ex.group)).append(ex)
    return d


def _weights(examples: Sequence[Example], external_weight: float) -> np.ndarray:
    """Weight each example of an external set (NewsMTSC, user files) by `external_weight`."""
    return np.array([1.0 if ex.source == "corpus" else external_weight for ex in examples])


def macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    return float(f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0))


def selection_score(dev: Sequence[Example], pred: Sequence[str]) -> float:
    """Score predictions on dev as model selection does: all dev rows and the project's own
    dev paragraphs weigh alike (NewsMTSC's held-out slice would otherwise dominate)."""
    gold = [e.label for e in dev]
    score = macro_f1(gold, pred)
    corpus = [i for i, e in enumerate(dev) if e.source == "corpus"]
    if corpus:
        score = (score + macro_f1([gold[i] for i in corpus], [pred[i] for i in corpus])) / 2
    return score


def current_dev_score(models_dir: Path, dev: Sequence[Example]) -> tuple[str, float] | None:
    """Score the current model on this run's dev rows, or None when there is no usable one."""
    manifest = read_current(models_dir)
    if manifest is None:
        return None
    try:
        model = load_verified(models_dir, manifest)
        pred = [s.label for s in model.score_pairs([e.pair for e in dev], evidence=False)]
    except Exception:  # an artifact this code can no longer load or run cannot be compared
        return None
    return manifest["version"], selection_score(dev, pred)


def fit(
    data: Data, seed: int, external_weight: float = 0.5, progress: Any = None
) -> tuple[StanceModel, dict[str, Any]]:
    """Fit featurizers once, choose C for each classifier on dev, refit; return model and params."""
    random.seed(seed)
    np.random.seed(seed)
    feats = PairFeaturizer().fit([e.pair for e in data.train])
    X_train = feats.transform([e.pair for e in data.train])
    X_dev = feats.transform([e.pair for e in data.dev])
    y_train = [e.label for e in data.train]
    y_dev = [e.label for e in data.dev]
    w = _weights(data.train, external_weight)
    best: tuple[float, float, LogisticRegression] | None = None
    for C in C_GRID:
        clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)
        clf.fit(X_train, y_train, sample_weight=w)
        score = selection_score(data.dev, list(clf.predict(X_dev)))
        if progress:
            progress(f"stance C={C}: dev {score:.3f}")
        if best is None or score > best[0]:
            best = (score, C, clf)
    assert best is not None

    sfeats = ParagraphFeaturizer().fit([(e.text, e.lang) for e in data.sent_train])
    S_train = sfeats.transform([(e.text, e.lang) for e in data.sent_train])
    S_dev = sfeats.transform([(e.text, e.lang) for e in data.sent_dev])
    sbest: tuple[float, float, LogisticRegression] | None = None
    for C in C_GRID:
        sclf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)
        sclf.fit(S_train, [e.label for e in data.sent_train])
        score = macro_f1([e.label for e in data.sent_dev], sclf.predict(S_dev))
        if progress:
            progress(f"sentiment C={C}: dev {score:.3f}")
        if sbest is None or score > sbest[0]:
            sbest = (score, C, sclf)
    assert sbest is not None
    # Calibrate on dev: one temperature per classifier (keeps the linear weights for evidence).
    t_stance = fit_temperature(best[2].decision_function(X_dev), y_dev, best[2].classes_)
    t_sent = fit_temperature(sbest[2].decision_function(S_dev), [e.label for e in data.sent_dev], sbest[2].classes_)
    params = {
        "external_weight": external_weight,
        "stance_C": best[1],
        "sentiment_C": sbest[1],
        "seed": seed,
        "class_weight": "balanced",
        "featurizer": feats.get_params(),
        "sentiment_featurizer": sfeats.get_params(),
    }
    model = StanceModel(
        feats, best[2], sfeats, sbest[2], params=params, stance_temperature=t_stance, sentiment_temperature=t_sent
    )
    return model, {
        "dev_macro_f1": round(best[0], 4),
        "sentiment_dev_macro_f1": round(sbest[0], 4),
        "stance_temperature": round(t_stance, 3),
        "sentiment_temperature": round(t_sent, 3),
    }


def report(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Per-class precision/recall/F1, macro-F1 and the confusion matrix."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(LABELS), zero_division=0)
    return {
        "n": len(y_true),
        "macro_f1": round(macro_f1(y_true, y_pred), 4),
        "accuracy": round(float(np.mean([a == b for a, b in zip(y_true, y_pred, strict=True)])) if y_true else 0.0, 4),
        "per_class": {
            lab: {
                "precision": round(float(p[i]), 4),
                "recall": round(float(r[i]), 4),
                "f1": round(float(f[i]), 4),
                "support": int(s[i]),
            }
            for i, lab in enumerate(LABELS)
        },
        "confusion": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist(),
    }


def evaluate_examples(
    model: StanceModel, examples: Sequence[Example], sentiment: Sequence[SentimentExample] = ()
) -> dict[str, Any]:
    """Report stance on all examples, per language and on differing-stance paragraphs; sentiment too."""
    out: dict[str, Any] = {}
    if examples:
        scores = model.score_pairs([e.pair for e in examples], evidence=False)
        pred = [s.label for s in scores]
        gold = [e.label for e in examples]
        out["stance"] = report(gold, pred)
        probs = np.array([[s.probabilities[k] for k in LABELS] for s in scores])
        out["stance"]["ece"] = round(expected_calibration_error(probs, gold), 4)
        for lang in sorted({e.pair.lang for e in examples}):
            idx = [i for i, e in enumerate(examples) if e.pair.lang == lang]
            out[f"stance_{lang}"] = report([gold[i] for i in idx], [pred[i] for i in idx])
        idx = [i for i, e in enumerate(examples) if e.differing]
        if idx:
            out["stance_differing"] = report([gold[i] for i in idx], [pred[i] for i in idx])
    if sentiment:
        spred = [s.label for s in model.score_paragraphs([(e.text, e.lang) for e in sentiment])]
        out["sentiment"] = report([e.label for e in sentiment], spred)
    return out


def markdown(name: str, results: dict[str, Any]) -> str:
    lines = [f"## {name}", "", "| slice | n | macro-F1 | accuracy |", "| --- | --- | --- | --- |"]
    for key, rep in results.items():
        lines.append(f"| {key} | {rep['n']} | {rep['macro_f1']:.3f} | {rep['accuracy']:.3f} |")
    for key, rep in results.items():
        lines += [
            "",
            f"### {key}",
            "",
            "| class | precision | recall | F1 | support |",
            "| --- | --- | --- | --- | --- |",
        ]
        for lab, c in rep["per_class"].items():
            lines.append(f"| {lab} | {c['precision']:.3f} | {c['recall']:.3f} | {c['f1']:.3f} | {c['support']} |")
        lines += [
            "",
            "confusion (rows gold, columns predicted: " + ", ".join(LABELS) + ")",
            "",
            "| gold \\ pred | " + " | ".join(LABELS) + " |",
            "| --- | --- | --- | --- |",
        ]
        for lab, row in zip(LABELS, rep["confusion"], strict=True):
            lines.append(f"| {lab} | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def confusion_png(path: Path, results: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(results)
    fig, axes = plt.subplots(1, len(keys), figsize=(3.4 * len(keys), 3.4), squeeze=False)
    for ax, key in zip(axes[0], keys, strict=True):
        m = np.array(results[key]["confusion"])
        ax.imshow(m, cmap="Blues")
        ax.set_title(f"{key}\nmacro-F1 {results[key]['macro_f1']:.3f}", fontsize=9)
        ax.set_xticks(range(3), [lab[:3] for lab in LABELS])
        ax.set_yticks(range(3), [lab[:3] for lab in LABELS])
        for i in range(3):
            for j in range(3):
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _git_commit() -> str | None:
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _libraries() -> dict[str, str]:
    import joblib
    import scipy
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


def cmd_train(args: argparse.Namespace) -> int:
    from rich.console import Console

    console = Console(stderr=True)
    corpus = [Path(p) for p in args.corpus] if args.corpus else DEFAULT_CORPUS
    with console.status("reading data..."):
        data = load_data(corpus, args.newsmtsc, args.data or [])
    console.print(
        f"train {len(data.train)} pairs, dev {len(data.dev)}, test {len(data.test)}; "
        f"sentiment train {len(data.sent_train)} paragraphs"
    )
    t0 = time.monotonic()
    with console.status("fitting...") as status:
        model, dev = fit(data, args.seed, args.external_weight, progress=lambda msg: status.update(f"fitting: {msg}"))
    console.print(f"fitted in {time.monotonic() - t0:.0f}s: {dev}")
    test_corpus = [e for e in data.test if e.source == "corpus"]
    results = evaluate_examples(model, test_corpus, data.sent_test)
    extra_results: dict[str, Any] = {}
    for path in args.report_on or []:
        ex, sent = load_labelled(Path(path))
        extra_results[Path(path).stem] = evaluate_examples(model, ex, sent).get("stance")
    version = args.version or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    model.version = f"{MODEL_NAME}-{version}"
    metrics = {
        "dev": dev,
        "test": {k: {"n": v["n"], "macro_f1": v["macro_f1"]} for k, v in results.items()},
        **(
            {"external": {k: {"n": v["n"], "macro_f1": v["macro_f1"]} for k, v in extra_results.items() if v}}
            if extra_results
            else {}
        ),
    }
    models_dir = Path(args.models_dir)
    manifest = save_artifact(
        model,
        models_dir,
        MODEL_NAME,
        version,
        {
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": _git_commit(),
            "libraries": _libraries(),
            "training_data": data.files,
            "hyperparameters": model.params,
            "metrics": metrics,
        },
    )
    out_dir = Path(args.reports_dir) / f"{MODEL_NAME}-{version}"
    out_dir.mkdir(parents=True, exist_ok=True)
    all_results = {
        **{f"test/{k}": v for k, v in results.items()},
        **{f"external/{k}": v for k, v in extra_results.items() if v},
    }
    (out_dir / "report.md").write_text(markdown(f"{MODEL_NAME}-{version}", all_results), encoding="utf-8")
    (out_dir / "report.json").write_text(json.dumps(all_results, indent=2), encoding="utf-8")
    confusion_png(
        out_dir / "confusion.png",
        {k: v for k, v in all_results.items() if k.endswith(("stance", "sentiment")) or k.startswith("external/")},
    )
    print(markdown(f"{MODEL_NAME}-{version}", {k: v for k, v in all_results.items()}).split("\n### ")[0])
    # The current model is scored on this run's dev rows, so the two are compared on the same data.
    current = current_dev_score(models_dir, data.dev)
    if args.force or current is None or dev["dev_macro_f1"] >= round(current[1], 4):
        promote(models_dir, manifest)
        console.print(
            f"promoted {manifest['version']} (sha256 {manifest['sha256'][:12]}, "
            f"{manifest['size_bytes'] / 1e6:.1f} MB); report in {out_dir}"
        )
    else:
        console.print(f"kept {current[0]}: dev {current[1]:.4f} > {dev['dev_macro_f1']} (use --force)")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    holder = ModelHolder(Path(args.models_dir))
    model, manifest = holder.get()
    all_results: dict[str, Any] = {}
    if args.split:
        # One report over the split's paragraphs of all files, as `stance train` reports it.
        stance, sentiment, splits = corpus_examples([Path(p) for p in args.files])
        ex = [e for e in stance if splits[e.group] == args.split]
        sent = [e for e in sentiment if splits[e.group] == args.split]
        for k, v in evaluate_examples(model, ex, sent).items():
            all_results[f"{args.split}/{k}"] = v
    else:
        for path in args.files:
            ex, sent = load_labelled(Path(path))
            for k, v in evaluate_examples(model, ex, sent).items():
                all_results[f"{Path(path).stem}/{k}"] = v
    names = [Path(p).name for p in args.files]
    shown = ", ".join(names) if len(names) <= 3 else f"{len(names)} files"
    print(markdown(f"{manifest['version']} on {shown}{f' ({args.split} split)' if args.split else ''}", all_results))
    if args.png:
        confusion_png(Path(args.png), all_results)
    return 0


def main(argv: list[str] | None = None) -> int:
    settings = Settings.load()
    parser = argparse.ArgumentParser(prog="stance")
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("train", help="train, report and (if not worse on dev) promote a model")
    tr.add_argument("--corpus", nargs="*", help="project corpus files (default: training/data/batches/*/*.jsonl)")
    tr.add_argument("--newsmtsc", type=Path, help="NewsMTSC train.jsonl (its train file only)")
    tr.add_argument("--data", nargs="*", type=Path, help="more labelled files in the generic format")
    tr.add_argument("--report-on", nargs="*", help="labelled files to report on after training (never used to fit)")
    tr.add_argument("--seed", type=int, default=13)
    tr.add_argument(
        "--external-weight",
        type=float,
        default=0.5,
        help="sample weight of NewsMTSC and --data rows relative to the project corpus",
    )
    tr.add_argument("--version", help="version label (default: a UTC timestamp)")
    tr.add_argument("--models-dir", default=str(settings.models_dir))
    tr.add_argument("--reports-dir", default=str(REPORTS), help="where the report, PNG and JSON go")
    tr.add_argument("--force", action="store_true", help="promote even if worse on dev than the current model")
    ev = sub.add_parser("evaluate", help="report the current model on labelled files")
    ev.add_argument("files", nargs="+")
    ev.add_argument("--models-dir", default=str(settings.models_dir))
    ev.add_argument("--png", help="also write the confusion matrices to this PNG")
    ev.add_argument("--split", choices=("train", "dev", "test"), help="score only this split of project corpus files")
    args = parser.parse_args(argv)
    try:
        return cmd_train(args) if args.command == "train" else cmd_evaluate(args)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
