"""Running text → prose paragraphs, with their figures put back in place: what validate reads as
the report's prose (Document.paragraphs).

Page furniture (extract/furniture.py: headers, footers, page numbers) and lines inside tables are
left out, so a sentence broken by a page is one sentence again. In real 决算 PDFs a sentence's
numbers are often a separate text run, set a few points lower: `年初预算为 万元，支出决算为 万` with
`1560.05 1511.89` as its own line. Such filler lines (only numbers, quotes, punctuation) are put
back into the gaps of the prose line they overlap, by position: a filler starting left of its host
fills the gap before it, one ending right of it the gap after it, the rest fill the host's inner
gaps in order.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import regex

_FILLER = regex.compile(r"^[\d.,，%％:：“”\"'‘’\-−\s]+$")
_CJK_SPACE = regex.compile(r"(?<=[^\sA-Za-z0-9])\s+|\s+(?=[^\sA-Za-z0-9])")
_BULLET_GAP = 1.0  # points: a filler this much left of its host starts before it


class Line(Protocol):
    """What is read of an extract.model.TextLine (model imports this module, so this one does not
    import model)."""

    page: int
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    in_table: bool
    furniture: bool


@dataclass(frozen=True)
class Paragraph:
    """Prose joined across lines and pages; a paragraph starts at an indented line."""

    text: str
    pages: tuple[int, ...]  # page of every character of text
    heading: bool = False

    def page_at(self, offset: int) -> int:
        return self.pages[min(max(offset, 0), len(self.pages) - 1)]


def _is_filler(line: Line) -> bool:
    return bool(_FILLER.match(line.text)) and any(ch.strip() for ch in line.text)


def _host(filler: Line, lines: list[Line]) -> Line | None:
    """The prose line a filler was set into: same page, starting above it and overlapping it."""
    best, best_overlap = None, 0.0
    for line in lines:
        if line.page != filler.page or line.top >= filler.top:
            continue
        overlap = min(line.bottom, filler.bottom) - max(line.top, filler.top)
        if overlap > best_overlap and overlap >= 0.3 * (filler.bottom - filler.top):
            best, best_overlap = line, overlap
    return best


def _width(ch: str, size: float) -> float:
    return size if ord(ch) > 0x2000 else 0.5 * size


def _gap_edges(host: Line) -> list[tuple[float, float]]:
    """Estimated (left, right) edge of every inner gap of a host line, measured from its left end
    assuming the gaps before are plain spaces, and from its right end likewise."""
    size = host.size or (host.bottom - host.top) or 12.0
    text = " ".join(host.text.split())
    lefts, x = [], host.x0
    for ch in text:
        if ch == " ":
            lefts.append(x)
        x += _width(ch, size)
    rights, x = [], host.x1
    for ch in reversed(text):
        if ch == " ":
            rights.append(x)
        x -= _width(ch, size)
    return list(zip(lefts, reversed(rights)))


def _fill(host: Line, fillers: list[Line]) -> tuple[str, float]:
    fillers = sorted(fillers, key=lambda f: f.x0)
    tokens: list[str] = [t for f in fillers for t in f.text.split()]
    x0 = min([host.x0] + [f.x0 for f in fillers])
    x1 = max([host.x1] + [f.x1 for f in fillers])
    before = tokens.pop(0) if tokens and x0 < host.x0 - _BULLET_GAP else ""
    after = tokens.pop() if tokens and x1 > host.x1 + _BULLET_GAP else ""
    pieces = host.text.split()
    edges = _gap_edges(host)
    slots: dict[int, str] = {}
    if tokens and len(tokens) < len(edges):
        # More gaps than numbers: anchor the first number by where its run starts, the last by
        # where its run ends; the numbers between fill the gaps between, in order.
        first = min(range(len(edges)), key=lambda i: abs(edges[i][0] - fillers[0].x0))
        last = min(range(len(edges)), key=lambda i: abs(edges[i][1] - fillers[-1].x1))
        span = list(range(first, max(first, last) + 1))
        if len(span) < len(tokens):
            span = list(range(first, min(len(edges), first + len(tokens))))
        chosen = [first] if len(tokens) == 1 else span[:len(tokens) - 1] + span[-1:]
        for i in chosen:
            if tokens:
                slots[i] = tokens.pop(0)
    else:
        for i in range(len(edges)):
            if tokens:
                slots[i] = tokens.pop(0)
    text = pieces[0] if pieces else ""
    for i, piece in enumerate(pieces[1:]):
        text += (f" {slots[i]} " if i in slots else " ") + piece
    if tokens:  # more numbers than gaps: keep them, at the end, rather than lose them
        after = " ".join(tokens + ([after] if after else []))
    return f"{before} {text} {after}".strip(), x0


def rebuild_lines(lines: list[Line]) -> list[tuple[Line, str, float]]:
    """Prose lines (not in tables, not page headers/footers/numbers) with filler runs put back:
    (line, text, left edge). Leaving furniture out re-joins a sentence broken by a page."""
    prose = [l for l in lines if not l.in_table and not l.furniture]
    fillers = [l for l in prose if _is_filler(l)]
    hosts = [l for l in prose if not _is_filler(l)]
    by_host: dict[int, list[Line]] = {}
    orphans = []
    for f in fillers:
        h = _host(f, hosts)
        if h is None:
            orphans.append(f)
        else:
            by_host.setdefault(id(h), []).append(f)
    out = []
    for line in hosts + orphans:
        if id(line) in by_host:
            text, x0 = _fill(line, by_host[id(line)])
        else:
            text, x0 = line.text, line.x0
        out.append((line, _CJK_SPACE.sub("", text), x0))
    out.sort(key=lambda t: (t[0].page, t[0].top, t[2]))
    return out


def paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Rebuilt prose lines joined into paragraphs: a paragraph starts at an indented line."""
    rebuilt = rebuild_lines(lines)
    margins: dict[int, float] = {}
    for line, _, x0 in rebuilt:
        margins[line.page] = min(margins.get(line.page, x0), x0)
    out: list[Paragraph] = []
    text, pages = "", []
    for line, t, x0 in rebuilt:
        size = line.size or (line.bottom - line.top) or 12.0
        indented = x0 >= margins[line.page] + 1.5 * size
        if indented and text:
            out.append(Paragraph(text, tuple(pages)))
            text, pages = "", []
        text += t
        pages += [line.page] * len(t)
    if text:
        out.append(Paragraph(text, tuple(pages)))
    return out
