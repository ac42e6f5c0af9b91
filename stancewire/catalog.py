"""The actor catalogue: countries, organisations, people and companies with their aliases.

Data lives in `seeds/actors/*.json` (authored) and in Babel's localized territory names
(library data, one name per country per language). A user catalogue file can add actors or
extend and override the shipped ones without touching code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ACTOR_TYPES = ("country", "organization", "person", "company", "group")
ANY_LANG = "*"
_ACTOR_FILES = ("countries.json", "organizations.json", "people.json", "companies.json", "groups.json")


class CatalogError(ValueError):
    """A catalogue file or custom actor that does not follow the format."""


@dataclass(frozen=True)
class Alias:
    """One surface form of an actor, with the guards that keep it from false hits."""

    text: str
    case_sensitive: bool = False
    context: tuple[str, ...] = ()  # at least one must occur in the article
    not_after: tuple[str, ...] = ()  # ignored right after one of these words
    not_before: tuple[str, ...] = ()  # ignored right before one of these words
    kind: str = "name"  # name | demonym | metonym | library

    @property
    def guarded(self) -> bool:
        return bool(self.case_sensitive or self.context or self.not_after or self.not_before)


@dataclass
class Actor:
    """An actor and its aliases per language (`*` applies to every language)."""

    id: str
    name: str
    type: str
    country: str | None = None
    aliases: dict[str, list[Alias]] = field(default_factory=dict)

    def add(self, lang: str, alias: Alias) -> None:
        self.aliases.setdefault(lang, []).append(alias)

    def public(self) -> dict[str, Any]:
        """Describe the actor for the API."""
        out: dict[str, Any] = {"id": self.id, "name": self.name, "type": self.type}
        if self.country:
            out["country"] = self.country
        out["aliases"] = {lang: sorted({a.text for a in items}) for lang, items in sorted(self.aliases.items())}
        return out


def parse_alias(raw: Any, kind: str = "name") -> Alias:
    """Read an alias given as a string or as an object with guards."""
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            raise CatalogError("empty alias")
        return Alias(text, case_sensitive=_auto_case_sensitive(text), kind=kind)
    if isinstance(raw, Mapping) and isinstance(raw.get("text"), str) and raw["text"].strip():
        text = raw["text"].strip()

        def words(key: str) -> tuple[str, ...]:
            val = raw.get(key, ())
            if isinstance(val, str) or not all(isinstance(v, str) for v in val):
                raise CatalogError(f"alias {text!r}: {key} must be a list of strings")
            return tuple(val)

        return Alias(
            text,
            case_sensitive=bool(raw.get("case_sensitive", _auto_case_sensitive(text))),
            context=words("context"),
            not_after=words("not_after"),
            not_before=words("not_before"),
            kind=kind,
        )
    raise CatalogError(f"alias must be a non-empty string or an object with 'text', got {raw!r}")


def _auto_case_sensitive(text: str) -> bool:
    # Short all-caps acronyms collide with words in lower case: US/us, UN/un, IT/it.
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(letters) <= 4 and all(c.isupper() for c in letters)


@dataclass
class Catalog:
    """Every known actor, plus the compound-adjective parts and government words per language."""

    actors: dict[str, Actor]
    combining: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    government_words: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.actors)

    def get(self, actor_id: str) -> Actor | None:
        return self.actors.get(actor_id)

    def entries(self, lang: str) -> list[tuple[Alias, str]]:
        """Return (alias, actor id) pairs that apply to an article in `lang`."""
        out: list[tuple[Alias, str]] = []
        for actor in self.actors.values():
            authored: set[str] = set()
            for key in (lang, ANY_LANG):
                for alias in actor.aliases.get(key, ()):
                    out.append((alias, actor.id))
                    authored.add(alias.text.casefold())
            if actor.type == "country":
                name = _library_name(actor.id, lang)
                # An authored alias of the same text carries its guards; it wins.
                if name and name.casefold() not in authored:
                    out.append((parse_alias(name, kind="library"), actor.id))
        return out

    def describe(self) -> list[dict[str, Any]]:
        return [a.public() for a in sorted(self.actors.values(), key=lambda a: (a.type, a.id))]


@lru_cache(maxsize=4096)
def _library_name(actor_id: str, lang: str) -> str | None:
    """Return Babel's name of a country (by alpha-3 id) in `lang`, if it has one."""
    from babel import Locale, UnknownLocaleError

    alpha2 = _alpha2(actor_id)
    if not alpha2:
        return None
    try:
        return Locale.parse(lang).territories.get(alpha2)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@lru_cache(maxsize=512)
def _alpha2(alpha3: str) -> str | None:
    if alpha3 == "XKX":
        return "XK"  # Kosovo: a user-assigned code, absent from ISO 3166 and pycountry
    import pycountry

    country = pycountry.countries.get(alpha_3=alpha3)
    return country.alpha_2 if country else None


def _country_name(alpha3: str, fallback: str) -> str:
    import pycountry

    c = pycountry.countries.get(alpha_3=alpha3)
    return getattr(c, "common_name", None) or (c.name if c else fallback)


def load_catalog(seeds_dir: Path, user_file: Path | None = None) -> Catalog:
    """Load the shipped catalogue from `seeds_dir/actors`, then merge a user file over it."""
    base = Path(seeds_dir) / "actors"
    actors: dict[str, Actor] = {}
    for name in _ACTOR_FILES:
        path = base / name
        if not path.exists():
            continue
        data = _read_json(path)
        if isinstance(data, dict):  # countries.json is keyed by alpha-3 code
            data = [{"id": k, "type": "country", **v} for k, v in data.items()]
        for i, raw in enumerate(data):
            actor = _parse_actor(raw, f"{path}[{i}]")
            actors[actor.id] = actor
    combining = _read_json(base / "combining.json") if (base / "combining.json").exists() else {}
    rules = _read_json(base / "rules.json") if (base / "rules.json").exists() else {}
    catalog = Catalog(
        actors=actors,
        combining={lang: {k.casefold(): v for k, v in forms.items()} for lang, forms in combining.items()},
        government_words=rules.get("government_words", {}),
    )
    if user_file:
        merge_actors(catalog, _read_json(Path(user_file)), source=str(user_file))
    return catalog


def merge_actors(catalog: Catalog, items: Iterable[Any], source: str = "custom") -> None:
    """Add actors or extend existing ones; `{"id": ..., "disabled": true}` removes one."""
    for i, raw in enumerate(items):
        where = f"{source}[{i}]"
        if isinstance(raw, Mapping) and raw.get("disabled"):
            catalog.actors.pop(str(raw.get("id")), None)
            continue
        incoming = _parse_actor(raw, where, require_name=raw.get("id") not in catalog.actors)
        existing = catalog.actors.get(incoming.id)
        if existing is None:
            catalog.actors[incoming.id] = incoming
            continue
        if raw.get("name"):
            existing.name = incoming.name
        if raw.get("type"):
            existing.type = incoming.type
        for lang, aliases in incoming.aliases.items():
            for alias in aliases:
                existing.add(lang, alias)


def _parse_actor(raw: Any, where: str, require_name: bool = True) -> Actor:
    if not isinstance(raw, Mapping):
        raise CatalogError(f"{where}: actor must be an object")
    actor_id = raw.get("id")
    if not isinstance(actor_id, str) or not actor_id.strip():
        raise CatalogError(f"{where}: actor needs a non-empty string 'id'")
    actor_type = raw.get("type", "country" if len(actor_id) == 3 and actor_id.isupper() else "organization")
    if actor_type not in ACTOR_TYPES:
        raise CatalogError(f"{where}: type must be one of {', '.join(ACTOR_TYPES)}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        if require_name and actor_type != "country":
            raise CatalogError(f"{where}: actor {actor_id!r} needs a 'name'")
        name = _country_name(actor_id, actor_id) if actor_type == "country" else actor_id
    actor = Actor(id=actor_id, name=name, type=actor_type, country=raw.get("country"))
    for field_name, kind in (("aliases", "name"), ("metonyms", "metonym"), ("demonyms", "demonym")):
        value = raw.get(field_name) or {}
        if isinstance(value, list):  # a plain list applies to every language
            value = {ANY_LANG: value}
        if not isinstance(value, Mapping):
            raise CatalogError(f"{where}: {field_name} must be a list or an object of lists per language")
        for lang, items in value.items():
            if not isinstance(items, list):
                raise CatalogError(f"{where}: {field_name}.{lang} must be a list")
            for item in items:
                try:
                    actor.add(lang, parse_alias(item, kind))
                except CatalogError as exc:
                    raise CatalogError(f"{where}: {exc}") from None
    if actor_type != "country" and not actor.aliases:
        actor.add(ANY_LANG, parse_alias(name))
    return actor


def _read_json(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
