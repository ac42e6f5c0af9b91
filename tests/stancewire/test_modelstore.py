import os
from pathlib import Path

import pytest

from stancewire.modelstore import ModelError, ModelHolder, load_verified, promote, read_current, save_artifact


def _save(models: Path, version: str, payload: object) -> dict:
    return save_artifact(payload, models, "m", version, {"created_at": "now"})


def test_tampered_artifact_is_refused(tmp_path: Path) -> None:
    manifest = _save(tmp_path, "1", {"weights": [1, 2, 3]})
    assert load_verified(tmp_path, manifest) == {"weights": [1, 2, 3]}
    path = tmp_path / manifest["artifact"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256"):
        load_verified(tmp_path, manifest)


def test_artifact_outside_models_dir_is_refused(tmp_path: Path) -> None:
    manifest = _save(tmp_path, "1", [1])
    with pytest.raises(ModelError, match="outside"):
        load_verified(tmp_path, {**manifest, "artifact": "../elsewhere.joblib"})


def test_holder_hot_reloads_and_keeps_the_old_model_on_a_bad_one(tmp_path: Path) -> None:
    promote(tmp_path, _save(tmp_path, "1", "first"))
    holder = ModelHolder(tmp_path, check_seconds=0)
    assert holder.get() == ("first", read_current(tmp_path))
    promote(tmp_path, _save(tmp_path, "2", "second"))
    assert holder.get()[0] == "second"
    bad = _save(tmp_path, "3", "third")
    (tmp_path / bad["artifact"]).write_bytes(b"not a pickle")
    promote(tmp_path, bad)
    os.utime(tmp_path / "current.json")
    model, manifest = holder.get()
    assert model == "second" and manifest["version"] == "m-2"
