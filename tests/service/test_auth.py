"""API keys, ownership of jobs, admin scope and rate limits, over HTTP."""

from collections.abc import Iterator

import pytest

from service.auth import hash_key
from stancewire.config import Settings
from tests.conftest import Api

KEYS = (
    "alice:" + hash_key("key-alice"),
    "bob:" + hash_key("key-bob"),
    "carol:" + hash_key("key-carol"),
    "root:" + hash_key("key-root") + ":admin",
)


@pytest.fixture(scope="module")
def secured(settings: Settings) -> Iterator[Api]:
    server = Api(settings.replace(api_keys=KEYS, rate_limit="5/minute", key_prefix=settings.key_prefix + "auth"))
    yield server
    server.close()


def _h(key: str) -> dict[str, str]:
    return {"X-API-Key": key}


def test_missing_and_wrong_keys_are_401(secured: Api) -> None:
    for headers in ({}, _h("nope"), {"Authorization": "Bearer nope"}):
        resp = secured.get("/v1/jobs/0123456789abcdef0123456789abcdef", headers=headers)
        assert resp.status_code == 401 and resp.json()["error"]["code"] == "unauthorized"
    assert secured.get("/healthz").status_code == 200  # operations endpoints stay open


def test_jobs_belong_to_their_key(secured: Api) -> None:
    resp = secured.post("/v1/articles", json={"text": "Parigi loda Berlino."}, headers=_h("key-alice"))
    assert resp.status_code == 202
    job_id = resp.json()["job_id"]
    assert secured.get(f"/v1/jobs/{job_id}", headers={"Authorization": "Bearer key-alice"}).status_code == 200
    other = secured.get(f"/v1/jobs/{job_id}", headers=_h("key-bob"))
    unknown = secured.get("/v1/jobs/" + "f" * 32, headers=_h("key-bob"))
    assert other.status_code == unknown.status_code == 404
    assert other.json()["error"]["code"] == unknown.json()["error"]["code"]
    assert secured.delete(f"/v1/jobs/{job_id}", headers=_h("key-bob")).status_code == 404
    assert secured.delete(f"/v1/jobs/{job_id}", headers=_h("key-alice")).status_code == 200


def test_promote_needs_admin(secured: Api) -> None:
    resp = secured.post("/v1/models/promote", json={"version": "stance-x"}, headers=_h("key-bob"))
    assert resp.status_code == 403
    resp = secured.post("/v1/models/promote", json={"version": "no-such-model"}, headers=_h("key-root"))
    assert resp.status_code == 404


def test_rate_limit_per_key(secured: Api) -> None:
    codes = [secured.get("/v1/models/current", headers=_h("key-root")).status_code for _ in range(8)]
    limited = [c for c in codes if c == 429]
    assert limited and all(c != 429 for c in codes[: 8 - len(limited)])
    resp = secured.get("/v1/models/current", headers=_h("key-root"))
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    assert resp.json()["error"]["code"] == "rate_limited"
    assert secured.get("/v1/actors", params={"q": "zz"}, headers=_h("key-carol")).status_code == 200
