"""extract/lattice.py finds tables on arrays; it must give pdfplumber's lines-strategy boxes
exactly (same floats, same order), on every page of the corpus and the samples and on random
jittered grids with broken, doubled and stray rules."""
import random
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest

from conftest import CORPUS
from extract import lattice, ruled
from extract.pdfium import rules as fast_rules
from extract.settings import DEFAULT, ExtractSettings

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PDFS = sorted([*CORPUS.glob("*.pdf"), *CORPUS.glob("real/*.pdf"), *SAMPLES.glob("*.pdf")])


def same(edges, settings=DEFAULT):
    fast = ruled.table_boxes(edges, settings)
    slow = ruled.plumber_table_boxes(edges, settings)
    assert fast == slow
    assert all(type(v) is float for t in fast for box in t for v in box)
    return fast


@pytest.mark.slow
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_every_page_gives_pdfplumbers_boxes(path):
    pdf, plumber = pdfium.PdfDocument(str(path)), None
    try:
        for i in range(len(pdf)):
            edges = fast_rules.page_edges(pdf[i], DEFAULT)
            if edges is None:  # a page PDFium does not mirror: pdfplumber's own edges
                plumber = plumber or pdfplumber.open(path)
                page = plumber.pages[i]
                edges = ruled.page_edges(page, DEFAULT)
                page.close()
            same(edges)
    finally:
        pdf.close()
        if plumber is not None:
            plumber.close()


def edge(orientation, x0, top, x1, bottom):
    return {"orientation": orientation, "x0": x0, "top": top, "x1": x1, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top, "object_type": "line"}


def jittered_grid(rng: random.Random):
    """Two or three ruled tables; rules drawn as pieces with small gaps, jittered by up to the snap
    tolerance, some doubled, some missing, a few stray short rules and a diagonal."""
    edges = []
    top0 = 20.0
    for _ in range(rng.randint(1, 3)):
        xs = sorted(rng.uniform(20, 560) for _ in range(rng.randint(2, 8)))
        ys = sorted(top0 + rng.uniform(0, 300) for _ in range(rng.randint(2, 10)))
        top0 = ys[-1] + rng.uniform(2, 60)
        jitter = lambda: rng.choice([0.0, 0.0, rng.uniform(-2.9, 2.9), rng.uniform(-0.2, 0.2)])
        for y in ys:
            if rng.random() < 0.1:
                continue
            a = xs[0]
            for b in xs[1:]:  # one piece per cell side, sometimes a gap or overlap
                yy = y + jitter()
                edges.append(edge("h", a + rng.choice([0, 0, 1.5, -1, 4]), yy, b, yy))
                if rng.random() < 0.1:
                    edges.append(edge("h", a, yy, b, yy))  # drawn twice
                a = b
        for x in xs:
            if rng.random() < 0.1:
                continue
            a = ys[0]
            for b in ys[1:]:
                if rng.random() < 0.08:
                    a = b
                    continue  # a cell without this side
                xx = x + jitter()
                edges.append(edge("v", xx, a + rng.choice([0, 0, 2.5, -0.5]), xx, b))
                a = b
    for _ in range(rng.randint(0, 4)):
        x, y = rng.uniform(0, 590), rng.uniform(0, 800)
        edges.append(edge(rng.choice("hv"), x, y, x + rng.uniform(0, 5), y))
    edges.append({**edge("h", 10, 10, 50, 10), "orientation": None})
    rng.shuffle(edges)
    return edges


@pytest.mark.parametrize("seed", range(150))
def test_random_grids_give_pdfplumbers_boxes(seed):
    rng = random.Random(seed)
    settings = DEFAULT if seed % 3 else ExtractSettings(snap_tolerance=rng.choice([0.0, 1.0, 5.0]),
                                                        join_tolerance=rng.choice([0.0, 3.0, 8.0]),
                                                        intersection_tolerance=rng.choice([0.5, 3.0]))
    same(jittered_grid(rng), settings)


def test_no_rules_and_too_many_rules(monkeypatch):
    assert same([]) == []
    assert same([edge("h", 0, 5, 100, 5)]) == []
    many = [edge("h", 0, y, 100, y) for y in range(0, 100, 10)] + [edge("v", x, 0, x, 90) for x in range(0, 101, 20)]
    monkeypatch.setattr(lattice, "RULE_PAIRS_MAX", 10)
    assert lattice.table_boxes(many, 3, 3, 3, 1, 3) is None  # pdfplumber's steps run instead
    assert len(same(many)) == 1 and len(same(many)[0]) == 45
