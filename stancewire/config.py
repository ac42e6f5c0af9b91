"""Settings: defaults, then environment variables (STANCEWIRE_*, plus REDIS_URL and PORT), then
explicit overrides. Every process (API, worker, CLI, tests) builds its settings here."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """All tunables of the service; see the configuration table in the README."""

    redis_url: str = ""  # empty: the embedded redis-server started by `stance up`
    key_prefix: str = "sw"
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = PROJECT_ROOT / "var"
    models_dir: Path = PROJECT_ROOT / "models"
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    actors_file: Path | None = None  # a user catalogue merged over the shipped one
    retention_seconds: int = 7 * 24 * 3600
    max_body_bytes: int = 10 * 1024 * 1024
    max_articles: int = 100
    max_article_chars: int = 200_000
    max_paragraphs: int = 2_000
    max_custom_actors: int = 200
    max_aliases_per_actor: int = 50
    max_alias_chars: int = 100
    max_wait_seconds: float = 30.0
    redis_socket_timeout: float = 2.0
    redis_connect_timeout: float = 2.0
    task_max_attempts: int = 3
    task_time_limit: int = 30
    visibility_timeout: int = 100
    stuck_job_seconds: int = 100
    worker_concurrency: int = 2
    model_check_seconds: float = 2.0
    api_keys: tuple[str, ...] = ()  # "name:sha256hex[:admin]" entries; empty = open (local only)
    rate_limit: str = "600/minute"
    testing: bool = False

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from defaults, then the environment, then `overrides`."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"STANCEWIRE_{f.name.upper()}")
            if raw is None and f.name == "redis_url":
                raw = env.get("REDIS_URL")
            if raw is None and f.name == "port":
                raw = env.get("PORT")
            if raw is not None:
                values[f.name] = _coerce(f, raw)
        for k, v in (overrides or {}).items():
            if k not in {f.name for f in fields(cls)}:
                raise KeyError(f"unknown setting {k!r}")
            values[k] = _coerce(next(f for f in fields(cls) if f.name == k), v)
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    def environ(self, *names: str) -> dict[str, str]:
        """Return these settings as the `STANCEWIRE_*` variables `load` reads (for child processes)."""
        out = {}
        for name in names:
            value = getattr(self, name)
            out[f"STANCEWIRE_{name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
        return out


def _coerce(f: dataclasses.Field[Any], raw: Any) -> Any:
    kind = str(f.type)
    if not isinstance(raw, str):
        return tuple(raw) if kind.startswith("tuple") else raw
    if kind == "bool":
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if "Path" in kind:
        return Path(raw).expanduser().resolve() if raw else None
    if kind.startswith("tuple"):
        return tuple(x.strip() for x in raw.replace("\n", ",").split(",") if x.strip())
    return raw
