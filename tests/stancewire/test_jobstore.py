import time

from stancewire.jobstore import JobStore


def _job(store: JobStore, n: int = 2):
    job, created = store.create([{"text": f"Article {i}."} for i in range(n)], n, "alice", {"use_catalog": True})
    assert created
    return job


def test_create_and_read_back(store: JobStore) -> None:
    job = _job(store)
    assert job.status == "queued" and job.articles == 2 and job.owner == "alice"
    assert len(job.id) == 32
    assert store.article(job.id, 1) == {"text": "Article 1."}
    assert 0 < store.r.ttl(store.job_key(job.id)) <= store.retention + 1


def test_status_only_moves_forward_and_ttl_survives(store: JobStore) -> None:
    job = _job(store)
    assert store.begin_attempt(job.id, 0, "m1") == 1
    assert store.get(job.id).status == "running"
    assert store.complete_article(job.id, 0, {"paragraphs": [1, 2]}) == 0
    assert store.complete_article(job.id, 0, {"paragraphs": [1, 2]}) == 0  # a duplicate delivery
    assert store.complete_article(job.id, 1, {"paragraphs": [1]}) == 1
    done = store.get(job.id)
    assert done.status == "succeeded" and done.model_version == "m1"
    assert store.progress(done) == 3
    assert store.begin_attempt(job.id, 0, "m2") == 2
    assert store.get(job.id).status == "succeeded"  # never back to running
    assert store.fail(job.id, "x", "y") is False
    for key in (store.job_key(job.id), store.result_key(job.id, 0)):
        assert store.r.ttl(key) > 0


def test_delete_removes_everything(store: JobStore) -> None:
    job = _job(store)
    store.complete_article(job.id, 0, {"paragraphs": []})
    store.delete(job)
    assert store.get(job.id) is None
    assert not store.r.keys(f"{store.p}:job:{job.id}*")
    assert store.complete_article(job.id, 1, {"paragraphs": []}) == -1  # no resurrection
    assert not store.r.exists(store.result_key(job.id, 1))


def test_idempotency_key_returns_the_same_job(store: JobStore) -> None:
    a, created_a = store.create([{"text": "x"}], 1, "bob", {}, idempotency_key="k-1")
    b, created_b = store.create([{"text": "x"}], 1, "bob", {}, idempotency_key="k-1")
    c, _ = store.create([{"text": "x"}], 1, "carol", {}, idempotency_key="k-1")
    assert created_a and not created_b and a.id == b.id and c.id != a.id


def test_heartbeats(store: JobStore) -> None:
    store.heartbeat("w-1", "m1")
    assert store.live_workers().get("w-1") == "m1"
    store.r.zadd(f"{store.p}:workers", {"w-old": time.time() - 3600})
    assert "w-old" not in store.live_workers()
