"""Every malformed request gets a 4xx with the JSON error shape, and nothing is enqueued."""

import json

import pytest

from tests.conftest import Api

ART = {"text": "Paris praised the deal."}
J = {"Content-Type": "application/json"}


def _big(n: int) -> str:
    return "Parigi e Londra. " * (n // 17 + 1)


CASES = [
    # (name, headers, raw body, status, code)
    ("invalid json", J, b"{not json", 400, "invalid_json"),
    ("empty body", J, b"", 400, "invalid_json"),
    ("invalid utf-8", J, b'{"text": "\xff\xfe"}', 400, "invalid_json"),
    ("wrong content type", {"Content-Type": "text/plain"}, json.dumps(ART).encode(), 415, "unsupported_media_type"),
    ("json array", J, b"[1, 2]", 422, "invalid_request"),
    ("missing text", J, b'{"title": "x"}', 422, "invalid_request"),
    ("empty text", J, b'{"text": "   "}', 422, "invalid_request"),
    ("text and paragraphs", J, b'{"text": "a.", "paragraphs": ["b"]}', 422, "invalid_request"),
    ("text not a string", J, b'{"text": 42}', 422, "invalid_request"),
    ("paragraphs not strings", J, b'{"paragraphs": [1]}', 422, "invalid_request"),
    ("empty paragraphs", J, b'{"paragraphs": []}', 422, "invalid_request"),
    ("unknown field", J, b'{"text": "a.", "colour": 1}', 422, "invalid_request"),
    ("bad language", J, b'{"text": "a.", "language": "Italian"}', 422, "invalid_request"),
    ("nul byte", J, b'{"text": "Paris\\u0000 wins."}', 422, "invalid_request"),
    ("lone surrogate", J, b'{"text": "Paris \\ud800 wins."}', 422, "invalid_request"),
    ("NaN", J, b'{"text": NaN}', 400, "invalid_json"),
    ("deep nesting", J, b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", 400, "invalid_json"),
    ("empty batch", J, b'{"articles": []}', 422, "invalid_request"),
    ("batch not a list", J, b'{"articles": {"text": "a."}}', 422, "invalid_request"),
    ("too many articles", J, json.dumps({"articles": [ART] * 101}).encode(), 413, "payload_too_large"),
    ("article too long", J, json.dumps({"text": _big(200_001)}).encode(), 413, "payload_too_large"),
    ("body too large", J, b'{"text": "' + b"a" * (11 * 1024 * 1024) + b'"}', 413, "payload_too_large"),
    ("actor not an object", J, b'{"text": "a.", "actors": ["x"]}', 422, "invalid_request"),
    ("actor without name", J, b'{"text": "a.", "actors": [{"id": "x"}]}', 422, "invalid_request"),
    ("actor bad id", J, b'{"text": "a.", "actors": [{"id": "a b", "name": "x"}]}', 422, "invalid_request"),
    (
        "alias too long",
        J,
        json.dumps({"text": "a.", "actors": [{"id": "x", "name": "x", "aliases": ["y" * 101]}]}).encode(),
        413,
        "payload_too_large",
    ),
    (
        "too many aliases",
        J,
        json.dumps({"text": "a.", "actors": [{"id": "x", "name": "x", "aliases": ["y"] * 51}]}).encode(),
        413,
        "payload_too_large",
    ),
    (
        "too many actors",
        J,
        json.dumps({"text": "a.", "actors": [{"id": f"x{i}", "name": "x"} for i in range(201)]}).encode(),
        413,
        "payload_too_large",
    ),
    ("use_catalog not bool", J, b'{"text": "a.", "use_catalog": "no"}', 422, "invalid_request"),
    ("no catalog and no actors", J, b'{"text": "a.", "use_catalog": false}', 422, "invalid_request"),
]


@pytest.mark.parametrize(("name", "headers", "body", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_bad_submissions(api: Api, name: str, headers: dict, body: bytes, status: int, code: str) -> None:
    store = api.app.extensions["stancewire.store"]
    before = store.r.dbsize()
    resp = api.post("/v1/articles", data=body, headers=headers)
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    err = resp.json()["error"]
    assert err["code"] == code and err["message"]
    assert "Traceback" not in resp.text
    assert store.r.dbsize() == before  # nothing stored, nothing enqueued


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/v1/jobs/0123456789abcdef0123456789abcdef", 404),
        ("get", "/v1/jobs/not-a-job-id", 404),
        ("get", "/v1/jobs/%00%ff", 404),
        ("delete", "/v1/jobs/0123456789abcdef0123456789abcdef", 404),
        ("get", "/v1/jobs/0123456789abcdef0123456789abcdef?wait=abc", 400),
        ("get", "/v1/jobs/0123456789abcdef0123456789abcdef?wait=99", 400),
        ("get", "/v1/nothing-here", 404),
        ("put", "/v1/articles", 405),
    ],
)
def test_bad_paths(api: Api, method: str, path: str, status: int) -> None:
    resp = api.http.request(method, api.url + path, timeout=10)
    assert resp.status_code == status
    assert resp.json()["error"]["code"]
