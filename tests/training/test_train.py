import json
from pathlib import Path

import pytest

from stancewire.features import Pair
from stancewire.modelstore import ModelHolder, read_current
from training.corpus import CorpusError
from training.datasets import generic_examples, split_of
from training.train import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "tiny-corpus.jsonl"


def test_train_save_load_score(tmp_path: Path) -> None:
    reports = ["--reports-dir", str(tmp_path / "reports")]
    assert main(["train", "--corpus", str(FIXTURE), "--models-dir", str(tmp_path), "--version", "t1", *reports]) == 0
    assert (tmp_path / "reports" / "stance-t1" / "confusion.png").is_file()
    manifest = read_current(tmp_path)
    assert manifest["version"] == "stance-t1"
    assert {"sha256", "git_commit", "libraries", "training_data", "hyperparameters", "metrics"} <= set(manifest)
    model, _ = ModelHolder(tmp_path).get()
    text = "Paris praised the plan while Moscow walked out."
    scores = model.score_pairs([Pair(text, "en", ((0, 5),), ((29, 35),)), Pair(text, "en", ((29, 35),), ((0, 5),))])
    assert len(scores) == 2
    for s in scores:
        assert abs(sum(s.probabilities.values()) - 1) < 1e-6
        assert -1 <= s.score <= 1
    # same data and seed: same metrics (and, being as good on dev, the new model is promoted)
    assert main(["train", "--corpus", str(FIXTURE), "--models-dir", str(tmp_path), "--version", "t2", *reports]) == 0
    again = json.loads((tmp_path / "stance-t2.json").read_text())
    assert again["metrics"] == manifest["metrics"]
    assert read_current(tmp_path)["version"] == "stance-t2"


def test_evaluate_one_split_of_corpus_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reports = ["--reports-dir", str(tmp_path / "reports")]
    assert main(["train", "--corpus", str(FIXTURE), "--models-dir", str(tmp_path), "--version", "t1", *reports]) == 0
    trained = read_current(tmp_path)["metrics"]["test"]["stance"]
    capsys.readouterr()
    assert main(["evaluate", str(FIXTURE), "--split", "test", "--models-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # The same pairs and the same score as the training report's test split.
    assert f"| test/stance | {trained['n']} | {trained['macro_f1']:.3f} |" in out


def test_bad_rows_name_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Paris wins.", "target": "Paris", "label": "positive"}\n{"text": "x", "label": "great"}\n')
    with pytest.raises(CorpusError, match=r"bad.jsonl:2"):
        generic_examples(bad)
    assert main(["train", "--corpus", str(bad), "--models-dir", str(tmp_path)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_a_model_worse_on_dev_is_not_promoted(tmp_path: Path) -> None:
    # Same paragraphs, but every train-split label flipped: a model fitted on them must lose on
    # the (unchanged) dev paragraphs to the current model and stay unpromoted, unless forced.
    flip = {"positive": "negative", "negative": "positive", "neutral": "neutral"}
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        if (row.get("split") or split_of(row["id"])) == "train":
            row["actors"] = [{**a, "stance": flip[a["stance"]]} for a in row["actors"]]
    flipped = tmp_path / "flipped.jsonl"
    flipped.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    common = ["--models-dir", str(tmp_path), "--reports-dir", str(tmp_path / "reports")]
    assert main(["train", "--corpus", str(FIXTURE), "--version", "good", *common]) == 0
    assert main(["train", "--corpus", str(flipped), "--version", "flipped", *common]) == 0
    assert read_current(tmp_path)["version"] == "stance-good"
    assert (tmp_path / "stance-flipped.joblib").is_file()
    assert main(["train", "--corpus", str(flipped), "--version", "forced", "--force", *common]) == 0
    assert read_current(tmp_path)["version"] == "stance-forced"
