"""Model artifacts: save with a manifest, verify sha256 before loading, promote, hot-reload.

`models/<name>-<version>.joblib` sits next to `models/<name>-<version>.json` (its manifest);
`models/current.json` is a copy of the manifest of the model in service, replaced atomically.
Reading a manifest needs no scikit-learn, so the API can show the current model cheaply.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

CURRENT = "current.json"
log = logging.getLogger(__name__)


class ModelError(RuntimeError):
    """An artifact that is missing, outside the models folder, or fails its checksum."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def read_current(models_dir: Path) -> dict[str, Any] | None:
    """Return the manifest of the current model, or None when there is none."""
    try:
        with open(Path(models_dir) / CURRENT, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def artifact_path(models_dir: Path, manifest: dict[str, Any]) -> Path:
    """Resolve the manifest's artifact, refusing anything outside `models_dir`."""
    root = Path(models_dir).resolve()
    name = manifest.get("artifact")
    if not isinstance(name, str) or not name:
        raise ModelError("manifest names no artifact")
    path = (root / name).resolve()
    if path.parent != root:
        raise ModelError(f"artifact {name!r} is outside {root}")
    return path


def load_verified(models_dir: Path, manifest: dict[str, Any]) -> Any:
    """Check the artifact's sha256 against the manifest, then (only then) unpickle it."""
    path = artifact_path(models_dir, manifest)
    if not path.is_file():
        raise ModelError(f"artifact {path.name} is missing")
    digest = sha256_file(path)
    if digest != manifest.get("sha256"):
        raise ModelError(f"artifact {path.name} does not match its manifest's sha256")
    import joblib  # the only joblib.load in the project, behind the checksum

    return joblib.load(path)


def save_artifact(model: Any, models_dir: Path, name: str, version: str, metadata: dict[str, Any]) -> dict[str, Any]:
    """Write `<name>-<version>.joblib` and its manifest; return the manifest."""
    import joblib

    models_dir = Path(models_dir)
    models_dir.mkdir(parents=True, exist_ok=True)
    artifact = models_dir / f"{name}-{version}.joblib"
    tmp = artifact.with_suffix(".joblib.tmp")
    joblib.dump(model, tmp, compress=3)
    os.replace(tmp, artifact)
    manifest = {
        **metadata,
        "name": name,
        "version": f"{name}-{version}",
        "artifact": artifact.name,
        "sha256": sha256_file(artifact),
        "size_bytes": artifact.stat().st_size,
    }
    _write_json_atomic(models_dir / f"{name}-{version}.json", manifest)
    return manifest


def promote(models_dir: Path, manifest: dict[str, Any]) -> None:
    """Make `manifest` the current model (atomic replace of current.json)."""
    _write_json_atomic(Path(models_dir) / CURRENT, manifest)


class ModelHolder:
    """Keep the current model of one process; reload when current.json names another version.

    A model that fails verification or loading is refused and the previous one stays.
    """

    def __init__(self, models_dir: Path, check_seconds: float = 2.0) -> None:
        self.models_dir = Path(models_dir)
        self.check_seconds = check_seconds
        self._lock = threading.Lock()
        self._model: Any = None
        self._manifest: dict[str, Any] | None = None
        self._checked = 0.0
        self._stamp: tuple[int, int] | None = None

    @property
    def manifest(self) -> dict[str, Any] | None:
        return self._manifest

    def get(self) -> tuple[Any, dict[str, Any]]:
        """Return (model, manifest), reloading if a new model was promoted."""
        now = time.monotonic()
        if self._model is None or now - self._checked >= self.check_seconds:
            with self._lock:
                self._checked = now
                self._maybe_reload()
        if self._model is None or self._manifest is None:
            raise ModelError(f"no usable model in {self.models_dir}")
        return self._model, self._manifest

    def _maybe_reload(self) -> None:
        try:
            st = os.stat(self.models_dir / CURRENT)
        except OSError:
            return
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp and self._model is not None:
            return
        manifest = read_current(self.models_dir)
        if manifest is None:
            return
        if self._manifest and manifest.get("sha256") == self._manifest.get("sha256"):
            self._stamp = stamp
            return
        try:
            model = load_verified(self.models_dir, manifest)
        except Exception as exc:  # keep serving the previous model
            log.error("refusing model %s: %s", manifest.get("version"), exc)
            self._stamp = stamp
            return
        self._model, self._manifest, self._stamp = model, manifest, stamp
        log.info("loaded model %s", manifest.get("version"))
