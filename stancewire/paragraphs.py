"""Split article text into paragraphs whose offsets index the submitted text.

The splitter works on a *view* of the text that has exactly the same length as the input:
HTML tags become whitespace (block tags a newline), entities become their character padded
with spaces, and carriage returns become spaces. Every offset found on the view is therefore an
offset into the text the client sent.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# Short lines without final punctuation are headings (or titles, bylines).
_FINAL_PUNCT = tuple(".!?…;:\"'»”’)]")
_MAX_HEADING_CHARS = 160
_MAX_HEADING_WORDS = 22
_BYLINE_RE = re.compile(
    r"^\s*[-–—•]?\s*(?:di|by|a cura di|from|dal nostro inviato|dalla nostra inviata)\s*:?\s+\S",
    re.IGNORECASE,
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>|<!--.*?-->", re.DOTALL)
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "section",
        "article",
        "header",
        "footer",
        "tr",
        "table",
        "title",
    ]
)
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_HTML_HINT_RE = re.compile(r"</?(?:p|div|br|h[1-6]|li|span|a|b|i|em|strong|blockquote)\b[^<>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    """One scored unit of an article; `start`/`end` index the submitted text."""

    index: int
    start: int
    end: int
    text: str
    heading: str | None = None


def text_view(text: str) -> str:
    """Return a same-length copy of `text` with HTML, entities and CRs neutralised."""
    view = text.replace("\r", " ").replace("\x00", " ")
    if _HTML_HINT_RE.search(view) or _ENTITY_RE.search(view):
        view = _TAG_RE.sub(_blank_tag, view)
        view = _ENTITY_RE.sub(_pad_entity, view)
    return view


def _blank_tag(m: re.Match[str]) -> str:
    n = len(m.group(0))
    if m.group(2) and m.group(2).lower() in _BLOCK_TAGS:
        return "\n" + " " * (n - 1)
    return " " * n


def _pad_entity(m: re.Match[str]) -> str:
    raw = m.group(0)
    char = html.unescape(raw)
    if len(char) != 1:  # unknown entity: leave it as written
        return raw
    return (" " if char in "\xa0" else char) + " " * (len(raw) - 1)


def _is_heading_like(line: str) -> bool:
    s = line.strip()
    return 0 < len(s) <= _MAX_HEADING_CHARS and len(s.split()) <= _MAX_HEADING_WORDS and not s.endswith(_FINAL_PUNCT)


def _norm(s: str) -> str:
    return " ".join(s.split()).casefold()


def split_paragraphs(text: str, title: str | None = None) -> list[Paragraph]:
    """Split article text into paragraphs, attaching headings and dropping titles and bylines."""
    view = text_view(text)
    lines: list[tuple[int, int]] = []  # (start, end) of non-blank lines, blank lines as (-1, -1)
    pos = 0
    for raw in view.split("\n"):
        s, e = pos, pos + len(raw)
        pos = e + 1
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            lines.append((s + lead, s + len(raw.rstrip())))
        elif lines and lines[-1] != (-1, -1):
            lines.append((-1, -1))

    # Group lines into blocks: a blank line ends a block; so does a line with final punctuation
    # or a heading-like line (real articles often use single newlines between paragraphs).
    blocks: list[tuple[int, int, bool]] = []  # (start, end, heading_like)
    cur: list[tuple[int, int]] = []

    def flush() -> None:
        if cur:
            s, e = cur[0][0], cur[-1][1]
            blocks.append((s, e, len(cur) == 1 and _is_heading_like(view[s:e])))
            cur.clear()

    for k, (s, e) in enumerate(lines):
        if s < 0:
            flush()
            continue
        line = view[s:e]
        nxt = lines[k + 1] if k + 1 < len(lines) else (-1, -1)
        # A short line followed, without a blank line, by one starting in lower case is wrapped text.
        wrapped = nxt[0] >= 0 and view[nxt[0]].islower() and not _BYLINE_RE.match(view[nxt[0] : nxt[1]])
        if _is_heading_like(line) and not cur and not wrapped:
            cur.append((s, e))
            flush()
            continue
        cur.append((s, e))
        if line.rstrip().endswith(_FINAL_PUNCT):
            flush()
    flush()

    title_norm = _norm(title) if title else None
    paragraphs: list[Paragraph] = []
    pending_heading: str | None = None
    body_seen = False
    for i, (s, e, heading_like) in enumerate(blocks):
        chunk = view[s:e]
        if heading_like:
            has_body_after = any(not b[2] for b in blocks[i + 1 :])
            if _BYLINE_RE.match(chunk) and not body_seen:
                continue
            if title_norm is None and not body_seen and not paragraphs and pending_heading is None:
                title_norm = _norm(chunk)  # the first short line is the title: not a heading
                if has_body_after:
                    continue
            elif title_norm is not None and _norm(chunk) == title_norm and has_body_after:
                continue  # a repeated title line
            if has_body_after:
                pending_heading = " ".join(chunk.split())
                continue
        body_seen = True
        paragraphs.append(Paragraph(len(paragraphs), s, e, chunk.replace("\n", " "), pending_heading))
        pending_heading = None
    return paragraphs


def paragraphs_from_list(items: list[str], separator: str = "\n\n") -> tuple[str, list[Paragraph]]:
    """Take client-sent paragraphs exactly as sent; offsets index their join with `separator`."""
    out: list[Paragraph] = []
    pos = 0
    for i, item in enumerate(items):
        out.append(Paragraph(i, pos, pos + len(item), text_view(item).replace("\n", " ")))
        pos += len(item) + len(separator)
    return separator.join(items), out


def detect_title(text: str) -> str | None:
    """Return the article's first line when it looks like a title."""
    view = text_view(text)
    pos = 0
    for raw in view.split("\n"):
        line = text[pos : pos + len(raw)].strip()
        pos += len(raw) + 1
        if line:
            return " ".join(line.split()) if _is_heading_like(line) and not _BYLINE_RE.match(line) else None
    return None
