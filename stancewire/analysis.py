"""Analyse one article: paragraphs, language, actors, stance per (paragraph, actor), summary."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .actors import ActorMatcher, Mention, build_matcher, fold, merge_mentions
from .catalog import Catalog, merge_actors
from .features import Pair
from .language import detect_language
from .paragraphs import Paragraph, paragraphs_from_list, split_paragraphs, text_view
from .scoring import LABELS, StanceModel

ProgressFn = Callable[[int, int], None]
ContinueFn = Callable[[], bool]


class Cancelled(Exception):
    """The job was cancelled between two chunks of paragraphs."""


@dataclass(frozen=True)
class ActorInfo:
    id: str
    name: str
    type: str


def article_paragraphs(article: Mapping[str, Any]) -> tuple[str, list[Paragraph]]:
    """Return the article text the offsets index, and its paragraphs."""
    if article.get("paragraphs") is not None:
        return paragraphs_from_list(list(article["paragraphs"]))
    text = str(article.get("text") or "")
    return text, split_paragraphs(text, article.get("title"))


class Analyzer:
    """Hold a catalogue and a model; analyse articles. Matchers are built once per language."""

    def __init__(self, catalog: Catalog, model: StanceModel, chunk_paragraphs: int = 64) -> None:
        self.catalog = catalog
        self.model = model
        self.chunk_paragraphs = chunk_paragraphs
        self._matchers: dict[str, ActorMatcher] = {}

    def matcher(self, lang: str) -> ActorMatcher:
        if lang not in self._matchers:
            self._matchers[lang] = build_matcher(self.catalog, lang)
        return self._matchers[lang]

    def analyze(
        self,
        article: Mapping[str, Any],
        custom_actors: Sequence[Mapping[str, Any]] = (),
        use_catalog: bool = True,
        should_continue: ContinueFn | None = None,
        on_progress: ProgressFn | None = None,
    ) -> dict[str, Any]:
        """Return the result for one article (see the API's result schema)."""
        text, paragraphs = article_paragraphs(article)
        language = article.get("language") or detect_language(" ".join(p.text for p in paragraphs[:20]))
        custom = Catalog(actors={})
        if custom_actors:
            merge_actors(custom, custom_actors, source="actors")
        matchers = ([self.matcher(language)] if use_catalog else []) + (
            [build_matcher(custom, language)] if custom_actors else []
        )
        context = fold(text_view(text))
        info = self._actor_info(custom)

        out_paragraphs: list[dict[str, Any]] = []
        total = len(paragraphs)
        for c0 in range(0, total, self.chunk_paragraphs):
            if should_continue is not None and not should_continue():
                raise Cancelled()
            chunk = paragraphs[c0 : c0 + self.chunk_paragraphs]
            out_paragraphs.extend(self._score_chunk(chunk, language, matchers, context, info))
            if on_progress is not None:
                on_progress(min(c0 + len(chunk), total), total)
        result: dict[str, Any] = {
            "language": language,
            "paragraphs": out_paragraphs,
            "actors": summarise_actors(out_paragraphs),
        }
        for key in ("id", "title"):
            if article.get(key) is not None:
                result[key] = article[key]
        return result

    def _score_chunk(
        self,
        chunk: Sequence[Paragraph],
        language: str,
        matchers: Sequence[ActorMatcher],
        context: str,
        info: Callable[[str], ActorInfo],
    ) -> list[dict[str, Any]]:
        pairs: list[Pair] = []
        slots: list[tuple[int, str, list[Mention]]] = []
        for k, para in enumerate(chunk):
            mentions = merge_mentions(*(m.find(para.text, context) for m in matchers))
            by_actor: dict[str, list[Mention]] = {}
            for m in mentions:
                by_actor.setdefault(m.actor_id, []).append(m)
            for actor_id, ms in by_actor.items():
                target = tuple((m.start, m.end) for m in ms)
                others = tuple((m.start, m.end) for m in mentions if m.actor_id != actor_id)
                pairs.append(Pair(para.text, language, target, others))
                slots.append((k, actor_id, ms))
        stances = self.model.score_pairs(pairs)
        sentiments = self.model.score_paragraphs([(p.text, language) for p in chunk])
        out = []
        for para, sentiment in zip(chunk, sentiments, strict=True):
            entry: dict[str, Any] = {"index": para.index, "start": para.start, "end": para.end}
            if para.heading:
                entry["heading"] = para.heading
            entry["sentiment"] = sentiment.as_dict()
            entry["actors"] = []
            out.append(entry)
        for (k, actor_id, ms), stance in zip(slots, stances, strict=True):
            para = chunk[k]
            actor = info(actor_id)
            out[k]["actors"].append(
                {
                    "id": actor.id,
                    "name": actor.name,
                    "type": actor.type,
                    "mentions": [
                        {"text": m.text, "start": para.start + m.start, "end": para.start + m.end} for m in ms
                    ],
                    "stance": stance.as_dict(),
                }
            )
        return out

    def _actor_info(self, custom: Catalog) -> Callable[[str], ActorInfo]:
        def info(actor_id: str) -> ActorInfo:
            actor = custom.get(actor_id) or self.catalog.get(actor_id)
            if actor is None:
                return ActorInfo(actor_id, actor_id, "group")
            return ActorInfo(actor.id, actor.name, actor.type)

        return info


def summarise_actors(paragraphs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Summarise each actor over the article: mean probabilities, label counts, mentions."""
    acc: dict[str, dict[str, Any]] = {}
    for para in paragraphs:
        for a in para["actors"]:
            item = acc.setdefault(
                a["id"],
                {
                    "id": a["id"],
                    "name": a["name"],
                    "type": a["type"],
                    "paragraphs": [],
                    "mentions": 0,
                    "_probs": [],
                    "_labels": [],
                },
            )
            item["paragraphs"].append(para["index"])
            item["mentions"] += len(a["mentions"])
            item["_probs"].append(a["stance"]["probabilities"])
            item["_labels"].append(a["stance"]["label"])
    out = []
    for item in acc.values():
        probs = item.pop("_probs")
        labels = item.pop("_labels")
        mean = {k: sum(p[k] for p in probs) / len(probs) for k in LABELS}
        item["stance"] = {
            "label": max(LABELS, key=lambda k: mean[k]),
            "score": round(mean["positive"] - mean["negative"], 4),
            "probabilities": {k: round(v, 4) for k, v in mean.items()},
            "distribution": {k: labels.count(k) for k in LABELS},
        }
        out.append(item)
    out.sort(key=lambda a: (-len(a["paragraphs"]), a["id"]))
    return out
