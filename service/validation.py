"""Parse and validate request bodies into what the job store needs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from stancewire.catalog import ACTOR_TYPES
from stancewire.config import Settings
from stancewire.paragraphs import split_paragraphs

from .errors import ApiError

_ARTICLE_KEYS = {"text", "paragraphs", "title", "language", "id", "actors"}
_JOB_KEYS = {"articles", "actors", "use_catalog"}
_ACTOR_KEYS = {"id", "name", "type", "aliases"}
_LANG_RE = re.compile(r"^[a-z]{2,3}$")
_ACTOR_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
JOB_ID_RE = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Submission:
    articles: list[dict[str, Any]]
    paragraphs: int
    options: dict[str, Any]


def invalid(message: str) -> ApiError:
    return ApiError(422, "invalid_request", message)


def too_large(message: str) -> ApiError:
    return ApiError(413, "payload_too_large", message)


def decode_json(raw: bytes) -> Any:
    """Decode a JSON body strictly: UTF-8, no NaN, bounded nesting."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_json", f"body is not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise ApiError(400, "invalid_json", "body is empty; send a JSON object")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ApiError(400, "invalid_json", "JSON is nested too deeply") from None
    except ValueError as exc:
        raise ApiError(400, "invalid_json", f"body is not valid JSON: {exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _check_string(value: Any, where: str, max_chars: int, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise invalid(f"{where} must be a string")
    if not allow_empty and not value.strip():
        raise invalid(f"{where} must not be empty")
    if "\x00" in value:
        raise invalid(f"{where} contains NUL characters; remove them and resend")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid(f"{where} contains invalid Unicode (lone surrogates)") from None
    if len(value) > max_chars:
        raise too_large(f"{where} has {len(value)} characters; the limit is {max_chars}")
    return value


def _check_actors(value: Any, where: str, settings: Settings) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise invalid(f"{where} must be a list of actor objects")
    if len(value) > settings.max_custom_actors:
        raise too_large(f"{where} has {len(value)} actors; the limit is {settings.max_custom_actors}")
    out = []
    for i, actor in enumerate(value):
        w = f"{where}[{i}]"
        if not isinstance(actor, dict):
            raise invalid(f"{w} must be an object with id, name, aliases")
        unknown = set(actor) - _ACTOR_KEYS
        if unknown:
            raise invalid(f"{w} has unknown fields: {', '.join(sorted(unknown))}")
        actor_id = actor.get("id")
        if not isinstance(actor_id, str) or not _ACTOR_ID_RE.match(actor_id):
            raise invalid(f"{w}.id must be 1-64 letters, digits or _.:- (starting with a letter or digit)")
        name = _check_string(actor.get("name"), f"{w}.name", settings.max_alias_chars * 2)
        atype = actor.get("type", "group")
        if atype not in ACTOR_TYPES:
            raise invalid(f"{w}.type must be one of {', '.join(ACTOR_TYPES)}")
        aliases = actor.get("aliases", [])
        if not isinstance(aliases, list):
            raise invalid(f"{w}.aliases must be a list of strings")
        if len(aliases) > settings.max_aliases_per_actor:
            raise too_large(f"{w}.aliases has {len(aliases)} entries; the limit is {settings.max_aliases_per_actor}")
        clean = [_check_string(a, f"{w}.aliases[{j}]", settings.max_alias_chars) for j, a in enumerate(aliases)]
        # Aliases are literal strings; the name counts as one too.
        out.append({"id": actor_id, "name": name, "type": atype, "aliases": [name, *clean]})
    return out


def _check_article(value: Any, where: str, settings: Settings) -> tuple[dict[str, Any], int]:
    if not isinstance(value, dict):
        raise invalid(f"{where} must be an object with 'text' or 'paragraphs'")
    unknown = set(value) - _ARTICLE_KEYS
    if unknown:
        raise invalid(f"{where} has unknown fields: {', '.join(sorted(unknown))}")
    has_text, has_paras = "text" in value, "paragraphs" in value
    if has_text == has_paras:
        raise invalid(f"{where} needs exactly one of 'text' or 'paragraphs'")
    article: dict[str, Any] = {}
    if has_text:
        article["text"] = _check_string(value["text"], f"{where}.text", settings.max_article_chars)
    else:
        paras = value["paragraphs"]
        if not isinstance(paras, list) or not paras:
            raise invalid(f"{where}.paragraphs must be a non-empty list of strings")
        article["paragraphs"] = [
            _check_string(p, f"{where}.paragraphs[{j}]", settings.max_article_chars) for j, p in enumerate(paras)
        ]
        if sum(len(p) for p in article["paragraphs"]) > settings.max_article_chars:
            raise too_large(f"{where} is longer than {settings.max_article_chars} characters")
    if value.get("title") is not None:
        article["title"] = _check_string(value["title"], f"{where}.title", 1000)
    if value.get("language") is not None:
        lang = value["language"]
        if not isinstance(lang, str) or not _LANG_RE.match(lang):
            raise invalid(f"{where}.language must be an ISO 639-1 code such as 'it' or 'en'")
        article["language"] = lang
    if value.get("id") is not None:
        aid = value["id"]
        if isinstance(aid, bool) or not isinstance(aid, (str, int)) or len(str(aid)) > 200:
            raise invalid(f"{where}.id must be a string or integer of at most 200 characters")
        article["id"] = aid
    if value.get("actors") is not None:
        article["actors"] = _check_actors(value["actors"], f"{where}.actors", settings)
    if "paragraphs" in article:
        count = len(article["paragraphs"])
    else:
        count = len(split_paragraphs(article["text"], article.get("title")))
        if count == 0:
            raise invalid(f"{where}.text has no paragraph to analyse")
    return article, count


def parse_submission(body: Any, settings: Settings) -> Submission:
    """Validate a POST /v1/articles body: one article, or a batch under 'articles'."""
    if not isinstance(body, dict):
        raise invalid('body must be a JSON object: an article, or {"articles": [...]}')
    if "articles" in body:
        unknown = set(body) - _JOB_KEYS
        if unknown:
            raise invalid(f"a batch has unknown fields: {', '.join(sorted(unknown))}")
        items = body["articles"]
        if not isinstance(items, list) or not items:
            raise invalid("'articles' must be a non-empty list")
        if len(items) > settings.max_articles:
            raise too_large(f"batch has {len(items)} articles; the limit is {settings.max_articles}")
        where = "articles[{}]"
    else:
        items = [{k: v for k, v in body.items() if k != "use_catalog"}]
        where = "article"
        if set(body) - _ARTICLE_KEYS - {"use_catalog"}:
            raise invalid(f"body has unknown fields: {', '.join(sorted(set(body) - _ARTICLE_KEYS - {'use_catalog'}))}")
    use_catalog = body.get("use_catalog", True)
    if not isinstance(use_catalog, bool):
        raise invalid("'use_catalog' must be true or false")
    job_actors = _check_actors(body["actors"], "actors", settings) if "articles" in body and "actors" in body else []
    articles, total = [], 0
    for i, item in enumerate(items):
        article, count = _check_article(item, where.format(i), settings)
        articles.append(article)
        total += count
    if total > settings.max_paragraphs:
        raise too_large(f"the job has {total} paragraphs; the limit is {settings.max_paragraphs}")
    if not use_catalog and not job_actors and not any(a.get("actors") for a in articles):
        raise invalid("'use_catalog': false needs custom 'actors' to look for")
    return Submission(articles, total, {"use_catalog": use_catalog, "actors": job_actors})
