"""The OpenAPI description of the API and a small docs page rendered from it."""

from __future__ import annotations

import html
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

docs = Blueprint("docs", __name__)

_ERROR = {"$ref": "#/components/schemas/Error"}
_THREE = {"type": "object", "properties": {k: {"type": "number"} for k in ("negative", "neutral", "positive")}}
_JUDGEMENT = {
    "type": "object",
    "properties": {
        "label": {"type": "string", "enum": ["negative", "neutral", "positive"]},
        "score": {"type": "number", "minimum": -1, "maximum": 1},
        "probabilities": _THREE,
        "evidence": {"type": "array", "items": {"type": "string"}},
    },
}


def _err(desc: str) -> dict[str, Any]:
    return {"description": desc, "content": {"application/json": {"schema": _ERROR}}}


def spec() -> dict[str, Any]:
    """Return the OpenAPI 3.0 document."""
    actor_spec = {
        "type": "object",
        "required": ["id", "name"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,63}$"},
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "type": {"type": "string", "enum": ["country", "organization", "person", "company", "group"]},
            "aliases": {"type": "array", "maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 100}},
        },
    }
    article = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": 200000},
            "paragraphs": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
            "title": {"type": "string", "maxLength": 1000},
            "language": {"type": "string", "pattern": "^[a-z]{2,3}$"},
            "id": {"type": "string", "maxLength": 200},
            "actors": {"type": "array", "maxItems": 200, "items": {"$ref": "#/components/schemas/CustomActor"}},
            "use_catalog": {"type": "boolean"},
        },
        "oneOf": [{"required": ["text"]}, {"required": ["paragraphs"]}],
    }
    batch = {
        "type": "object",
        "required": ["articles"],
        "additionalProperties": False,
        "properties": {
            "articles": {
                "type": "array",
                "minItems": 1,
                "maxItems": 100,
                "items": {"$ref": "#/components/schemas/Article"},
            },
            "actors": {"type": "array", "maxItems": 200, "items": {"$ref": "#/components/schemas/CustomActor"}},
            "use_catalog": {"type": "boolean"},
        },
    }
    job_id = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Stancewire",
            "version": "1",
            "description": "Stance toward every actor in every paragraph of news articles.",
        },
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                        }
                    },
                },
                "CustomActor": actor_spec,
                "Article": article,
                "Batch": batch,
                "Judgement": _JUDGEMENT,
                "Accepted": {
                    "type": "object",
                    "required": ["job_id", "status", "expires_at"],
                    "properties": {
                        "job_id": {"type": "string"},
                        "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                        "expires_at": {"type": "string", "format": "date-time"},
                    },
                },
                "Job": {
                    "type": "object",
                    "required": ["job_id", "status", "progress", "created_at", "expires_at"],
                    "properties": {
                        "job_id": {"type": "string"},
                        "status": {"type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"]},
                        "progress": {
                            "type": "object",
                            "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}},
                        },
                        "created_at": {"type": "string"},
                        "started_at": {"type": "string", "nullable": True},
                        "finished_at": {"type": "string", "nullable": True},
                        "expires_at": {"type": "string"},
                        "model": {"type": "object", "properties": {"version": {"type": "string", "nullable": True}}},
                        "error": _ERROR,
                        "result": {"type": "object"},
                    },
                },
            },
        },
        "security": [{"apiKey": []}],
        "paths": {
            "/v1/articles": {
                "post": {
                    "summary": "Submit one article or a batch; answers at once with a job id.",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Article"},
                                        {"$ref": "#/components/schemas/Batch"},
                                    ]
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "queued",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
                            "headers": {"Location": {"schema": {"type": "string"}}},
                        },
                        "400": _err("malformed JSON"),
                        "401": _err("missing or wrong API key"),
                        "413": _err("over a size limit"),
                        "415": _err("not JSON"),
                        "422": _err("invalid article or actors"),
                        "429": _err("rate limited"),
                        "503": _err("store unreachable"),
                    },
                }
            },
            "/v1/jobs/{job_id}": {
                "get": {
                    "summary": "Job status, progress and result; ?wait=N long-polls up to 30 s.",
                    "parameters": [
                        job_id,
                        {
                            "name": "wait",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "number", "minimum": 0, "maximum": 30},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "the job",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}},
                        },
                        "400": _err("bad wait"),
                        "401": _err("missing or wrong API key"),
                        "404": _err("unknown job"),
                        "503": _err("store unreachable"),
                    },
                },
                "delete": {
                    "summary": "Cancel a queued or running job and delete its data.",
                    "parameters": [job_id],
                    "responses": {
                        "200": {"description": "cancelled or deleted"},
                        "401": _err("missing or wrong API key"),
                        "404": _err("unknown job"),
                        "503": _err("store unreachable"),
                    },
                },
            },
            "/v1/actors": {
                "get": {
                    "summary": "The loaded actor catalogue.",
                    "parameters": [
                        {"name": "type", "in": "query", "required": False, "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
                    ],
                    "responses": {"200": {"description": "actors"}, "401": _err("missing or wrong API key")},
                }
            },
            "/v1/models/current": {
                "get": {
                    "summary": "Version, metrics and provenance of the model in service.",
                    "responses": {
                        "200": {"description": "manifest"},
                        "401": _err("missing or wrong API key"),
                        "503": _err("no model"),
                    },
                }
            },
            "/healthz": {
                "get": {"summary": "The process is up.", "security": [], "responses": {"200": {"description": "ok"}}}
            },
            "/readyz": {
                "get": {
                    "summary": "Redis reachable, a worker alive, a model loaded.",
                    "security": [],
                    "responses": {"200": {"description": "ready"}, "503": _err("not ready")},
                }
            },
        },
    }


@docs.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(spec())


@docs.get("/docs")
def docs_page() -> Response:
    rows = []
    for path, methods in spec()["paths"].items():
        for method, op in methods.items():
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op.get('summary', ''))}</td></tr>"
            )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Stancewire API</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}td{padding:.3em .8em}</style></head>"
        "<body><h1>Stancewire API</h1><p>Machine-readable description: <a href='/openapi.json'>/openapi.json</a>. "
        f"Model directory: {html.escape(str(current_app.config['STANCEWIRE'].models_dir.name))}.</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )
    return Response(page, mimetype="text/html")
