"""Shared fixtures: a real embedded redis-server, a real Celery worker process, the API over HTTP."""

from __future__ import annotations

import os
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

from stancewire.catalog import Catalog, load_catalog
from stancewire.config import PROJECT_ROOT, Settings
from stancewire.embedded_redis import EmbeddedRedis, free_port
from stancewire.jobstore import JobStore, connect
from stancewire.supervisor import worker_argv

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(PROJECT_ROOT / "seeds")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """A real redis-server (the packaged binary) on a free port with its own data directory."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def settings(redis_server: EmbeddedRedis) -> Settings:
    # A per-run key prefix isolates test data even on a shared Redis.
    return Settings.load(
        {
            "redis_url": redis_server.url,
            "key_prefix": f"swtest{secrets.token_hex(3)}",
            "testing": True,
            "retention_seconds": 600,
            "worker_concurrency": 2,
        },
        environ={},
    )


@pytest.fixture
def store(settings: Settings) -> JobStore:
    return JobStore(connect(settings.redis_url), settings.key_prefix, settings.retention_seconds)


def _env(settings: Settings) -> dict[str, str]:
    """Pass the test's settings to a worker process through its environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STANCEWIRE_")}
    env["REDIS_URL"] = settings.redis_url
    return env | settings.environ(
        "key_prefix",
        "models_dir",
        "retention_seconds",
        "task_max_attempts",
        "visibility_timeout",
        "task_time_limit",
        "stuck_job_seconds",
    )


def start_worker(settings: Settings, log: Path, concurrency: int = 2) -> subprocess.Popen[bytes]:
    """Start a real `celery worker` process against the test Redis and wait for its heartbeat."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            worker_argv(settings.replace(worker_concurrency=concurrency)),
            cwd=PROJECT_ROOT,
            env=_env(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    store = JobStore(connect(settings.redis_url), settings.key_prefix)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"worker exited early; see {log}")
        if any(store.live_workers().values()):
            return proc
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"worker did not report a loaded model; see {log}")


@pytest.fixture(scope="session")
def worker(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[bytes]]:
    proc = start_worker(settings, tmp_path_factory.mktemp("worker") / "worker.log")
    yield proc
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


class Api:
    """The Flask app served over real HTTP on a free port, in a thread of the test process."""

    def __init__(self, settings: Settings) -> None:
        from service import create_app

        self.app = create_app(settings)
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.port}"
        self.http = requests.Session()

    def get(self, path: str, **kw: object) -> requests.Response:
        return self.http.get(self.url + path, timeout=40, **kw)  # type: ignore[arg-type]

    def post(self, path: str, **kw: object) -> requests.Response:
        return self.http.post(self.url + path, timeout=40, **kw)  # type: ignore[arg-type]

    def delete(self, path: str, **kw: object) -> requests.Response:
        return self.http.delete(self.url + path, timeout=40, **kw)  # type: ignore[arg-type]

    def wait(self, job_id: str, seconds: float = 30) -> dict:
        deadline = time.monotonic() + seconds
        while True:
            body = self.get(f"/v1/jobs/{job_id}", params={"wait": 5}).json()
            if body["status"] in ("succeeded", "failed", "cancelled") or time.monotonic() > deadline:
                return body

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture(scope="session")
def api(settings: Settings) -> Iterator[Api]:
    server = Api(settings)
    yield server
    server.close()


@pytest.fixture(scope="session")
def live(api: Api, worker: subprocess.Popen[bytes]) -> Api:
    """The API with a worker behind it."""
    return api
