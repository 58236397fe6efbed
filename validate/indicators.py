"""Checks of indicator rows: named, targets parsed, 二级指标 consistent with the indicator's name."""
from __future__ import annotations

import pandas as pd
import regex

from validate.result import CheckResult
from validate.settings import ValidateSettings

_NUMERIC_LOOKING = regex.compile(r"\d")
# A long description that happens to hold numbers (招聘会 5 项：…) is prose, not a failed number.
_SHORT_TARGET = 20
# Words of an indicator name that belong to another 二级指标 group than the one it sits under.
_CONTRADICTIONS = {
    "时效指标": regex.compile(r"准确率|合格率|达标率|正确率|满意度|覆盖率"),
    "质量指标": regex.compile(r"及时|按时|时限|完成时间|时效"),
    "数量指标": regex.compile(r"满意度"),
}


def _where(r: pd.Series) -> str:
    parts = [str(r[c]) for c in ("project", "level1", "level2") if c in r and r[c] is not None and r[c] == r[c]]
    return " / ".join(parts)


def checks(report, settings: ValidateSettings) -> list[CheckResult]:
    return indicator_checks(report.rows.indicators, settings)


def indicator_checks(indicators: pd.DataFrame, settings: ValidateSettings) -> list[CheckResult]:
    out: list[CheckResult] = []
    if indicators is None or indicators.empty:
        return out
    sev = settings.document_severity
    for _, r in indicators.iterrows():
        page = None if r["page"] is None or r["page"] != r["page"] else int(r["page"])
        name = r["name"] if isinstance(r["name"], str) else ""
        if not name.strip():
            out.append(CheckResult("indicator.has_name", "error", False, observed="blank", expected="a 三级指标 name",
                                   message=f"An indicator row under {_where(r) or 'its table'} has no name.",
                                   page=page, table_id=r["table_id"]))
        target = r["target_raw"] if isinstance(r["target_raw"], str) else ""
        if r["target_kind"] == "text" and _NUMERIC_LOOKING.search(target) and \
                len("".join(target.split())) <= _SHORT_TARGET:
            out.append(CheckResult("indicator.target_parsed", sev, False, observed=target,
                                   expected="a number, a comparison or a deadline",
                                   message=f"The target of {name or 'an indicator'} 「{target}」 contains a number "
                                           f"but was not understood.", page=page, table_id=r["table_id"]))
        level2 = r["level2"] if isinstance(r["level2"], str) else ""
        for group, words in _CONTRADICTIONS.items():
            if level2.endswith(group) and (m := words.search(name)):
                out.append(CheckResult("indicator.level2_matches_name", sev, False, observed=f"{level2}: {name}",
                                       expected=f"「{m.group()}」 does not belong under {group}",
                                       message=f"{name} is filed under {level2} but 「{m.group()}」 describes "
                                               f"another kind of indicator.", page=page, table_id=r["table_id"]))
    return out
