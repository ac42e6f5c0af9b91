"""End-to-end throughput: articles per second through the HTTP API, Redis and Celery workers.

    python -m bench.throughput [--articles 1000] [--batch 20] [--concurrency 2]

Starts its own embedded Redis, worker and gunicorn API (as `stance up` does) on free ports,
submits the sample articles of seeds/articles over HTTP in batches, waits until every job has
succeeded, and reports articles, paragraphs and (paragraph, actor) pairs per second.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from stancewire.config import PROJECT_ROOT, Settings
from stancewire.embedded_redis import EmbeddedRedis, free_port
from stancewire.jobstore import JobStore, connect
from stancewire.supervisor import api_argv, worker_argv


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=20, help="articles per POST")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "seeds" / "articles").glob("*.txt"))]
    tmp = Path(tempfile.mkdtemp(prefix="swbench"))
    redis = EmbeddedRedis(tmp / "redis").start()
    port = free_port()
    prefix = f"swbench{secrets.token_hex(3)}"
    settings = Settings.load(
        {
            "redis_url": redis.url,
            "key_prefix": prefix,
            "worker_concurrency": args.concurrency,
            "rate_limit": "1000000/minute",
        },
        environ={},
    )
    env = {**os.environ, "REDIS_URL": redis.url} | settings.environ("key_prefix", "rate_limit", "worker_concurrency")
    log = open(tmp / "processes.log", "wb")  # noqa: SIM115 (kept open for the children's lifetime)
    procs = [
        subprocess.Popen(argv, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        for argv in (worker_argv(settings), api_argv(settings, port))
    ]
    url = f"http://127.0.0.1:{port}"
    store = JobStore(connect(redis.url), prefix)
    try:
        deadline = time.monotonic() + 60
        while not any(store.live_workers().values()) or not _up(url):
            if time.monotonic() > deadline:
                raise SystemExit(f"service did not start; see {tmp / 'processes.log'}")
            time.sleep(0.2)
        articles = [{"text": texts[i % len(texts)], "id": str(i)} for i in range(args.articles)]
        batches = [articles[i : i + args.batch] for i in range(0, len(articles), args.batch)]
        t0 = time.perf_counter()
        with ThreadPoolExecutor(8) as pool:
            job_ids = list(pool.map(lambda b: _post(url, b), batches))
        submitted = time.perf_counter() - t0
        pending = set(job_ids)
        while pending:
            for job_id in list(pending):
                job = store.get(job_id)
                if job and job.status in ("succeeded", "failed"):
                    if job.status == "failed":
                        raise SystemExit(f"job failed: {job.error_code} {job.error_message}")
                    pending.discard(job_id)
            time.sleep(0.05)
        elapsed = time.perf_counter() - t0
        paragraphs = pairs = 0
        for job_id in job_ids:
            for result in store.results(store.get(job_id)):
                paragraphs += len(result["paragraphs"])
                pairs += sum(len(p["actors"]) for p in result["paragraphs"])
        print(
            json.dumps(
                {
                    "articles": args.articles,
                    "batch": args.batch,
                    "worker_processes": args.concurrency,
                    "cores": os.cpu_count(),
                    "submit_seconds": round(submitted, 2),
                    "total_seconds": round(elapsed, 2),
                    "articles_per_second": round(args.articles / elapsed, 1),
                    "paragraphs_per_second": round(paragraphs / elapsed, 1),
                    "pairs_per_second": round(pairs / elapsed, 1),
                },
                indent=2,
            )
        )
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
        redis.stop()


def _up(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _post(url: str, batch: list[dict]) -> str:
    resp = requests.post(f"{url}/v1/articles", json={"articles": batch}, timeout=30)
    if resp.status_code != 202:
        print(resp.status_code, resp.text, file=sys.stderr)
        raise SystemExit("submit failed")
    return str(resp.json()["job_id"])


if __name__ == "__main__":
    main()
