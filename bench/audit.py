"""Self-audit: a seeded random sample of landed rows beside the crops of their pages.

    .venv/bin/python bench/audit.py --out OUT [--budget 50] [--indicators 30] [--seed 17]

OUT is an ingest output folder (`python -m pipeline ingest PATH... --out OUT`). Rows are drawn from
the landed datasets only (OUT/budget_lines, OUT/indicators; never OUT/quarantine). For each row the
audit renders, from the report's PDF, the table's header band (with the 单位 line above it) and the
row's band, the row's own box outlined in red, and writes under OUT/audit/:

    NN.png        one image per sampled row (header band over row band)
    index.html    the contact sheet: each image beside the landed value, document and page
    sample.csv    the sample with an empty `verdict` column for the reviewer to fill (right/wrong)

Boxes are pdfplumber's: PDF points, origin at the page's top-left, which is what pypdfium2 renders
(page.render gives the page's visible box top-down), so a box maps to pixels by `× scale`.
"""
from __future__ import annotations

import argparse
import html
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
from PIL import Image, ImageDraw


@dataclass(frozen=True)
class AuditSettings:
    n_budget: int = 50
    n_indicators: int = 30
    seed: int = 17
    scale: float = 2.5  # pixels per PDF point: 万元 digits stay legible at ~25 px
    pad: float = 4.0  # points around every band
    unit_band: float = 40.0  # points above a table's first row: where 单位：万元 and captions sit
    max_header: float = 110.0  # points: a header band taller than this is cut (multi-row headers)
    max_width: float = 600.0  # points: wider rows are cut to the part around the box
    indicator_context: float = 260.0  # points from an indicator's header to its row shown whole
    unit_width: float = 260.0  # points: the right end of the unit band shown when rows are cut
    folder: str = "audit"


SETTINGS = AuditSettings()

BUDGET_FIELDS = ("line_label", "measure", "measure_path", "value", "unit", "raw")
INDICATOR_FIELDS = ("level1", "level2", "name", "target_raw", "actual_raw", "weight", "score")
KEYS = ("report_id", "table_id", "row", "page", "x0", "top", "x1", "bottom")


def read_dataset(out: Path, name: str) -> pd.DataFrame:
    """A landed dataset (not quarantine/); an absent or empty one reads as an empty frame."""
    base = out / name
    if not base.is_dir() or not any(base.rglob("*.parquet")):
        return pd.DataFrame()
    return pd.read_parquet(base)


def draw_sample(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """`n` rows at random (all when fewer), in a stable order: the same OUT and seed give the
    same sample whatever order the Parquet files were read in."""
    if frame.empty:
        return frame
    ordered = frame.sort_values(["report_id", "table_id", "row", "page", "x0"], kind="stable")
    ordered = ordered.reset_index(drop=True)
    return ordered.sample(n=min(n, len(ordered)), random_state=seed).reset_index(drop=True)


def show(value) -> str:
    """A landed value as a reviewer reads it: decimals exact with thousands separators."""
    if value is None or (not isinstance(value, (str, Decimal)) and pd.isna(value)):
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _is_number(text: str) -> bool:
    t = str(text).replace(",", "").replace("，", "").strip().lstrip("-").replace("%", "")
    return bool(t) and t.replace(".", "", 1).isdigit()


HEADER_WORDS = ("一级指标", "二级指标", "三级指标", "指标名称")


def table_geometry(cells: pd.DataFrame, row: pd.Series, settings: AuditSettings,
                   dataset: str = "budget_lines") -> dict:
    """Where to cut for one sampled row: the table's left/right edges on the row's page, and the
    header band (page, top, bottom).

    A budget table's header is the rows above the first row that holds a number, on the row's page
    when it reprints them, else on the page the table starts on (where the measure names and the
    unit are printed). An indicator's header is the last 指标 header row above it: self-evaluation
    tables print funding rows first.
    """
    own = cells[cells["table_id"] == row["table_id"]]
    on_page = own[own["page"] == row["page"]]
    x0 = float(on_page["x0"].min()) if len(on_page) else float(row["x0"])
    x1 = float(on_page["x1"].max()) if len(on_page) else float(row["x1"])
    if own.empty:
        return {"x0": x0, "x1": x1, "header": None}
    if dataset == "indicators":
        # by position, not by row number: the last header cell printed above the row
        above = own[(own["page"] < row["page"]) |
                    ((own["page"] == row["page"]) & (own["bottom"] <= float(row["top"]) + 1))]
        marked = above[above["text"].astype(str).map(lambda t: any(w in t for w in HEADER_WORDS))]
        if len(marked):
            last = marked.sort_values(["page", "top"]).iloc[-1]
            return {"x0": x0, "x1": x1, "header": (int(last["page"]), float(last["top"]) - settings.pad,
                                                   float(last["bottom"]))}
    first_page = int(own["page"].min())
    header_page, start, head = _header_rows(own, first_page)
    if int(row["page"]) != first_page:
        _, page_start, page_head = _header_rows(own, int(row["page"]))
        # the row's page reprints the header (the same words, not label-only rows): nearest truth
        if len(page_head) and set(page_head["text"]) & set(head["text"]):
            header_page, start, head = int(row["page"]), page_start, page_head
    top = float(start["top"].min())
    bottom = float(head["bottom"].max()) if len(head) else top
    bottom = min(bottom, top + settings.max_header)
    return {"x0": min(x0, float(start["x0"].min())), "x1": max(x1, float(start["x1"].max())),
            "header": (header_page, max(0.0, top - settings.unit_band), bottom)}


def _header_rows(own: pd.DataFrame, page: int) -> tuple[int, pd.DataFrame, pd.DataFrame]:
    """A table's cells on `page` and those of them above its first row holding a number."""
    start = own[own["page"] == page]
    numeric_rows = start.loc[start["text"].map(_is_number), "row"]
    first_data = int(numeric_rows.min()) if len(numeric_rows) else int(start["row"].max()) + 1
    return page, start, start[start["row"] < first_data]


class Renderer:
    """Pages rendered once each (a sample often hits the same page twice)."""

    def __init__(self, settings: AuditSettings):
        self.settings = settings
        self._docs: dict[str, pdfium.PdfDocument] = {}
        self._pages: dict[tuple[str, int], Image.Image] = {}

    def page(self, path: str, page: int) -> Image.Image:
        key = (path, page)
        if key not in self._pages:
            if path not in self._docs:
                self._docs[path] = pdfium.PdfDocument(path)
            self._pages[key] = self._docs[path][page - 1].render(scale=self.settings.scale).to_pil()
        return self._pages[key]

    def band(self, path: str, page: int, x0: float, top: float, x1: float, bottom: float,
             mark: tuple[float, float, float, float] | None = None) -> Image.Image:
        """The region (points) padded, with `mark` (points) outlined in red."""
        s, p = self.settings.scale, self.settings.pad
        image = self.page(path, page)
        left, upper = max(0, int((x0 - p) * s)), max(0, int((top - p) * s))
        right, lower = min(image.width, int((x1 + p) * s)), min(image.height, int((bottom + p) * s))
        crop = image.crop((left, upper, max(right, left + 1), max(lower, upper + 1))).convert("RGB")
        if mark is not None:
            mx0, mtop, mx1, mbottom = mark
            ImageDraw.Draw(crop).rectangle(
                (mx0 * s - left - 2, mtop * s - upper - 2, mx1 * s - left + 2, mbottom * s - upper + 2),
                outline=(230, 0, 0), width=3)
        return crop


def _stack(images: list[Image.Image], gap: int = 8) -> Image.Image:
    width = max(i.width for i in images)
    sheet = Image.new("RGB", (width, sum(i.height for i in images) + gap * (len(images) - 1)),
                      (200, 200, 200))
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height + gap
    return sheet


def row_image(renderer: Renderer, path: str, row: pd.Series, geometry: dict,
              settings: AuditSettings, dataset: str = "budget_lines") -> Image.Image:
    """Header band of the table (the box's columns outlined) over the row band (the box outlined)."""
    box = (float(row["x0"]), float(row["top"]), float(row["x1"]), float(row["bottom"]))
    x0, x1 = geometry["x0"], geometry["x1"]
    full_x1 = x1
    cut = x1 - x0 > settings.max_width
    if cut:  # keep the box and the row's start (its label) in view
        x1 = max(box[2] + 20, x0 + settings.max_width)
    page = int(row["page"])
    bands = []
    if geometry["header"] is not None:
        hpage, htop, hbottom = geometry["header"]
        if cut and full_x1 > x1:  # the 单位 line sits at the right, over the part cut off
            bands.append(renderer.band(path, hpage, max(x1, full_x1 - settings.unit_width), htop,
                                       full_x1, htop + settings.unit_band))
        context = settings.indicator_context if dataset == "indicators" else 0.0
        if hpage == page and 0 <= box[1] - hbottom <= context:
            # header and row close on one page: one band, so merged level cells above show too
            bands.append(renderer.band(path, page, x0, htop, x1, box[3], mark=box))
            return _stack(bands)
        if not (hpage == page and hbottom >= box[1]):  # the header is not the row itself
            bands.append(renderer.band(path, hpage, x0, htop, x1, hbottom,
                                       mark=(box[0], htop + settings.pad, box[2], hbottom)))
    bands.append(renderer.band(path, page, x0, box[1], x1, box[3], mark=box))
    return _stack(bands)


def build(out: Path, settings: AuditSettings = SETTINGS) -> pd.DataFrame:
    """Draw the sample, render its images and write the sheet and CSV; returns the sample."""
    reports = read_dataset(out, "reports")
    cells = read_dataset(out, "cells")
    paths = dict(zip(reports["report_id"], reports["source_path"])) if len(reports) else {}
    names = {rid: Path(p).name for rid, p in paths.items()}
    parts = []
    for dataset, n, fields in (("budget_lines", settings.n_budget, BUDGET_FIELDS),
                               ("indicators", settings.n_indicators, INDICATOR_FIELDS)):
        sample = draw_sample(read_dataset(out, dataset), n, settings.seed)
        if sample.empty:
            continue
        columns = [c for c in KEYS + fields if c in sample.columns]
        sample = sample[columns].copy()
        sample.insert(0, "dataset", dataset)
        parts.append(sample)
    if not parts:
        raise SystemExit(f"{out}: no landed budget_lines or indicators to audit")
    sample = pd.concat(parts, ignore_index=True)
    sample.insert(0, "n", range(1, len(sample) + 1))
    sample.insert(2, "document", sample["report_id"].map(names))
    folder = out / settings.folder
    folder.mkdir(parents=True, exist_ok=True)
    renderer = Renderer(settings)
    images = []
    for _, row in sample.iterrows():
        path = str(_resolve(paths[row["report_id"]], out))
        own = cells[(cells["report_id"] == row["report_id"])] if len(cells) else cells
        geometry = table_geometry(own, row, settings, row["dataset"])
        image = row_image(renderer, path, row, geometry, settings, row["dataset"])
        name = f"{int(row['n']):02d}.png"
        image.save(folder / name)
        images.append(name)
    sample["image"] = images
    sample["verdict"] = ""
    sample["note"] = ""
    written = sample.copy()
    if "value" in written:
        written["value"] = written["value"].map(lambda v: "" if v is None or v is pd.NA else str(v))
    written.to_csv(folder / "sample.csv", index=False)
    (folder / "index.html").write_text(sheet_html(sample, out), encoding="utf-8")
    return sample


def _resolve(source_path: str, out: Path) -> Path:
    """source_path is as given on the command line: relative to where ingest ran, which we do not
    know; try it as is, then relative to the output folder's parent and to this checkout."""
    candidate = Path(source_path)
    for base in (Path.cwd(), out.resolve().parent, Path(__file__).resolve().parents[1]):
        if (base / candidate).is_file():
            return base / candidate
    raise FileNotFoundError(source_path)


def sheet_html(sample: pd.DataFrame, out: Path) -> str:
    """One table row per sampled row: the image beside the landed fields."""
    rows = []
    for _, row in sample.iterrows():
        fields = BUDGET_FIELDS if row["dataset"] == "budget_lines" else INDICATOR_FIELDS
        values = "".join(f"<tr><th>{f}</th><td>{html.escape(show(row.get(f)))}</td></tr>"
                         for f in fields)
        where = html.escape(f"{row['document']} p.{int(row['page'])} · {row['table_id']} row {row['row']}")
        rows.append(f"<tr><td class=n>{int(row['n'])}<br><small>{row['dataset']}</small></td>"
                    f"<td><img src='{row['image']}'></td>"
                    f"<td><table class=f>{values}</table><p class=w>{where}</p></td></tr>")
    return ("<!doctype html><meta charset=utf-8><title>audit of " + html.escape(str(out)) +
            "</title><style>body{font:14px sans-serif}td{vertical-align:top;border-bottom:1px solid #ccc;"
            "padding:6px}img{max-width:900px}.f th{text-align:right;color:#666;padding-right:8px}"
            ".f td{border:0;padding:1px;font-size:16px}.w{color:#666}.n{font-size:20px}</style>"
            f"<h1>Audit of {html.escape(str(out))}: {len(sample)} rows</h1>"
            "<p>Red: the row's box. Above it, the table's header and 单位 line. Right when the value "
            "and its meaning match the page (万元 × 10,000 = yuan).</p><table>" + "".join(rows) +
            "</table>")


FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def label(row: pd.Series) -> str:
    fields = BUDGET_FIELDS if row["dataset"] == "budget_lines" else INDICATOR_FIELDS
    values = " | ".join(f"{f}={show(row.get(f))}" for f in fields)
    return f"#{int(row['n'])} {row['document']} p.{int(row['page'])}\n{values}"


def review_sheets(sample: pd.DataFrame, folder: Path, per: int = 6, width: int = 1500) -> list[Path]:
    """Sheets of `per` images, each under its number and landed value, for a quick look at a few
    at once (an image viewer rather than the browser)."""
    from PIL import ImageFont
    font_path = next((f for f in FONTS if Path(f).is_file()), None)
    font = ImageFont.truetype(font_path, 22) if font_path else ImageFont.load_default()
    written = []
    for start in range(0, len(sample), per):
        tiles = []
        for _, row in sample.iloc[start:start + per].iterrows():
            image = Image.open(folder / row["image"]).convert("RGB")
            if image.width > width:
                image = image.resize((width, int(image.height * width / image.width)))
            text = label(row)
            head = Image.new("RGB", (width, 30 * (text.count("\n") + 1) + 6), (255, 255, 210))
            ImageDraw.Draw(head).multiline_text((6, 3), text, fill=(0, 0, 120), font=font, spacing=6)
            tiles.append(_stack([head, image], gap=0))
        path = folder / f"review-{start // per + 1:02d}.png"
        _stack(tiles, gap=14).save(path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--budget", type=int, default=SETTINGS.n_budget)
    parser.add_argument("--indicators", type=int, default=SETTINGS.n_indicators)
    parser.add_argument("--seed", type=int, default=SETTINGS.seed)
    parser.add_argument("--sheets", type=int, default=0, metavar="PER",
                        help="also write review-NN.png sheets of PER labelled images each")
    args = parser.parse_args(argv)
    settings = AuditSettings(n_budget=args.budget, n_indicators=args.indicators, seed=args.seed)
    sample = build(args.out, settings)
    if args.sheets:
        review_sheets(sample, args.out / settings.folder, per=args.sheets)
    counts = sample["dataset"].value_counts().to_dict()
    print(f"{args.out / settings.folder / 'index.html'}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
