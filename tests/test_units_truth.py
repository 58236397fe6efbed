"""Every amount of a 预算 / 决算 carries its unit where its page prints one.

tests/truth/units/<stem>.json lists, by eye from the rendered pages, every money table of each
budget and final-accounts document of the corpus with the unit its page (or the page it starts on)
prints. No landed money line on those pages may have `unit` null, and each amount is in yuan."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import corpus_pdf
from normalize.amounts import YUAN_PER_UNIT, fit_value, parse_number

TRUTH = Path(__file__).parent / "truth" / "units"
FILES = sorted(TRUTH.glob("*.json"))
# Known misses: (document, the page a table starts on) → why. Strict: the test fails when such a
# table gets its unit, so the entry must go.
KNOWN: dict[tuple[str, int], str] = {}


@lru_cache(maxsize=None)
def lines_of(source: str):
    from extract import read_document
    from normalize.document import normalize_document
    path = corpus_pdf(source)
    return normalize_document(read_document(path), {"report_id": "u", "source_path": str(path)}).budget_lines


def _params():
    out = []
    for p in FILES:
        tables = json.loads(p.read_text())["tables"]
        if not tables:
            continue
        out.append(pytest.param(p.stem, id=p.stem, marks=[pytest.mark.slow]))
    return out


@pytest.mark.parametrize("stem", _params())
def test_every_amount_on_a_page_that_prints_its_unit_has_one(stem):
    truth = json.loads((TRUTH / f"{stem}.json").read_text())
    lines = lines_of(truth["source"])
    money = lines[lines.unit.ne("%") & lines.value.notna()]
    missing, known = [], []
    for t in truth["tables"]:
        if not t.get("unit"):
            continue
        mine = money[money.page.isin(t["pages"]) & money.table_title.fillna("").map(
            lambda title: not title or "绩效" not in title)]
        loose = mine[mine.unit.isna()]
        if len(loose):
            (known if (stem, t["page"]) in KNOWN else missing).append(
                f"p.{t['page']} {t['title']} ({t['unit']}): {len(loose)} of {len(mine)} amounts without a unit")
        elif (stem, t["page"]) in KNOWN:
            missing.append(f"p.{t['page']} {t['title']} now has its unit: remove it from KNOWN")
        else:  # every amount of the table in yuan, scaled by the unit its page prints
            scale = YUAN_PER_UNIT[t["unit"]]
            wrong = [(r.raw, r.value) for r in mine.itertuples() if r.unit != "元" or
                     fit_value(parse_number(r.raw) * scale) != r.value]
            assert not wrong, (t["page"], t["unit"], wrong[:3])
    assert not missing, "; ".join(missing)
