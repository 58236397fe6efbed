"""The common form of every numeric check: one printed figure, the bounds it must lie in, and the
words a reviewer reads. Checks build these; gx_suites.py runs them; each becomes a CheckResult."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from validate.result import CheckResult

# Bounds stand-in for "no bound": GX's pair expectations compare numbers, not None/inf.
_FAR = 1e18
_EPS = 1e-6  # float noise on amounts converted from Decimal


@dataclass(frozen=True)
class Comparison:
    check: str  # stable dotted name
    severity: str
    suite: str  # which GX suite runs it: the table kind (budget_execution, project, budget_table, prose)
    subject: str  # the line compared, e.g. 支出决算表 / 201 一般公共服务支出 / 基本支出
    claim: str  # what must hold, e.g. 本年支出合计 = 基本支出 + 项目支出
    observed: float
    low: float
    high: float
    observed_text: str
    expected_text: str
    page: int | None = None
    table_id: str | None = None
    # The structure this comparison is one instance of (a column identity over a table's rows):
    # validate/structure.py keeps it only where the printed numbers confirm it. `known`: a
    # structure of the budget system itself (类 = Σ 款, 三公), kept whatever the count.
    identity: str | None = None
    known: bool = False

    def result(self, passed: bool) -> CheckResult:
        if passed:
            message = f"{self.subject}: {self.claim} holds ({self.observed_text})."
        else:
            message = (f"{self.subject}: {self.claim} fails, printed {self.observed_text} "
                       f"but expected {self.expected_text}.")
        return CheckResult(check=self.check, severity=self.severity, passed=passed,
                           observed=self.observed_text, expected=self.expected_text,
                           message=message, page=self.page, table_id=self.table_id)

    def holds(self) -> bool:
        """The same test the GX suite makes, in plain Python."""
        return self.low <= self.observed <= self.high


def equal(check: str, severity: str, suite: str, subject: str, claim: str,
          observed: Decimal | float, expected: Decimal | float, tolerance: Decimal | float,
          observed_text: str, expected_text: str, page=None, table_id=None,
          identity: str | None = None, known: bool = False) -> Comparison:
    """|observed - expected| ≤ tolerance."""
    o, e, t = float(observed), float(expected), float(tolerance) + _EPS
    return Comparison(check, severity, suite, subject, claim, o, e - t, e + t,
                      observed_text, expected_text, _page(page), table_id, identity, known)


def at_most(check: str, severity: str, suite: str, subject: str, claim: str,
            observed: Decimal | float, limit: Decimal | float, observed_text: str,
            expected_text: str, page=None, table_id=None, tolerance: float = 0.0) -> Comparison:
    return Comparison(check, severity, suite, subject, claim, float(observed), -_FAR,
                      float(limit) + tolerance + _EPS, observed_text, expected_text,
                      _page(page), table_id)


def at_least(check: str, severity: str, suite: str, subject: str, claim: str,
             observed: Decimal | float, limit: Decimal | float, observed_text: str,
             expected_text: str, page=None, table_id=None) -> Comparison:
    return Comparison(check, severity, suite, subject, claim, float(observed),
                      float(limit) - _EPS, _FAR, observed_text, expected_text,
                      _page(page), table_id)


def rate(check: str, severity: str, suite: str, subject: str, claim: str, printed: Decimal, raw: str | None,
         numerator: Decimal, denominator: Decimal, tolerance_points: float, page=None,
         table_id=None) -> Comparison:
    """A printed rate (执行率, 结余率) = numerator / denominator × 100 (0 when nothing was budgeted),
    within `tolerance_points` plus half a unit of its last printed digit: the one rate rule of
    every table that prints one."""
    computed = Decimal(0) if denominator == 0 else numerator / denominator * 100
    tol = Decimal(str(tolerance_points)) + half_unit(raw, printed, Decimal("0.005"))
    return equal(check, severity, suite, subject, claim, printed, computed, tol, fmt_number(printed, 2, "%"),
                 f"{fmt_number(numerator)} / {fmt_number(denominator)} = {fmt_number(computed, 4, '%')}",
                 page, table_id)


def _page(page) -> int | None:
    try:
        return None if page is None or page != page else int(page)  # NaN != NaN
    except (TypeError, ValueError):
        return None


def fmt_amount(value: Decimal | float | None, unit: str = "元", decimals: int = 2) -> str:
    """Money for a reader: 29400500 yuan in 万元 → '2,940.05 万元'."""
    if value is None:
        return "blank"
    scale = {"元": 1, "万元": 10000, "千元": 1000, "亿元": 100000000}.get(unit, 1)
    return f"{Decimal(value) / scale:,.{decimals}f} {unit}"


def fmt_number(value: Decimal | float | None, decimals: int = 2, suffix: str = "") -> str:
    if value is None:
        return "blank"
    return f"{Decimal(str(value)):,.{decimals}f}{suffix}"


def half_unit(raw: str | None, value: Decimal | None, default: Decimal) -> Decimal:
    """Half a unit of the last printed digit, in the value's own unit (yuan for money).

    '2,940.05' printed in 万元 whose value is 29400500 yuan → 0.005 万元 = 50 yuan.
    """
    if raw is None or value is None or raw != raw:
        return default
    digits = "".join(ch for ch in str(raw) if ch.isdigit() or ch == ".")
    if not digits or not any(ch.isdigit() for ch in digits):
        return default
    try:
        printed = Decimal(digits.strip("."))
    except Exception:
        return default
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    half = Decimal(5) / Decimal(10) ** (decimals + 1)
    if printed == 0:
        return half * (default / Decimal("0.005")) if default else half
    scale = (abs(Decimal(value)) / printed).quantize(Decimal(1)) or Decimal(1)
    return half * scale



def sum_tolerance(part_halves, total_half, below=None) -> Decimal:
    """Rounding slack of `total = Σ parts`, from the half units of every printed number involved.

    Each part is off its exact amount by up to its half unit. The total is off by its own half
    unit when it was rounded from the exact sum (sum-then-round), or by the half units of the
    rounded lines it was added up from (round-then-sum): by default the parts themselves; `below`
    gives the half units of the lines under them when the caller knows the total may have been
    summed from those (a 合计 printed as the sum of rounded 款 lines, 23,647.94 + 1,882.57 =
    25,530.51, beside 类 lines rounded from the exact amounts, 25,530.49). Publishers do either,
    so the total side gets the larger.
    """
    parts = sum((Decimal(h) for h in part_halves), Decimal(0))
    summed = parts if below is None else max(parts, sum((Decimal(h) for h in below), Decimal(0)))
    return parts + max(Decimal(total_half), summed)
