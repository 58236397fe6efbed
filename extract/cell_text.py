"""Text from glyphs: group glyphs into lines, lines into cell text, and repair PDF artefacts.

Artefacts repaired: letter-spaced CJK (`敬 老 院` → `敬老院`), line breaks inside a cell, and
fake-bold glyphs printed twice (removed per page by `dedupe_chars`).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import regex

# Han characters plus CJK punctuation and full-width forms: spaces between two of these are layout,
# not words. Latin letters and digits keep their spaces.
_CJK = r"[\p{Han}\u3000-\u303f\uff00-\uffef\u2018\u2019\u201c\u201d\u2026\u2014]"
_CJK_SPACE = regex.compile(rf"(?<={_CJK})\s+(?={_CJK})")
_SPACE_BESIDE_CJK = regex.compile(rf"\s+(?={_CJK})|(?<={_CJK})\s+")
_CJK_CHAR = regex.compile(_CJK)
_SPACES = regex.compile(r"\s+")

Char = dict  # a pdfplumber char: text, x0, x1, top, bottom, size, ...


def dedupe_chars(chars: Sequence[Char], tolerance: float) -> list[Char]:
    """Drop a glyph that repeats an earlier one's text within `tolerance` points (fake bold).

    pdfplumber's Page.dedupe_chars does the same but finishes with `sorted(..., key=chars.index)`:
    quadratic, and one uninterruptible C call, so a page of 30,000 glyphs holds the report past
    its time limit. Bucketing glyphs on a grid of 2 × `tolerance` keeps this linear: a repeat is
    in a glyph's own cell or the next one on the side of the cell's middle it falls, so four
    lookups a glyph.
    """
    if _no_repeats(chars, max(2 * tolerance, 1.0)):
        return list(chars)  # most pages: no glyph has a twin of its text nearby, nothing to drop
    kept: list[Char] = []
    seen: dict[tuple[str, int, int], list[Char]] = {}
    cell = max(2 * tolerance, 1.0)
    half = cell / 2
    for ch in chars:
        text, x0, top = ch["text"], ch["x0"], ch["top"]
        kx, ky = int(x0 // cell), int(top // cell)
        nx = kx - 1 if x0 - kx * cell < half else kx + 1
        ny = ky - 1 if top - ky * cell < half else ky + 1
        if not any(abs(o["x0"] - x0) <= tolerance and abs(o["top"] - top) <= tolerance
                   for key in ((text, kx, ky), (text, nx, ky), (text, kx, ny), (text, nx, ny))
                   for o in seen.get(key, ())):
            kept.append(ch)
            seen.setdefault((text, kx, ky), []).append(ch)
    return kept


def _no_repeats(chars: Sequence[Char], cell: float) -> bool:
    """True when no two glyphs of the same text lie in the same or neighbouring cells of a grid of
    `cell` points (a repeat within the tolerance, at most half a cell, always does): then
    dedupe_chars keeps every glyph. Array operations over the page, so the common page costs a
    few vector passes instead of four dict lookups a glyph. False (check glyph by glyph) when it
    cannot tell: texts of more than one character, coordinates off any sane page."""
    n = len(chars)
    if n < 2:
        return True
    try:
        codes = np.fromiter((ord(ch["text"]) for ch in chars), dtype=np.int64, count=n)
    except TypeError:  # a text of two characters (a ligature) or none
        return False
    x = np.fromiter((ch["x0"] for ch in chars), dtype=np.float64, count=n)
    y = np.fromiter((ch["top"] for ch in chars), dtype=np.float64, count=n)
    kx, ky = np.floor(x / cell), np.floor(y / cell)
    if not (np.isfinite(kx).all() and np.isfinite(ky).all()) or \
            min(kx.min(), ky.min()) < -4000 or max(kx.max(), ky.max()) > 4000:
        return False
    keys = (codes << 26) | ((kx.astype(np.int64) + 4096) << 13) | (ky.astype(np.int64) + 4096)
    keys.sort()
    if (keys[1:] == keys[:-1]).any():
        return False  # two of one text in one cell
    # a glyph of the same text in a neighbouring cell: one of the pair is the other's neighbour
    # right, below, below right or above right, so four of the eight directions are enough
    for dx, dy in ((1, 0), (0, 1), (1, 1), (1, -1)):
        shifted = keys + ((dx << 13) + dy)
        at = np.minimum(np.searchsorted(keys, shifted), n - 1)
        if (keys[at] == shifted).any():
            return False
    return True


def is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.fullmatch(ch) is not None


def repair(text: str) -> str:
    """Collapse whitespace and drop spaces between two CJK characters."""
    text = _SPACES.sub(" ", text).strip()
    return _CJK_SPACE.sub("", text)


def tighten(text: str) -> str:
    """No space beside a CJK character: `完成 600 人次` → `完成600人次`; `≥ 90 %` keeps its spaces.

    Print does not show such a space: typesetters put about ¼ em between Han and digits or Latin
    letters by themselves, typed space or not (LibreOffice even drops a typed one where it wraps).
    So text layers, typists and scans disagree on it at random, and values are compared without it.
    """
    return _SPACE_BESIDE_CJK.sub("", text)


def group_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Glyphs → lines, top to bottom, each line sorted left to right.

    A glyph joins a line when its vertical middle falls inside the band of the line's first glyph.
    This keeps Latin digits that sit a few points lower than the Han text (common in Chinese
    PDFs: `2024` beside `年度`) on the same line, where a plain `top` tolerance splits them off.
    """
    ordered = sorted(((ch["top"] + ch["bottom"]) / 2, ch["x0"], k, ch) for k, ch in enumerate(chars))
    lines: list[list[Char]] = []
    bands: list[tuple[float, float]] = []
    for mid, _, _, ch in ordered:
        if bands and bands[-1][0] <= mid <= bands[-1][1]:  # the last line: the loop below's first test
            lines[-1].append(ch)
            continue
        for band, line in zip(reversed(bands), reversed(lines)):
            if band[0] <= mid <= band[1]:
                line.append(ch)
                break
            if band[1] < mid - 50:  # bands come in order of their middles; older ones are further up
                lines.append([ch])
                bands.append((ch["top"], ch["bottom"]))
                break
        else:
            lines.append([ch])
            bands.append((ch["top"], ch["bottom"]))
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    order = sorted(range(len(lines)), key=lambda i: bands[i][0])
    return [lines[i] for i in order]


_PUNCT = frozenset("()（）[]【】,，.。:：;；、%％")


def _overlap(ch: Char, band: tuple[float, float]) -> float:
    return min(ch["bottom"], band[1]) - max(ch["top"], band[0])


def cell_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """The lines of one cell. Punctuation never starts a line of its own: a `(` of another font
    set 7.75 pt lower than the Han text beside it (重庆) joins the line it belongs to, even where
    the text wraps right after it and its box overlaps the next line more. Which line: the one it
    overlaps, or among two, the one at the offset the cell's unambiguous punctuation shows."""
    chars = list(chars)
    lines = group_lines([c for c in chars if c["text"] not in _PUNCT])
    punct = [c for c in chars if c["text"] in _PUNCT]
    if not punct:
        return lines
    if len(lines) == 1:  # one line (most cells): a punctuation mark joins it if it overlaps it
        return _one_line(lines[0], punct)
    bands = [(min(c["top"] for c in line), max(c["bottom"] for c in line)) for line in lines]
    tops = [top for top, _ in bands]
    touching = {id(ch): [i for i, band in enumerate(bands) if _overlap(ch, band) > 0] for ch in punct}
    offsets = sorted(ch["top"] - tops[t[0]] for ch in punct if len(t := touching[id(ch)]) == 1)
    offset = offsets[len(offsets) // 2] if offsets else None
    loose = []
    for ch in punct:
        cands = touching[id(ch)]
        if not cands:
            loose.append(ch)
            continue
        if len(cands) > 1 and offset is not None:
            best = min(cands, key=lambda i: abs(ch["top"] - tops[i] - offset))
        else:
            best = max(cands, key=lambda i: _overlap(ch, bands[i]))
        lines[best].append(ch)
        bands[best] = (min(bands[best][0], ch["top"]), max(bands[best][1], ch["bottom"]))
    if loose:
        lines = sorted(lines + group_lines(loose), key=lambda line: min(c["top"] for c in line))
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _one_line(line: list[Char], punct: list[Char]) -> list[list[Char]]:
    """cell_lines where the glyphs other than punctuation form one line: each mark that overlaps
    the line's band joins it, the others make lines of their own (what the general case does
    with a single band: no offsets to weigh)."""
    band = (min(c["top"] for c in line), max(c["bottom"] for c in line))
    loose = []
    for ch in punct:
        if _overlap(ch, band) > 0:
            line.append(ch)
        else:
            loose.append(ch)
    lines = [line]
    if loose:
        lines = sorted(lines + group_lines(loose), key=lambda ln: min(c["top"] for c in ln))
    for ln in lines:
        ln.sort(key=lambda c: c["x0"])
    return lines


def split_line(line: Sequence[Char], gap: float) -> list[list[Char]]:
    """Cut one line (sorted left to right) wherever two glyphs are more than `gap` apart."""
    parts: list[list[Char]] = []
    for ch in line:
        if parts and ch["x0"] - parts[-1][-1]["x1"] <= gap:
            parts[-1].append(ch)
        else:
            parts.append([ch])
    return parts


def line_text(line: Sequence[Char], space_gap: float, strip: bool = True) -> str:
    """Glyphs of one line, left to right, with a space where the gap is wider than `space_gap`.

    With `strip=False` a space glyph at either end is kept (as one space): it tells a word
    wrap (`110 ` / `人`) from a number cut by the cell edge (`2` / `0`).
    """
    out: list[str] = []
    prev = None
    for ch in line:
        if prev is not None and ch["x0"] - prev["x1"] > space_gap:
            out.append(" ")
        out.append(ch["text"])
        prev = ch
    text = "".join(out)
    if strip:
        return repair(text)
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() and text.strip() else ""
    return lead + repair(text) + trail


def _ascii_letter(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def join_lines(texts: Iterable[str]) -> str:
    """Lines of one cell → one string.

    A space glyph at the break is kept; two Latin letters meeting get a space (a word wrap in a
    PDF without space glyphs); anything else joins directly: CJK wraps anywhere, and a number cut
    by the cell edge (`2` / `0`) is one number.
    """
    out = ""
    for t in texts:
        if not t.strip():
            out += t
            continue
        if out and not out[-1].isspace() and not t[0].isspace() and _ascii_letter(out[-1]) and _ascii_letter(t[0]):
            out += " "
        out += t
    return repair(out)


def cell_text(chars: Iterable[Char], space_gap: float) -> str:
    return join_lines(line_text(line, space_gap, strip=False) for line in cell_lines(chars))


def dominant_size(chars: Sequence[Char]) -> float:
    """The font size most glyphs of a line use (headings are bigger than prose)."""
    raw: dict = {}
    for ch in chars:  # the glyphs of one text object share one size: round each distinct size once
        size = ch.get("size", 0.0)
        raw[size] = raw.get(size, 0) + 1
    counts: dict[float, int] = {}
    for size, n in raw.items():
        size = round(float(size), 1)
        counts[size] = counts.get(size, 0) + n
    return max(counts, key=lambda s: (counts[s], s)) if counts else 0.0
