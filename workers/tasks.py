"""Celery tasks: thin adapters between the broker, the job store and the analysis core."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

import redis
from celery import Celery, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init

from stancewire.analysis import Analyzer, Cancelled
from stancewire.catalog import load_catalog
from stancewire.config import Settings
from stancewire.jobstore import JobStore, connect
from stancewire.modelstore import ModelHolder
from workers.app import QUEUE, TASK_ANALYZE, queue_key

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 5.0


@dataclass
class Resources:
    """What one worker process keeps: its Redis client, job store, model and catalogue."""

    settings: Settings
    store: JobStore
    models: ModelHolder
    analyzer: Analyzer | None = None

    def analyzer_for(self, model: Any) -> Analyzer:
        if self.analyzer is None:
            self.analyzer = Analyzer(load_catalog(self.settings.seeds_dir, self.settings.actors_file), model)
        self.analyzer.model = model
        return self.analyzer


_resources: Resources | None = None


def resources(app: Celery) -> Resources:
    """Return this process's resources, creating them on first use (after the fork)."""
    global _resources
    if _resources is None:
        settings: Settings = app.conf.stancewire_settings
        client = connect(settings.redis_url, settings.redis_socket_timeout, settings.redis_connect_timeout)
        _resources = Resources(
            settings=settings,
            store=JobStore(client, settings.key_prefix, settings.retention_seconds),
            models=ModelHolder(settings.models_dir, settings.model_check_seconds),
        )
    return _resources


@worker_process_init.connect
def _init_process(**_: Any) -> None:
    """Load the model and catalogue once per process, then start the heartbeat."""
    from workers.entry import app

    res = resources(app)
    try:
        model, _ = res.models.get()
        res.analyzer_for(model)
    except Exception as exc:  # the process still serves; jobs fail clearly until a model exists
        log.error("no model loaded at start: %s", exc)
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    threading.Thread(target=_beat, args=(res, worker_id), name="heartbeat", daemon=True).start()


def _beat(res: Resources, worker_id: str) -> None:
    """Every few seconds: check for a new model, say this process is alive, maybe reap."""
    from workers.entry import app

    stop = threading.Event()
    while True:
        try:
            res.models.get()
        except Exception as exc:
            log.warning("model check failed: %s", exc)
        try:
            res.store.heartbeat(worker_id, (res.models.manifest or {}).get("version"))
            if res.store.try_lock("reaper", int(HEARTBEAT_SECONDS * 2)):
                reap(res, app)
        except redis.RedisError as exc:
            log.warning("heartbeat failed: %s", exc)
        stop.wait(HEARTBEAT_SECONDS)


def reap(res: Resources, app: Celery) -> int:
    """Re-enqueue unfinished jobs whose messages were lost; return how many were re-enqueued.

    Only when the queue is empty: then an unfinished job older than `stuck_job_seconds` has no
    message left (lost with a Redis crash inside the AOF fsync window, or with an API process
    that died between storing the job and publishing it). Duplicate deliveries are harmless:
    finished articles are skipped and every article has an attempt cap.
    """
    store, settings = res.store, res.settings
    if store.r.llen(queue_key(settings)):
        return 0
    count = 0
    for job_id in store.stale_jobs(time.time() - settings.stuck_job_seconds):
        job = store.get(job_id)
        if job is None or job.status not in ("queued", "running"):
            store.forget_pending(job_id)
            continue
        if store.mark_requeued(job_id) > settings.task_max_attempts:
            store.fail(job_id, "lost", "the job's messages were lost repeatedly; resubmit it")
            continue
        for i in store.undone_articles(job):
            app.send_task(TASK_ANALYZE, args=[job_id, i], queue=QUEUE)
        log.warning("re-enqueued stale job %s", job_id)
        count += 1
    return count


def process_article(res: Resources, job_id: str, index: int) -> str:
    """Analyse article `index` of job `job_id` and store its result; return what happened."""
    store, settings = res.store, res.settings
    job = store.get(job_id)
    if job is None or job.status not in ("queued", "running"):
        return "inactive"
    if store.is_done(job_id, index):
        return "duplicate"
    model, manifest = res.models.get()
    attempt = store.begin_attempt(job_id, index, str(manifest.get("version")))
    if attempt > settings.task_max_attempts:
        store.fail(job_id, "worker_lost", f"article {index} was interrupted {attempt - 1} times; giving up")
        return "failed"
    article = store.article(job_id, index)
    if article is None:
        return "inactive"
    options = job.options or {}
    try:
        result = res.analyzer_for(model).analyze(
            article,
            custom_actors=list(options.get("actors", [])) + list(article.get("actors") or []),
            use_catalog=bool(options.get("use_catalog", True)),
            should_continue=lambda: store.is_active(job_id),
            on_progress=lambda done, _total: store.set_progress(job_id, index, done),
        )
    except Cancelled:
        return "cancelled"
    except (redis.RedisError, SoftTimeLimitExceeded):
        raise
    except Exception as exc:
        log.exception("article %s of job %s failed", index, job_id)
        if attempt >= settings.task_max_attempts:
            store.fail(job_id, "analysis_error", f"article {index} could not be analysed: {type(exc).__name__}")
            return "failed"
        raise
    result["model_version"] = manifest.get("version")
    store.complete_article(job_id, index, result)
    return "done"


@shared_task(bind=True, name=TASK_ANALYZE, max_retries=None, acks_late=True)
def analyze_article(self: Any, job_id: str, index: int) -> None:
    """Analyse one article of a job; retry transient failures with backoff."""
    try:
        process_article(resources(self.app), str(job_id), int(index))
    except SoftTimeLimitExceeded:
        resources(self.app).store.fail(str(job_id), "timeout", f"article {index} took too long to analyse")
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(2**self.request.retries, 20), max_retries=8) from None
