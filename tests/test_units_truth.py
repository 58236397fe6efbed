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

TRUTH = Path(__file__).parent / "truth" / "units"
FILES = sorted(TRUTH.glob("*.json"))
# Known misses, each with its reason (strict: a fix shows as XPASS and must be removed here).
KNOWN: dict[str, str] = {
    "shanghai-2026-data-bureau-budget": "the 收入预算总表 is split by columns over pp. 8–11 and prints "
                                        "单位：元 only on p. 10, above its cut-off 其他收入 column",
}


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
        marks = [pytest.mark.slow]
        if p.stem in KNOWN:
            marks.append(pytest.mark.xfail(reason=KNOWN[p.stem], strict=True))
        out.append(pytest.param(p.stem, id=p.stem, marks=marks))
    return out


@pytest.mark.parametrize("stem", _params())
def test_every_amount_on_a_page_that_prints_its_unit_has_one(stem):
    truth = json.loads((TRUTH / f"{stem}.json").read_text())
    lines = lines_of(truth["source"])
    money = lines[lines.unit.ne("%") & lines.value.notna()]
    missing = []
    for t in truth["tables"]:
        if not t.get("unit"):
            continue
        mine = money[money.page.isin(t["pages"]) & money.table_title.fillna("").map(
            lambda title: not title or "绩效" not in title)]
        loose = mine[mine.unit.isna()]
        if len(loose):
            missing.append(f"p.{t['page']} {t['title']} ({t['unit']}): {len(loose)} of {len(mine)} amounts "
                           f"without a unit")
    assert not missing, "; ".join(missing)
