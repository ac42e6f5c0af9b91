"""One JSON error shape for every failure: {"error": {"code", "message"}}."""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, jsonify
from kombu.exceptions import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error answered to the client as JSON with an HTTP status."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    resp = jsonify({"error": {"code": code, "message": message}})
    resp.status_code = status
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register_error_handlers(app: Flask) -> None:
    """Turn every exception into the JSON error shape; never an HTML page or a traceback."""

    @app.errorhandler(ApiError)
    def _api(exc: ApiError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = {
            404: "no such resource",
            405: "method not allowed on this resource",
            413: "request body is larger than the configured limit",
            429: f"rate limit exceeded ({exc.description}); retry after Retry-After seconds",
        }.get(status, exc.description or "request failed")
        headers = {"Retry-After": exc.retry_after} if getattr(exc, "retry_after", None) else None
        resp = error_response(status, _HTTP_CODES.get(status, "error"), message, headers)
        if status == 405 and exc.get_response().headers.get("Allow"):
            resp.headers["Allow"] = exc.get_response().headers["Allow"]
        return resp

    @app.errorhandler(redis.RedisError)
    @app.errorhandler(OperationalError)
    def _unavailable(exc: Exception) -> Response:
        log.warning("backing store unavailable: %s", exc)
        return error_response(
            503,
            "unavailable",
            "the job store is unreachable; retry shortly",
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.errorhandler(Exception)
    def _internal(exc: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "internal error; the request was not processed")
