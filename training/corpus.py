"""Load, validate and summarise the labelled corpus (see training/ANNOTATION.md).

Usage:
    python -m training.corpus check FILE...   validate files, print a summary
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("negative", "neutral", "positive")
ACTOR_TYPES = ("country", "organization", "person", "company", "group")
ID_RE = re.compile(r"^(?:[A-Z][A-Z0-9]{1,14}|[a-z0-9]+(?:-[a-z0-9]+)*)$")


class CorpusError(ValueError):
    """A corpus row that does not follow the format, with its file and line."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = str(path), line, message


@dataclass(frozen=True)
class ActorLabel:
    id: str
    type: str
    mentions: tuple[str, ...]
    stance: str


@dataclass(frozen=True)
class Paragraph:
    id: str
    lang: str
    topic: str
    text: str
    sentiment: str
    actors: tuple[ActorLabel, ...]
    phenomena: tuple[str, ...] = field(default=())
    split: str | None = None
    source: str = ""

    @property
    def differing(self) -> bool:
        """Tell whether two or more actors of this paragraph have different stances."""
        return len({a.stance for a in self.actors}) > 1


def parse_row(obj: object, path: str | Path, line: int) -> Paragraph:
    """Turn one decoded JSON object into a Paragraph, or raise CorpusError."""

    def fail(msg: str) -> CorpusError:
        return CorpusError(path, line, msg)

    if not isinstance(obj, dict):
        raise fail("row is not a JSON object")
    for key in ("id", "lang", "text", "sentiment", "actors"):
        if key not in obj:
            raise fail(f"missing field {key!r}")
    text = obj["text"]
    if not isinstance(text, str) or not text.strip():
        raise fail("'text' must be a non-empty string")
    if obj["sentiment"] not in LABELS:
        raise fail(f"'sentiment' must be one of {LABELS}, got {obj['sentiment']!r}")
    if not isinstance(obj["actors"], list) or not obj["actors"]:
        raise fail("'actors' must be a non-empty list")
    actors: list[ActorLabel] = []
    seen: set[str] = set()
    for i, a in enumerate(obj["actors"]):
        where = f"actors[{i}]"
        if not isinstance(a, dict):
            raise fail(f"{where} is not an object")
        aid = a.get("id")
        if not isinstance(aid, str) or not ID_RE.match(aid):
            raise fail(f"{where}.id {aid!r} is not an ISO alpha-3 code, acronym or lowercase slug")
        if aid in seen:
            raise fail(f"{where}.id {aid!r} appears twice; merge its mentions")
        seen.add(aid)
        if a.get("stance") not in LABELS:
            raise fail(f"{where}.stance must be one of {LABELS}, got {a.get('stance')!r}")
        atype = a.get("type", "country" if re.fullmatch(r"[A-Z]{3}", aid) else "organization")
        if atype not in ACTOR_TYPES:
            raise fail(f"{where}.type must be one of {ACTOR_TYPES}, got {atype!r}")
        mentions = a.get("mentions")
        if not isinstance(mentions, list) or not mentions or not all(isinstance(m, str) and m for m in mentions):
            raise fail(f"{where}.mentions must be a non-empty list of strings")
        for m in mentions:
            if m not in text:
                raise fail(f"{where}: mention {m!r} does not occur verbatim in text")
        actors.append(ActorLabel(aid, atype, tuple(mentions), a["stance"]))
    return Paragraph(
        id=str(obj["id"]),
        lang=str(obj["lang"]),
        topic=str(obj.get("topic", "")),
        text=text,
        sentiment=obj["sentiment"],
        actors=tuple(actors),
        phenomena=tuple(obj.get("phenomena", ())),
        split=obj.get("split"),
        source=str(path),
    )


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, object]]:
    """Yield (line number, decoded object) for the non-blank lines of a JSONL file."""
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                yield n, json.loads(raw)
            except json.JSONDecodeError as exc:
                raise CorpusError(path, n, f"invalid JSON: {exc.msg} at column {exc.colno}") from None


def read_corpus(paths: Iterable[str | Path]) -> Iterator[Paragraph]:
    """Yield the paragraphs of JSONL corpus files, raising CorpusError on a bad row."""
    for path in paths:
        for n, obj in iter_jsonl(path):
            yield parse_row(obj, path, n)


def summarise(paragraphs: list[Paragraph]) -> dict[str, object]:
    """Count paragraphs, labels, languages, topics and differing-stance paragraphs."""
    stances = Counter(a.stance for p in paragraphs for a in p.actors)
    n_labels = sum(stances.values()) or 1
    return {
        "paragraphs": len(paragraphs),
        "actor_labels": sum(stances.values()),
        "by_language": dict(Counter(p.lang for p in paragraphs)),
        "stance_share": {k: round(stances[k] / n_labels, 3) for k in LABELS},
        "sentiment": dict(Counter(p.sentiment for p in paragraphs)),
        "differing_share": round(sum(p.differing for p in paragraphs) / max(len(paragraphs), 1), 3),
        "topics": len({p.topic for p in paragraphs}),
        "duplicate_ids": [k for k, v in Counter(p.id for p in paragraphs).items() if v > 1],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.corpus")
    sub = parser.add_subparsers(dest="cmd", required=True)
    check = sub.add_parser("check", help="validate corpus files and print a summary")
    check.add_argument("files", nargs="+")
    args = parser.parse_args(argv)
    try:
        paragraphs = list(read_corpus(args.files))
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summarise(paragraphs), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
