"""Turn labelled files into training examples: the project corpus, NewsMTSC and a generic format.

Generic format (JSONL, or CSV with a header), one row per (text, target):
    text     the paragraph or sentence
    label    negative | neutral | positive (or -1 / 0 / 1)
    target   the mention string (its first occurrence is the target), or
    start, end  character offsets of the target in text
    lang     ISO 639-1 code (default: en)
    group    optional id of the paragraph, to group rows that share a text
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stancewire.features import Pair
from training.corpus import LABELS, CorpusError, iter_jsonl, read_corpus

NEWSMTSC_LABELS = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
_NUMERIC_LABELS = {"-1": "negative", "0": "neutral", "1": "positive"}


@dataclass(frozen=True)
class Example:
    """One (paragraph, target) with its stance label."""

    pair: Pair
    label: str
    group: str  # paragraph id: splits never cut a paragraph
    source: str
    differing: bool = False
    actor: str = ""  # the actor's id, where the data names it


@dataclass(frozen=True)
class SentimentExample:
    text: str
    lang: str
    label: str
    group: str


def split_of(paragraph_id: str) -> str:
    """Assign a paragraph to train (70%), dev (15%) or test (15%) by a stable hash of its id."""
    bucket = int(hashlib.sha256(paragraph_id.encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), text)]


def corpus_examples(paths: list[Path]) -> tuple[list[Example], list[SentimentExample], dict[str, str]]:
    """Read project corpus files; return stance examples, sentiment examples and each paragraph's split."""
    stance: list[Example] = []
    sentiment: list[SentimentExample] = []
    splits: dict[str, str] = {}
    for para in read_corpus(paths):
        splits[para.id] = para.split or split_of(para.id)
        spans = {a.id: sorted({s for m in a.mentions for s in _spans(para.text, m)}) for a in para.actors}
        for actor in para.actors:
            target = tuple(spans[actor.id])
            others = tuple(s for aid, ss in spans.items() if aid != actor.id for s in ss)
            stance.append(
                Example(
                    Pair(para.text, para.lang, target, others),
                    actor.stance,
                    para.id,
                    "corpus",
                    para.differing,
                    actor.id,
                )
            )
        sentiment.append(SentimentExample(para.text, para.lang, para.sentiment, para.id))
    return stance, sentiment, splits


def newsmtsc_examples(path: Path) -> list[Example]:
    """Read a NewsMTSC JSONL file (train or devtest) into examples; its text stays outside the repo."""
    out: list[Example] = []
    for n, row in iter_jsonl(path):
        try:
            text = row["sentence_normalized"]
            targets = row["targets"]
            spans_all = [
                [(t["from"], t["to"])] + [(f["from"], f["to"]) for f in t.get("further_mentions", [])] for t in targets
            ]
            labels = [NEWSMTSC_LABELS[float(t["polarity"])] for t in targets]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise CorpusError(path, n, f"not a NewsMTSC row: {exc}") from None
        differing = len(set(labels)) > 1
        for i, label in enumerate(labels):
            others = tuple(s for j, ss in enumerate(spans_all) if j != i for s in ss)
            out.append(
                Example(
                    Pair(text, "en", tuple(spans_all[i]), others),
                    label,
                    f"newsmtsc:{row.get('primary_gid', n)}",
                    "newsmtsc",
                    differing,
                )
            )
    return out


def _generic_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            for n, row in enumerate(csv.DictReader(fh), 2):
                yield n, row
        return
    for n, row in iter_jsonl(path):
        if not isinstance(row, dict):
            raise CorpusError(path, n, "row is not a JSON object")
        yield n, row


def generic_examples(path: Path) -> list[Example]:
    """Read the generic JSONL/CSV format (see the module docstring)."""
    rows: list[tuple[int, dict[str, str]]] = list(_generic_rows(path))
    out: list[Example] = []
    for n, row in rows:
        text = row.get("text")
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(path, n, "'text' is missing or empty")
        label = str(row.get("label", "")).strip().lower()
        label = _NUMERIC_LABELS.get(label, label)
        if label not in LABELS:
            raise CorpusError(path, n, f"'label' must be one of {LABELS} or -1/0/1, got {row.get('label')!r}")
        if row.get("start") not in (None, "") and row.get("end") not in (None, ""):
            try:
                start, end = int(row["start"]), int(row["end"])
            except ValueError:
                raise CorpusError(path, n, "'start' and 'end' must be integers") from None
            if not 0 <= start < end <= len(text):
                raise CorpusError(path, n, f"target offsets {start}:{end} are outside the text")
            spans = [(start, end)]
        else:
            target = row.get("target")
            if not isinstance(target, str) or not target:
                raise CorpusError(path, n, "give the target as 'target' (a mention) or 'start'/'end'")
            spans = _spans(text, target)
            if not spans:
                raise CorpusError(path, n, f"target {target!r} does not occur in text")
        lang = str(row.get("lang") or "en")
        group = str(row.get("group") or f"{path.name}:{n}")
        out.append(Example(Pair(text, lang, tuple(spans)), label, group, path.name))
    return out


def load_labelled(path: Path) -> tuple[list[Example], list[SentimentExample]]:
    """Read any supported labelled file, recognising its format from its first row."""
    with open(path, encoding="utf-8") as fh:
        first = fh.readline()
    if path.suffix.lower() != ".csv":
        try:
            head = json.loads(first) if first.strip() else {}
        except json.JSONDecodeError as exc:
            raise CorpusError(path, 1, f"invalid JSON: {exc.msg}") from None
        if isinstance(head, dict) and "sentence_normalized" in head:
            return newsmtsc_examples(path), []
        if isinstance(head, dict) and "actors" in head:
            stance, sentiment, _ = corpus_examples([path])
            return stance, sentiment
    return generic_examples(path), []
