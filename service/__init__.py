"""The Flask API: `create_app(config)` builds it; `service.wsgi:app` serves it under gunicorn."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from flask import Flask, Response

from stancewire.catalog import Catalog, load_catalog
from stancewire.config import Settings
from stancewire.jobstore import JobStore, connect

from .auth import authenticate, parse_keys
from .errors import register_error_handlers


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the API from settings: defaults, then environment, then `config` overrides."""
    settings = config if isinstance(config, Settings) else Settings.load(config)
    if not settings.redis_url:
        raise ValueError("redis_url is not set (REDIS_URL); `stance up` sets it for the embedded Redis")
    app = Flask(__name__)
    app.config.update(
        STANCEWIRE=settings,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
        TESTING=settings.testing,
        DEBUG=False,
    )
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    client = connect(settings.redis_url, settings.redis_socket_timeout, settings.redis_connect_timeout)
    app.extensions["stancewire.store"] = JobStore(client, settings.key_prefix, settings.retention_seconds)
    app.extensions["stancewire.keys"] = parse_keys(settings.api_keys)
    app.extensions["stancewire.catalog"] = _catalog_loader(settings)
    from workers.app import make_celery

    app.extensions["stancewire.celery"] = make_celery(settings)

    from .openapi import docs
    from .views import api, ops

    _rate_limit(app, settings, api)
    app.register_blueprint(api)
    app.register_blueprint(ops)
    app.register_blueprint(docs)
    register_error_handlers(app)

    @app.after_request
    def _headers(resp: Response) -> Response:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    return app


def _rate_limit(app: Flask, settings: Settings, blueprint: Any) -> None:
    """Limit requests per API key (per owner), counted in Redis so every API process shares them."""
    from flask import request
    from flask_limiter import Limiter

    keys = app.extensions["stancewire.keys"]

    def owner() -> str:
        return authenticate(request, keys).name

    limiter = Limiter(
        key_func=owner,
        app=app,
        storage_uri=settings.redis_url,
        storage_options={
            "socket_timeout": settings.redis_socket_timeout,
            "socket_connect_timeout": settings.redis_connect_timeout,
        },
        key_prefix=f"{settings.key_prefix}:rl",
        headers_enabled=True,
        strategy="fixed-window",
    )
    limiter.limit(settings.rate_limit)(blueprint)


def _catalog_loader(settings: Settings) -> Callable[[], Catalog]:
    @lru_cache(maxsize=1)
    def load() -> Catalog:
        return load_catalog(settings.seeds_dir, settings.actors_file)

    return load
