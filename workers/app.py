"""Build the one Celery app from one settings mapping (see the reliability notes in README)."""

from __future__ import annotations

from typing import Any

from celery import Celery

from stancewire.config import Settings

TASK_ANALYZE = "stancewire.analyze_article"
QUEUE = "stancewire"


def _celery_prefix(settings: Settings) -> str:
    return f"{settings.key_prefix}:celery:"


def queue_key(settings: Settings) -> str:
    """Return the Redis list that holds the queue's messages (Celery prefixes every key)."""
    return _celery_prefix(settings) + QUEUE


def celery_config(settings: Settings) -> dict[str, Any]:
    """Return the Celery configuration mapping for these settings."""
    transport = {
        "visibility_timeout": settings.visibility_timeout,
        "socket_timeout": settings.redis_socket_timeout,
        "socket_connect_timeout": settings.redis_connect_timeout,
        "max_retries": 3,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "global_keyprefix": _celery_prefix(settings),
        # Sweep for unacknowledged messages of dead workers every 5 s, not every 100 s.
        "unacked_restore_interval": 5,
        "unacked_restore_throttle": 1,
    }
    return {
        "broker_url": settings.redis_url,
        "broker_transport_options": transport,
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,
        "broker_heartbeat": 0,
        "visibility_timeout": settings.visibility_timeout,
        # The job store in Redis is the store of record; Celery keeps no results.
        "result_backend": None,
        "task_ignore_result": True,
        "task_store_errors_even_if_ignored": False,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_default_queue": QUEUE,
        # At-least-once: ack after the task, requeue if the child process dies (OOM, SIGKILL).
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "task_acks_on_failure_or_timeout": True,
        "worker_prefetch_multiplier": 1,
        "task_time_limit": settings.task_time_limit,
        "task_soft_time_limit": max(1, int(settings.task_time_limit * 0.8)),
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "worker_soft_shutdown_timeout": 10.0,
        "worker_concurrency": settings.worker_concurrency,
        "worker_max_memory_per_child": 1_000_000,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "task_send_sent_event": False,
        "stancewire_settings": settings,
    }


def make_celery(settings: Settings, include_tasks: bool = False) -> Celery:
    """Create the Celery app. Producers (the API) leave tasks out; workers include them."""
    app = Celery("stancewire", include=["workers.tasks"] if include_tasks else [])
    app.conf.update(celery_config(settings))
    return app
