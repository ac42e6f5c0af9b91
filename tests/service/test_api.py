"""End to end over HTTP: a real Redis, a real Celery worker process, the real API."""

import pytest

from stancewire.config import PROJECT_ROOT
from tests.conftest import Api

pytestmark = pytest.mark.integration
SAMPLE = (PROJECT_ROOT / "seeds" / "articles" / "ankara-mediation-it.txt").read_text(encoding="utf-8")


def _submit(api: Api, body: dict, **kw: object) -> dict:
    resp = api.post("/v1/articles", json=body, **kw)
    assert resp.status_code == 202, resp.text
    assert resp.headers["Location"] == f"/v1/jobs/{resp.json()['job_id']}"
    return resp.json()


def test_article_end_to_end(live: Api) -> None:
    accepted = _submit(live, {"text": SAMPLE, "id": "a1"})
    assert accepted["status"] == "queued" and accepted["expires_at"].endswith("Z")
    job = live.wait(accepted["job_id"])
    assert job["status"] == "succeeded", job
    assert job["progress"]["done"] == job["progress"]["total"] > 0
    assert job["model"]["version"] and job["started_at"] and job["finished_at"]
    article = job["result"]["articles"][0]
    assert article["language"] == "it" and article["id"] == "a1"
    seen = set()
    for p in article["paragraphs"]:
        assert SAMPLE[p["start"] : p["end"]].strip()
        assert p["sentiment"]["label"] in ("negative", "neutral", "positive")
        for a in p["actors"]:
            seen.add(a["id"])
            probs = a["stance"]["probabilities"]
            assert abs(sum(probs.values()) - 1) < 1e-3
            assert a["stance"]["score"] == pytest.approx(probs["positive"] - probs["negative"], abs=1e-3)
            for m in a["mentions"]:
                assert SAMPLE[m["start"] : m["end"]] == m["text"]
    assert {"TUR", "RUS", "USA", "UKR"} <= seen
    summary = {a["id"]: a for a in article["actors"]}
    assert set(summary) == seen
    assert sum(summary["TUR"]["stance"]["distribution"].values()) == len(summary["TUR"]["paragraphs"])


def test_batch_paragraphs_and_custom_actors(live: Api) -> None:
    body = {
        "articles": [
            {"paragraphs": ["Acme Corp beat forecasts.", "Rivals of Acme struggled."], "language": "en"},
            {"text": "Globex e Acme firmano un accordo.", "actors": [{"id": "globex", "name": "Globex"}]},
        ],
        "actors": [{"id": "acme", "name": "Acme Corp", "type": "company", "aliases": ["Acme"]}],
        "use_catalog": False,
    }
    job = live.wait(_submit(live, body)["job_id"])
    assert job["status"] == "succeeded"
    first, second = job["result"]["articles"]
    assert [p["start"] for p in first["paragraphs"]] == [0, len("Acme Corp beat forecasts.") + 2]
    assert [a["id"] for p in first["paragraphs"] for a in p["actors"]] == ["acme", "acme"]
    assert {a["id"] for a in second["paragraphs"][0]["actors"]} == {"acme", "globex"}


def test_idempotency_key(live: Api) -> None:
    a = _submit(live, {"text": "Parigi loda Berlino."}, headers={"Idempotency-Key": "same-one"})
    b = _submit(live, {"text": "Parigi loda Berlino."}, headers={"Idempotency-Key": "same-one"})
    assert a["job_id"] == b["job_id"]


def test_delete_then_404(live: Api) -> None:
    job_id = _submit(live, {"text": SAMPLE})["job_id"]
    resp = live.delete(f"/v1/jobs/{job_id}")
    assert resp.status_code == 200 and resp.json()["status"] in ("cancelled", "deleted")
    assert live.get(f"/v1/jobs/{job_id}").status_code == 404


def test_operations_endpoints(live: Api) -> None:
    assert live.get("/healthz").json() == {"status": "ok"}
    ready = live.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"]["workers"] >= 1
    model = live.get("/v1/models/current").json()
    assert model["version"] and model["sha256"] and "metrics" in model
    spec = live.get("/openapi.json").json()
    assert "/v1/articles" in spec["paths"]
    assert "Stancewire API" in live.get("/docs").text
    actors = live.get("/v1/actors", params={"type": "country", "q": "turk"}).json()
    assert "TUR" in {a["id"] for a in actors["actors"]}
