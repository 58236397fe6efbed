"""Headline figures against the report's other tables: `headline.agrees`.

normalize/headlines.py already compared each headline figure with the same figure printed in the
report's other tables (its `agrees` column, the tables named in its message); a figure that
disagrees is a publisher's inconsistency worth a reviewer's look, never a reason to hold the
report back: a `warning`.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from validate.result import CheckResult
from validate.settings import DEFAULT, ValidateSettings

CHECK = "headline.agrees"
_ALSO = "; also printed in "


def _amount(value, item: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    unit = {"budget_execution_rate": "%", "total_score": "分"}.get(item, "元")
    return f"{Decimal(str(value)):,.2f} {unit}"


def checks(report, settings: ValidateSettings = DEFAULT) -> list[CheckResult]:
    return agreement_checks(getattr(report.rows, "headlines", None), settings)


def agreement_checks(headlines: pd.DataFrame | None, settings: ValidateSettings = DEFAULT) -> list[CheckResult]:
    """One check per headline that another table prints too: passed when every such table
    prints the same figure. Headlines no other table prints are not checked."""
    out: list[CheckResult] = []
    if headlines is None or not len(headlines):
        return out
    for h in headlines.itertuples(index=False):
        if h.agrees is None or pd.isna(h.agrees):
            continue
        message = h.message if isinstance(h.message, str) else ""
        where, _, others = message.partition(_ALSO)
        page = int(h.page) if h.page is not None and not pd.isna(h.page) else None
        period = "" if h.period == "budget_year" else f" ({h.period})"
        if bool(h.agrees):
            text = f"{h.item}{period} {_amount(h.value, h.item)} ({where}) is printed the same in {others}."
        else:
            text = (f"{h.item}{period} is {_amount(h.value, h.item)} in {where} but another table prints "
                    f"it otherwise: {others}; look at both tables.")
        out.append(CheckResult(CHECK, "warning", bool(h.agrees),
                               observed=f"{_amount(h.value, h.item)} ({h.table_id}, p.{page})",
                               expected=others or None, message=text, page=page,
                               table_id=h.table_id if isinstance(h.table_id, str) else None))
    return out
