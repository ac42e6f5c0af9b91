"""HTTP views: parse, validate, enqueue, answer."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from stancewire.jobstore import TERMINAL, Job, JobStore
from stancewire.modelstore import promote, read_current
from workers.app import QUEUE, TASK_ANALYZE

from .auth import authenticate
from .errors import ApiError
from .validation import JOB_ID_RE, decode_json, parse_submission

api = Blueprint("api", __name__, url_prefix="/v1")
ops = Blueprint("ops", __name__)
_POLL_SECONDS = 0.2
_PUBLIC_MANIFEST = (
    "name",
    "version",
    "created_at",
    "metrics",
    "sha256",
    "git_commit",
    "training_data",
    "hyperparameters",
    "size_bytes",
    "libraries",
)


def iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def store() -> JobStore:
    return current_app.extensions["stancewire.store"]


@api.before_request
def _authenticate() -> None:
    g.principal = authenticate(request, current_app.extensions["stancewire.keys"])


def _job_or_404(job_id: str) -> Job:
    job = store().get(job_id) if JOB_ID_RE.match(job_id) else None
    # Another owner's job answers exactly like an unknown one.
    if job is None or job.owner != g.principal.name:
        raise ApiError(404, "not_found", f"no job {job_id[:64]!r}")
    return job


def job_body(job: Job, with_result: bool = True) -> dict[str, Any]:
    s = store()
    body: dict[str, Any] = {
        "job_id": job.id,
        "status": job.status,
        "progress": {
            "done": job.paragraphs if job.status == "succeeded" else min(s.progress(job), job.paragraphs),
            "total": job.paragraphs,
        },
        "articles": job.articles,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "expires_at": iso(job.expires_at),
        "model": {"version": job.model_version},
    }
    if job.status == "failed":
        body["error"] = {"code": job.error_code or "failed", "message": job.error_message or "the job failed"}
    if job.status == "succeeded" and with_result:
        body["result"] = {"articles": s.results(job)}
    return body


@api.post("/articles")
def submit() -> Response:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    settings = current_app.config["STANCEWIRE"]
    submission = parse_submission(decode_json(request.get_data(cache=False)), settings)
    idem = request.headers.get("Idempotency-Key")
    if idem is not None and not (0 < len(idem) <= 200):
        raise ApiError(400, "bad_request", "Idempotency-Key must be 1-200 characters")
    job, created = store().create(
        submission.articles, submission.paragraphs, g.principal.name, submission.options, idem
    )
    if created:
        celery = current_app.extensions["stancewire.celery"]
        try:
            with celery.producer_or_acquire() as producer:
                for i in range(job.articles):
                    celery.send_task(
                        TASK_ANALYZE,
                        args=[job.id, i],
                        queue=QUEUE,
                        producer=producer,
                        retry=True,
                        retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
                    )
        except Exception:
            store().delete(job)
            raise
    resp = jsonify({"job_id": job.id, "status": job.status, "expires_at": iso(job.expires_at)})
    resp.status_code = 202
    resp.headers["Location"] = f"/v1/jobs/{job.id}"
    return resp


@api.get("/jobs/<job_id>")
def get_job(job_id: str) -> Response:
    wait_raw = request.args.get("wait")
    wait = 0.0
    if wait_raw is not None:
        try:
            wait = float(wait_raw)
        except ValueError:
            raise ApiError(400, "bad_request", "wait must be a number of seconds") from None
        if not 0 <= wait <= current_app.config["STANCEWIRE"].max_wait_seconds:
            raise ApiError(
                400, "bad_request", f"wait must be between 0 and {current_app.config['STANCEWIRE'].max_wait_seconds:g}"
            )
    job = _job_or_404(job_id)
    deadline = time.monotonic() + wait
    while job.status not in TERMINAL and time.monotonic() < deadline:
        time.sleep(min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
        job = _job_or_404(job_id)
    return jsonify(job_body(job))


@api.delete("/jobs/<job_id>")
def delete_job(job_id: str) -> Response:
    job = _job_or_404(job_id)
    store().delete(job)
    return jsonify({"job_id": job.id, "status": "cancelled" if job.status not in TERMINAL else "deleted"})


@api.get("/actors")
def list_actors() -> Response:
    catalog = current_app.extensions["stancewire.catalog"]()
    kind = request.args.get("type")
    query = (request.args.get("q") or "").casefold()
    items = [
        a
        for a in catalog.describe()
        if (not kind or a["type"] == kind)
        and (not query or query in a["id"].casefold() or query in a["name"].casefold())
    ]
    return jsonify({"count": len(items), "actors": items})


@api.get("/models/current")
def current_model() -> Response:
    manifest = read_current(current_app.config["STANCEWIRE"].models_dir)
    if manifest is None:
        raise ApiError(503, "no_model", "no model has been trained and promoted yet", {"Retry-After": "30"})
    return jsonify({k: manifest[k] for k in _PUBLIC_MANIFEST if k in manifest})


@api.post("/models/promote")
def promote_model() -> Response:
    if not g.principal.admin:
        raise ApiError(403, "forbidden", "promoting a model needs an admin key")
    raw = request.get_data()
    body = decode_json(raw) if raw else {}
    version = body.get("version") if isinstance(body, dict) else None
    if not isinstance(version, str) or not version.replace("-", "").replace(".", "").isalnum():
        raise ApiError(422, "invalid_request", 'send {"version": "<name>-<version>"} of a saved model')
    models_dir = current_app.config["STANCEWIRE"].models_dir
    path = models_dir / f"{version}.json"
    if not path.is_file():
        raise ApiError(404, "not_found", f"no saved model {version!r}")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    promote(models_dir, manifest)
    return jsonify({k: manifest[k] for k in _PUBLIC_MANIFEST if k in manifest})


@ops.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@ops.get("/readyz")
def readyz() -> Response:
    checks: dict[str, Any] = {}
    try:
        store().r.ping()
        checks["redis"] = "ok"
        workers = store().live_workers()
        checks["workers"] = len(workers)
        checks["worker_models"] = sorted({v for v in workers.values() if v})
    except Exception:
        checks["redis"] = "unreachable"
        workers = {}
    manifest = read_current(current_app.config["STANCEWIRE"].models_dir)
    checks["model"] = manifest.get("version") if manifest else None
    ready = checks["redis"] == "ok" and any(workers.values()) and manifest is not None
    resp = jsonify({"status": "ready" if ready else "not_ready", "checks": checks})
    if not ready:
        resp.status_code = 503
        resp.headers["Retry-After"] = "5"
    return resp
