"""The Redis job store: the one module that owns the key schema.

Keys (prefix `sw` by default; every job key expires at the job's `expires_at`):

| key | type | holds |
| --- | --- | --- |
| `{p}:job:{id}` | hash | status, owner, created/started/finished/expires_at, articles, paragraphs, |
| | | model_version, error_code, error_message, options |
| `{p}:job:{id}:article:{i}` | string | article i as submitted (JSON) |
| `{p}:job:{id}:result:{i}` | string | result of article i (JSON) |
| `{p}:job:{id}:progress` | hash | article i -> paragraphs done |
| `{p}:job:{id}:done` | set | indexes of finished articles |
| `{p}:job:{id}:attempts` | hash | article i -> deliveries so far |
| `{p}:idem:{owner}:{sha256(key)}` | string | job id of an Idempotency-Key |
| `{p}:pending` | zset | unfinished job id -> when it was created or last re-enqueued (for the reaper) |
| `{p}:workers` | zset | worker process id -> last heartbeat |
| `{p}:worker:{wid}` | string | that worker's model version (expires with its heartbeat) |

Status only moves forward: queued -> running -> succeeded | failed | cancelled.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import redis

TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
ACTIVE = frozenset({"queued", "running"})
HEARTBEAT_TTL = 30

# Set fields and status only if the job exists and its status is one of ARGV[1] (comma list).
_TRANSITION = """
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return 0 end
local ok = false
for s in string.gmatch(ARGV[1], '[^,]+') do if s == st then ok = true end end
if not ok then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2])
for i = 3, #ARGV, 2 do
  -- a field named '?f' is set only if f is still empty
  local f = ARGV[i]
  local only_once = string.sub(f, 1, 1) == '?'
  if only_once then f = string.sub(f, 2) end
  if ARGV[i+1] ~= '' and not (only_once and redis.call('HGET', KEYS[1], f)) then
    redis.call('HSET', KEYS[1], f, ARGV[i+1])
  end
end
return 1
"""

# Store one article's result (idempotent) and finish the job when every article is done.
# KEYS: job, result, done, progress, pending; ARGV: index, result json, paragraphs, now, job id
_COMPLETE = """
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'running' and st ~= 'queued' then return -1 end
local exp = tonumber(redis.call('HGET', KEYS[1], 'expires_at'))
redis.call('SET', KEYS[2], ARGV[2], 'EXAT', math.ceil(exp))
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('EXPIREAT', KEYS[3], math.ceil(exp))
redis.call('EXPIREAT', KEYS[4], math.ceil(exp))
local total = tonumber(redis.call('HGET', KEYS[1], 'articles'))
if redis.call('SCARD', KEYS[3]) >= total then
  redis.call('HSET', KEYS[1], 'status', 'succeeded', 'finished_at', ARGV[4])
  redis.call('ZREM', KEYS[5], ARGV[5])
  return 1
end
return 0
"""


def connect(url: str, socket_timeout: float = 2.0, connect_timeout: float = 2.0) -> redis.Redis:
    """Return a Redis client with bounded timeouts (a stalled Redis must not hang a request)."""
    from redis.backoff import ExponentialBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(
        url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=connect_timeout,
        health_check_interval=15,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=1),
        decode_responses=True,
    )


def new_job_id() -> str:
    """Return a random, unguessable job id (128 bits)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Job:
    """A job record as read from Redis."""

    id: str
    status: str
    owner: str
    created_at: float
    expires_at: float
    articles: int
    paragraphs: int
    started_at: float | None = None
    finished_at: float | None = None
    model_version: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    options: Mapping[str, Any] | None = None


class JobStore:
    """Read and write jobs. The Redis client is passed in; nothing here is global."""

    def __init__(self, client: redis.Redis, prefix: str = "sw", retention_seconds: int = 7 * 24 * 3600) -> None:
        self.r = client
        self.p = prefix
        self.retention = retention_seconds
        self._transition = client.register_script(_TRANSITION)
        self._complete = client.register_script(_COMPLETE)

    # key schema
    def job_key(self, job_id: str) -> str:
        return f"{self.p}:job:{job_id}"

    def article_key(self, job_id: str, i: int) -> str:
        return f"{self.p}:job:{job_id}:article:{i}"

    def result_key(self, job_id: str, i: int) -> str:
        return f"{self.p}:job:{job_id}:result:{i}"

    def _sub(self, job_id: str, name: str) -> str:
        return f"{self.p}:job:{job_id}:{name}"

    def idem_key(self, owner: str, key: str) -> str:
        return f"{self.p}:idem:{owner}:{hashlib.sha256(key.encode()).hexdigest()}"

    # API side
    def create(
        self,
        articles: Sequence[Mapping[str, Any]],
        paragraphs: int,
        owner: str,
        options: Mapping[str, Any],
        idempotency_key: str | None = None,
    ) -> tuple[Job, bool]:
        """Create a queued job; return (job, created). An Idempotency-Key seen before returns that job."""
        job_id = new_job_id()
        now = time.time()
        expires = now + self.retention
        if idempotency_key:
            ikey = self.idem_key(owner, idempotency_key)
            if not self.r.set(ikey, job_id, nx=True, exat=int(expires) + 1):
                existing = self.r.get(ikey)
                job = self.get(existing) if existing else None
                if job is not None:
                    return job, False
                self.r.set(ikey, job_id, exat=int(expires) + 1)
        fields = {
            "status": "queued",
            "owner": owner,
            "created_at": repr(now),
            "expires_at": repr(expires),
            "articles": len(articles),
            "paragraphs": paragraphs,
            "options": json.dumps(options, separators=(",", ":")),
        }
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.job_key(job_id), mapping=fields)
        pipe.zadd(f"{self.p}:pending", {job_id: now})
        pipe.expireat(self.job_key(job_id), int(expires) + 1)
        for i, article in enumerate(articles):
            pipe.set(self.article_key(job_id, i), json.dumps(article, ensure_ascii=False), exat=int(expires) + 1)
        pipe.execute()
        return self.get(job_id) or _missing(job_id), True

    def get(self, job_id: str) -> Job | None:
        """Return the job, or None when it is unknown or expired."""
        raw = self.r.hgetall(self.job_key(job_id))
        if not raw or "status" not in raw:
            return None

        def num(k: str) -> float | None:
            return float(raw[k]) if raw.get(k) else None

        return Job(
            id=job_id,
            status=raw["status"],
            owner=raw.get("owner", ""),
            created_at=float(raw["created_at"]),
            expires_at=float(raw["expires_at"]),
            articles=int(raw.get("articles", 0)),
            paragraphs=int(raw.get("paragraphs", 0)),
            started_at=num("started_at"),
            finished_at=num("finished_at"),
            model_version=raw.get("model_version") or None,
            error_code=raw.get("error_code") or None,
            error_message=raw.get("error_message") or None,
            options=json.loads(raw["options"]) if raw.get("options") else None,
        )

    def progress(self, job: Job) -> int:
        """Return the number of paragraphs done over all articles."""
        values = self.r.hvals(self._sub(job.id, "progress"))
        return sum(int(v) for v in values)

    def results(self, job: Job) -> list[dict[str, Any] | None]:
        keys = [self.result_key(job.id, i) for i in range(job.articles)]
        return [json.loads(v) if v else None for v in self.r.mget(keys)] if keys else []

    def delete(self, job: Job) -> None:
        """Cancel the job if it is still active, then remove every key it has."""
        self._transition(
            keys=[self.job_key(job.id)], args=["queued,running", "cancelled", "finished_at", repr(time.time())]
        )
        keys = [self.job_key(job.id)] + [self._sub(job.id, n) for n in ("progress", "done", "attempts")]
        keys += [self.article_key(job.id, i) for i in range(job.articles)]
        keys += [self.result_key(job.id, i) for i in range(job.articles)]
        pipe = self.r.pipeline(transaction=False)
        pipe.delete(*keys)
        pipe.zrem(f"{self.p}:pending", job.id)
        pipe.execute()

    def fail(self, job_id: str, code: str, message: str) -> bool:
        """Fail an active job with an error code and message."""
        ok = self._transition(
            keys=[self.job_key(job_id)],
            args=[
                "queued,running",
                "failed",
                "finished_at",
                repr(time.time()),
                "error_code",
                code,
                "error_message",
                message[:500],
            ],
        )
        self.r.zrem(f"{self.p}:pending", job_id)
        return bool(ok)

    # worker side
    def article(self, job_id: str, i: int) -> dict[str, Any] | None:
        raw = self.r.get(self.article_key(job_id, i))
        return json.loads(raw) if raw else None

    def is_done(self, job_id: str, i: int) -> bool:
        return bool(self.r.sismember(self._sub(job_id, "done"), i))

    def is_active(self, job_id: str) -> bool:
        return self.r.hget(self.job_key(job_id), "status") in ACTIVE

    def begin_attempt(self, job_id: str, i: int, model_version: str) -> int:
        """Count a delivery of article i, mark the job running; return the attempt number."""
        now = time.time()
        pipe = self.r.pipeline(transaction=False)
        pipe.hincrby(self._sub(job_id, "attempts"), i, 1)
        pipe.expireat(self._sub(job_id, "attempts"), int(now + self.retention) + 1)
        attempts = pipe.execute()[0]
        self._transition(
            keys=[self.job_key(job_id)],
            args=["queued,running", "running", "?started_at", repr(now), "?model_version", model_version],
        )
        return int(attempts)

    def set_progress(self, job_id: str, i: int, done: int) -> None:
        self.r.hset(self._sub(job_id, "progress"), i, done)

    def complete_article(self, job_id: str, i: int, result: Mapping[str, Any]) -> int:
        """Store article i's result; return 1 if the job is now succeeded, 0 if not yet, -1 if inactive."""
        return int(
            self._complete(
                keys=[
                    self.job_key(job_id),
                    self.result_key(job_id, i),
                    self._sub(job_id, "done"),
                    self._sub(job_id, "progress"),
                    f"{self.p}:pending",
                ],
                args=[
                    i,
                    json.dumps(result, ensure_ascii=False, separators=(",", ":")),
                    len(result.get("paragraphs", ())),
                    repr(time.time()),
                    job_id,
                ],
            )
        )

    def stale_jobs(self, older_than: float, limit: int = 100) -> list[str]:
        """Return ids of unfinished jobs created or re-enqueued before `older_than` (epoch seconds)."""
        return list(self.r.zrangebyscore(f"{self.p}:pending", 0, older_than, start=0, num=limit))

    def undone_articles(self, job: Job) -> list[int]:
        done = {int(i) for i in self.r.smembers(self._sub(job.id, "done"))}
        return [i for i in range(job.articles) if i not in done]

    def mark_requeued(self, job_id: str) -> int:
        """Record that the reaper re-enqueued the job; return how many times it has."""
        pipe = self.r.pipeline(transaction=False)
        pipe.zadd(f"{self.p}:pending", {job_id: time.time()}, xx=True)
        pipe.hincrby(self.job_key(job_id), "requeued", 1)
        return int(pipe.execute()[1])

    def forget_pending(self, job_id: str) -> None:
        self.r.zrem(f"{self.p}:pending", job_id)

    def try_lock(self, name: str, seconds: int) -> bool:
        """Take a short lease so that one process among many does a periodic chore."""
        return bool(self.r.set(f"{self.p}:lock:{name}", "1", nx=True, ex=seconds))

    # workers' liveness
    def heartbeat(self, worker_id: str, model_version: str | None) -> None:
        now = time.time()
        pipe = self.r.pipeline(transaction=False)
        pipe.zadd(f"{self.p}:workers", {worker_id: now})
        pipe.set(f"{self.p}:worker:{worker_id}", model_version or "", ex=HEARTBEAT_TTL)
        pipe.zremrangebyscore(f"{self.p}:workers", 0, now - HEARTBEAT_TTL)
        pipe.execute()

    def live_workers(self) -> dict[str, str]:
        """Return worker id -> model version for workers seen in the last HEARTBEAT_TTL seconds."""
        ids = self.r.zrangebyscore(f"{self.p}:workers", time.time() - HEARTBEAT_TTL, "+inf")
        if not ids:
            return {}
        versions = self.r.mget([f"{self.p}:worker:{w}" for w in ids])
        return {w: v or "" for w, v in zip(ids, versions, strict=True)}


def _missing(job_id: str) -> Job:
    raise RuntimeError(f"job {job_id} vanished right after it was created")
