"""Find actor mentions in text: one Aho-Corasick automaton over the whole catalogue.

Matching runs on a folded copy of the text (lower case, accents stripped, typographic
apostrophes made plain) that has the same length as the original, so every offset found is an
offset into the submitted text. Aliases are literal strings; nothing a user sends is compiled
as a regular expression.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from .catalog import ANY_LANG, Alias, Catalog

_HYPHENS = "-‐‑–"
_COMPOUND_RE = re.compile(r"\w+(?:[" + _HYPHENS + r"]\w+)+")
_PREV_WORD_RE = re.compile(r"(\w+)\W*$")
_NEXT_WORD_RE = re.compile(r"^\W*(\w+)")
_WORD_WINDOW = 40


@dataclass(frozen=True)
class Mention:
    """An actor named at [start, end) of the text that was searched."""

    actor_id: str
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x3000):
        ch = chr(cp)
        low = ch.lower()
        base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[cp] = base
        elif len(low) == 1 and low != ch:
            table[cp] = low
    for ch in "’‘`´ʼ":
        table[ord(ch)] = "'"
    for ch in _HYPHENS[1:]:
        table[ord(ch)] = "-"
    table[0xA0] = " "
    return table


def fold(text: str) -> str:
    """Lower-case and strip accents without changing the length of the text."""
    return text.translate(_fold_table())


def _strip_accents(text: str) -> str:
    """Strip accents but keep case."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


@dataclass(frozen=True)
class _Entry:
    actor_id: str
    alias: Alias
    key: str  # folded alias
    context: tuple[str, ...] = ()  # folded guards, computed once
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()

    @classmethod
    def of(cls, actor_id: str, alias: Alias) -> _Entry:
        return cls(
            actor_id,
            alias,
            fold(alias.text),
            tuple(fold(c) for c in alias.context),
            frozenset(fold(w) for w in alias.not_after),
            frozenset(fold(w) for w in alias.not_before),
        )


class ActorMatcher:
    """Match every alias of a catalogue (for one language) in one pass over the text."""

    def __init__(
        self,
        entries: Iterable[tuple[Alias, str]],
        combining: dict[str, list[str]] | None = None,
        government_words: Iterable[str] = (),
        person_country: dict[str, str] | None = None,
    ) -> None:
        self._automaton = ahocorasick.Automaton()
        by_key: dict[str, list[_Entry]] = {}
        self._parts: dict[str, list[_Entry]] = {}
        for alias, actor_id in entries:
            entry = _Entry.of(actor_id, alias)
            key = entry.key
            by_key.setdefault(key, []).append(entry)
            if " " not in key and not any(h in key for h in _HYPHENS):
                self._parts.setdefault(key, []).append(entry)
        for key, items in by_key.items():
            self._automaton.add_word(key, (len(key), tuple(items)))
        self._has_words = bool(by_key)
        if self._has_words:
            self._automaton.make_automaton()
        self._combining = {fold(k): v for k, v in (combining or {}).items()}
        self._government_words = {fold(w) for w in government_words}
        self._person_country = person_country or {}
        self._ctx_ref: str | None = None
        self._ctx_hits: dict[str, bool] = {}

    def find(self, text: str, folded_context: str | None = None) -> list[Mention]:
        """Return the actor mentions in `text`, leftmost-longest, with offsets into `text`.

        `folded_context` is the whole article passed through `fold` once, for context-guarded
        aliases; it defaults to `text` itself.
        """
        if not self._has_words or not text:
            return []
        folded = fold(text)
        ctx = folded if folded_context is None else folded_context
        candidates: list[tuple[int, int, tuple[_Entry, ...]]] = []
        for end_idx, (length, items) in self._automaton.iter(folded):
            start, end = end_idx - length + 1, end_idx + 1
            if start > 0 and _is_word_char(folded[start - 1]) and _is_word_char(folded[start]):
                continue
            if end < len(folded) and _is_word_char(folded[end]) and _is_word_char(folded[end - 1]):
                continue
            ok = tuple(e for e in items if self._accepts(e, text, folded, start, end, ctx))
            if ok:
                candidates.append((start, end, ok))
        compounds = self._compounds(text, folded, ctx)
        spans = [(s, e, items) for s, e, items in compounds] + candidates
        # Leftmost-longest: compounds and longer aliases win over what they contain.
        spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        mentions: list[Mention] = []
        last_end = -1
        for start, end, items in spans:
            if start < last_end:
                continue
            last_end = end
            seen: set[str] = set()
            for entry in items:
                actor_id = entry.actor_id
                span_start = start
                if actor_id in self._person_country and self._governs(folded, start, end):
                    actor_id = self._person_country[actor_id]
                    span_start = self._government_start(folded, start)
                if actor_id not in seen:
                    seen.add(actor_id)
                    mentions.append(Mention(actor_id, span_start, end, text[span_start:end]))
        return mentions

    def _accepts(self, entry: _Entry, text: str, folded: str, start: int, end: int, ctx: str) -> bool:
        if entry.alias.case_sensitive and _strip_accents(text[start:end]) != _strip_accents(entry.alias.text):
            return False
        if entry.context and not any(self._in_context(c, ctx) for c in entry.context):
            return False
        if entry.not_after:
            m = _PREV_WORD_RE.search(folded[max(0, start - _WORD_WINDOW) : start])
            if m and m.group(1) in entry.not_after:
                return False
        if entry.not_before:
            m = _NEXT_WORD_RE.search(folded[end : end + _WORD_WINDOW])
            if m and m.group(1) in entry.not_before:
                return False
        return True

    def _in_context(self, term: str, ctx: str) -> bool:
        # Memoised per article: searching the whole article for every guarded hit is quadratic.
        if self._ctx_ref is not ctx:
            self._ctx_ref, self._ctx_hits = ctx, {}
        hit = self._ctx_hits.get(term)
        if hit is None:
            hit = self._ctx_hits[term] = term in ctx
        return hit

    def _compounds(self, text: str, folded: str, ctx: str) -> list[tuple[int, int, tuple[_Entry, ...]]]:
        """Split hyphenated adjectives (franco-britannico, US-Russia) into the actors they name."""
        out: list[tuple[int, int, tuple[_Entry, ...]]] = []
        for m in _COMPOUND_RE.finditer(folded):
            entries: list[_Entry] = []
            resolved = 0
            pos = m.start()
            for part in re.split("[" + _HYPHENS + "]", m.group(0)):
                p_start, p_end = pos, pos + len(part)
                pos = p_end + 1
                found = [e for e in self._parts.get(part, ()) if self._accepts(e, text, folded, p_start, p_end, ctx)]
                if not found and part in self._combining:
                    found = [_Entry(a, Alias(part), part) for a in self._combining[part]]
                if found:
                    resolved += 1
                    entries.extend(found)
            if resolved >= 2:
                unique = tuple({e.actor_id: e for e in entries}.values())
                out.append((m.start(), m.end(), unique))
        return out

    def _governs(self, folded: str, start: int, end: int) -> bool:
        if not self._government_words:
            return False
        before = _PREV_WORD_RE.search(folded[max(0, start - _WORD_WINDOW) : start])
        after = _NEXT_WORD_RE.search(folded[end : end + _WORD_WINDOW])
        return bool(
            (before and before.group(1) in self._government_words)
            or (after and after.group(1) in self._government_words)
        )

    def _government_start(self, folded: str, start: int) -> int:
        before = _PREV_WORD_RE.search(folded[max(0, start - _WORD_WINDOW) : start])
        if before and before.group(1) in self._government_words:
            return max(0, start - _WORD_WINDOW) + before.start(1)
        return start


def build_matcher(catalog: Catalog, lang: str) -> ActorMatcher:
    """Build the matcher for articles in `lang` from the whole catalogue."""
    combining = dict(catalog.combining.get(ANY_LANG, {}))
    combining.update(catalog.combining.get(lang, {}))
    gov = catalog.government_words.get(lang, []) + catalog.government_words.get(ANY_LANG, [])
    people = {a.id: a.country for a in catalog.actors.values() if a.type == "person" and a.country}
    return ActorMatcher(catalog.entries(lang), combining, gov, people)


def merge_mentions(*groups: list[Mention]) -> list[Mention]:
    """Merge mention lists, keeping the leftmost-longest span where two overlap."""
    spans = sorted((m for g in groups for m in g), key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    last_end = -1
    last_span = (-1, -1)
    for m in spans:
        if (m.start, m.end) == last_span:  # same span, another actor (a compound)
            out.append(m)
            continue
        if m.start < last_end:
            continue
        out.append(m)
        last_end, last_span = m.end, (m.start, m.end)
    return out
