"""API keys: configured as sha256 digests, compared in constant time, owning their jobs."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import Request

from .errors import ApiError

LOCAL_OWNER = "local"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's name (owner of its jobs) and whether it is an admin."""

    name: str
    admin: bool


@dataclass(frozen=True)
class KeyEntry:
    name: str
    digest: bytes
    admin: bool


def hash_key(key: str) -> str:
    """Return the sha256 hex digest under which a key is configured."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_keys(entries: tuple[str, ...]) -> tuple[KeyEntry, ...]:
    """Read `name:sha256hex[:admin]` entries."""
    out = []
    for entry in entries:
        parts = entry.split(":")
        if len(parts) not in (2, 3) or len(parts[1]) != 64:
            raise ValueError(f"API key entry must be name:sha256hex[:admin], got {parts[0]!r}:...")
        out.append(KeyEntry(parts[0], bytes.fromhex(parts[1]), len(parts) == 3 and parts[2] == "admin"))
    return tuple(out)


def authenticate(request: Request, keys: tuple[KeyEntry, ...]) -> Principal:
    """Return the caller, or raise 401. With no keys configured every caller is the local owner."""
    if not keys:
        return Principal(LOCAL_OWNER, admin=True)
    supplied = request.headers.get("X-API-Key", "")
    auth = request.headers.get("Authorization", "")
    if not supplied and auth.lower().startswith("bearer "):
        supplied = auth[7:].strip()
    if not supplied:
        raise ApiError(
            401,
            "unauthorized",
            "an API key is required (X-API-Key or Authorization: Bearer)",
            {"WWW-Authenticate": "Bearer"},
        )
    digest = hashlib.sha256(supplied.encode("utf-8", "surrogatepass")).digest()
    found: KeyEntry | None = None
    for entry in keys:  # compare against every key so timing does not tell which matched
        if hmac.compare_digest(digest, entry.digest):
            found = entry
    if found is None:
        raise ApiError(401, "unauthorized", "the API key is not valid", {"WWW-Authenticate": "Bearer"})
    return Principal(found.name, found.admin)
