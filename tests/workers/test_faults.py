"""Fault tests against real processes: killed workers, a stalled or restarted Redis, lost messages.

Each test gets its own redis-server, API and worker, so a fault never leaks into other tests.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from stancewire.config import Settings
from stancewire.embedded_redis import EmbeddedRedis
from stancewire.jobstore import JobStore, connect
from tests.conftest import Api, start_worker
from workers.app import queue_key

pytestmark = pytest.mark.integration


def long_article(paragraphs: int) -> str:
    lines = [
        f"Al vertice numero {i} Parigi ha difeso il piano, mentre Mosca lo ha respinto e Washington ha taciuto."
        for i in range(paragraphs)
    ]
    return "\n\n".join(lines)


@dataclass
class Rig:
    redis: EmbeddedRedis
    settings: Settings
    api: Api
    store: JobStore
    tmp: Path
    worker: subprocess.Popen[bytes] | None = None

    def start_worker(self) -> subprocess.Popen[bytes]:
        self.worker = start_worker(self.settings, self.tmp / "worker.log", concurrency=1)
        return self.worker

    def children(self) -> list[int]:
        assert self.worker is not None
        out = subprocess.run(["pgrep", "-P", str(self.worker.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def submit(self, text: str) -> str:
        resp = self.api.post("/v1/articles", json={"text": text, "language": "it"})
        assert resp.status_code == 202, resp.text
        return resp.json()["job_id"]

    def wait_for(self, cond, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if cond():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; worker log:\n{self.log()[-6000:]}")

    def status(self, job_id: str) -> str | None:
        job = self.store.get(job_id)
        return job.status if job else None

    def log(self) -> str:
        path = self.tmp / "worker.log"
        return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    redis = EmbeddedRedis(tmp_path / "redis").start()
    settings = Settings.load(
        {
            "redis_url": redis.url,
            "key_prefix": f"swf{secrets.token_hex(3)}",
            "visibility_timeout": 24,
            "task_time_limit": 8,
            "stuck_job_seconds": 3,
            "testing": True,
        },
        environ={},
    )
    api = Api(settings)
    r = Rig(redis, settings, api, JobStore(connect(redis.url), settings.key_prefix), tmp_path)
    yield r
    api.close()
    if r.worker and r.worker.poll() is None:
        r.worker.kill()
        r.worker.wait()
    for pid in subprocess.run(["pgrep", "-f", settings.key_prefix], capture_output=True, text=True).stdout.split():
        os.kill(int(pid), signal.SIGKILL)
    redis.stop()


def test_child_killed_mid_article_is_redelivered_and_scored_once(rig: Rig) -> None:
    rig.start_worker()
    job_id = rig.submit(long_article(400))
    rig.wait_for(lambda: rig.status(job_id) == "running", 20, "the job to start")
    time.sleep(0.3)
    for pid in rig.children():
        os.kill(pid, signal.SIGKILL)
    rig.wait_for(lambda: rig.status(job_id) == "succeeded", 60, "the job to succeed after the kill")
    job = rig.store.get(job_id)
    assert int(rig.store.r.hget(rig.store._sub(job_id, "attempts"), 0)) >= 2
    result = rig.store.results(job)[0]
    assert [p["index"] for p in result["paragraphs"]] == list(range(400))


def test_attempt_cap_stops_a_job_that_keeps_killing_its_worker(rig: Rig) -> None:
    rig.start_worker()
    job_id = rig.submit(long_article(400))
    kills = 0
    deadline = time.monotonic() + 90
    while rig.status(job_id) in ("queued", "running") and time.monotonic() < deadline:
        attempts = int(rig.store.r.hget(rig.store._sub(job_id, "attempts"), 0) or 0)
        if attempts > kills:
            time.sleep(0.2)
            for pid in rig.children():
                os.kill(pid, signal.SIGKILL)
            kills += 1
        time.sleep(0.05)
    job = rig.store.get(job_id)
    assert job.status == "failed" and job.error_code == "worker_lost", (job, rig.log()[-2000:])
    ok = rig.submit("Parigi loda Berlino.")  # the worker still serves other jobs
    rig.wait_for(lambda: rig.status(ok) == "succeeded", 30, "a normal job after the poison one")


def test_whole_worker_loss_is_recovered(rig: Rig) -> None:
    worker = rig.start_worker()
    jobs = [rig.submit(long_article(1500)) for _ in range(4)]
    rig.wait_for(lambda: any(rig.status(j) == "running" for j in jobs), 20, "a job to start")
    for pid in rig.children():
        os.kill(pid, signal.SIGKILL)
    worker.kill()
    worker.wait()
    rig.start_worker()
    # visibility timeout (24 s) plus the 5 s restore sweep
    rig.wait_for(lambda: all(rig.status(j) == "succeeded" for j in jobs), 90, "every job to succeed")
    for j in jobs:
        result = rig.store.results(rig.store.get(j))[0]
        assert [p["index"] for p in result["paragraphs"]] == list(range(1500))


def test_sigterm_lets_running_work_finish_or_hands_it_back(rig: Rig) -> None:
    worker = rig.start_worker()
    jobs = [rig.submit(long_article(1500)) for _ in range(3)]
    rig.wait_for(lambda: any(rig.status(j) == "running" for j in jobs), 20, "a job to start")
    worker.terminate()
    assert worker.wait(40) == 0
    rig.start_worker()
    rig.wait_for(lambda: all(rig.status(j) == "succeeded" for j in jobs), 60, "every job to succeed")


def test_stalled_redis_gives_fast_503_then_recovers(rig: Rig) -> None:
    rig.start_worker()
    assert rig.redis.proc is not None
    os.kill(rig.redis.proc.pid, signal.SIGSTOP)
    try:
        for call in (
            lambda: rig.api.get("/v1/jobs/" + "a" * 32),
            lambda: rig.api.post("/v1/articles", json={"text": "x."}),
        ):
            t0 = time.monotonic()
            resp = call()
            assert time.monotonic() - t0 < 8
            assert resp.status_code == 503 and resp.headers["Retry-After"]
            assert resp.json()["error"]["code"] == "unavailable"
        ready = rig.api.get("/readyz")
        assert ready.status_code == 503
    finally:
        os.kill(rig.redis.proc.pid, signal.SIGCONT)
    job_id = rig.submit("Parigi loda Berlino.")
    rig.wait_for(lambda: rig.status(job_id) == "succeeded", 40, "a job after Redis came back")


def test_queued_jobs_survive_a_redis_restart(rig: Rig) -> None:
    jobs = [rig.submit(long_article(5)) for _ in range(3)]  # no worker yet: they stay queued
    rig.redis.stop()
    with pytest.raises(requests.RequestException):
        requests.get(f"http://127.0.0.1:{rig.redis.port}", timeout=1)
    rig.redis.start()
    rig.start_worker()
    rig.wait_for(lambda: all(rig.status(j) == "succeeded" for j in jobs), 40, "queued jobs after the restart")
    assert rig.api.get(f"/v1/jobs/{jobs[0]}").json()["status"] == "succeeded"  # the API reconnected


def test_running_worker_survives_a_redis_kill_and_restart(rig: Rig) -> None:
    rig.start_worker()
    for _ in range(2):
        assert rig.redis.proc is not None
        rig.redis.proc.kill()  # SIGKILL: no AOF rewrite, no goodbye
        rig.redis.proc.wait()
        assert rig.api.get("/v1/jobs/" + "b" * 32).status_code == 503
        rig.redis.start()
        job_id = rig.submit("Parigi loda Berlino.")
        rig.wait_for(lambda j=job_id: rig.status(j) == "succeeded", 40, "a canary job after the Redis restart")
    assert rig.worker is not None and rig.worker.poll() is None


def test_reaper_reenqueues_a_job_whose_message_was_lost(rig: Rig) -> None:
    job_id = rig.submit(long_article(3))
    rig.store.r.delete(queue_key(rig.settings))  # the message is lost
    rig.start_worker()
    rig.wait_for(lambda: rig.status(job_id) == "succeeded", 40, "the reaper to re-enqueue the job")
    assert rig.store.r.hget(rig.store.job_key(job_id), "requeued") == "1"
