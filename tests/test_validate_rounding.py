"""Rounding twice (issue 16): a sum check's tolerance covers the rounding of every printed number.

Tables are generated from exact amounts (in 万元, to 4 decimals) and printed to 2 decimals either
way publishers do it: each figure rounded from its exact amount (sum-then-round), or the total
printed as the sum of the rounded parts (round-then-sum). Neither may fail; a printed cell moved by
one unit (1.00 万元) still fails.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings, strategies as st

from validate.comparisons import equal, half_unit, sum_tolerance

CENT = Decimal("0.01")
exact_amounts = st.lists(st.integers(min_value=0, max_value=10**9).map(lambda n: Decimal(n) / 10000),
                         min_size=1, max_size=12)


def _round(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _printed(x: Decimal) -> str:
    return f"{x:,.2f}"


def _holds(total: Decimal, parts: list[Decimal]) -> bool:
    """The sum check as validate builds it: values and half units from the printed text."""
    halves = [half_unit(_printed(p), p, Decimal("0.005")) for p in parts]
    tol = sum_tolerance(halves, half_unit(_printed(total), total, Decimal("0.005")))
    return equal("t.sum", "error", "budget_table", "t", "total = Σ parts", total, sum(parts, Decimal(0)),
                 tol, _printed(total), "Σ").holds()


@settings(max_examples=300, deadline=None)
@given(exact_amounts, st.booleans())
def test_sum_then_round_and_round_then_sum_both_pass(exact, total_from_parts):
    parts = [_round(x) for x in exact]
    total = sum(parts, Decimal(0)) if total_from_parts else _round(sum(exact, Decimal(0)))
    assert _holds(total, parts)


@settings(max_examples=300, deadline=None)
@given(exact_amounts, st.lists(st.integers(min_value=1, max_value=6), min_size=12, max_size=12))
def test_total_summed_from_the_lines_below_the_parts_passes(exact, sizes):
    """合计 added up from rounded 款 lines while each 类 is rounded from its exact amount."""
    groups = [[x / k] * k for x, k in zip(exact, sizes)]  # each 类 split into k exact 款
    classes = [_round(sum(g, Decimal(0))) for g in groups]
    items = [_round(x) for g in groups for x in g]
    total = sum(items, Decimal(0))
    halves = [Decimal("0.005")] * len(classes)
    tol = sum_tolerance(halves, Decimal("0.005"), below=[Decimal("0.005")] * len(items))
    assert abs(total - sum(classes, Decimal(0))) <= tol


@settings(max_examples=300, deadline=None)
@given(exact_amounts, st.booleans(), st.data())
def test_one_unit_off_in_a_single_cell_fails(exact, total_from_parts, data):
    parts = [_round(x) for x in exact]
    total = sum(parts, Decimal(0)) if total_from_parts else _round(sum(exact, Decimal(0)))
    cell = data.draw(st.integers(min_value=0, max_value=len(parts)))  # len(parts): the total itself
    sign = data.draw(st.sampled_from([Decimal(1), Decimal(-1)]))
    if cell == len(parts):
        total += sign
    else:
        parts[cell] += sign
    assert not _holds(total, parts)


def test_the_district_case_of_issue_16():
    """类 lines rounded from exact amounts (Σ 25,530.49) under a 合计 summed from rounded 款 lines
    (25,530.51): 0.02 apart, which half a unit per printed term (0.015) rejected."""
    classes = [Decimal("23647.93"), Decimal("1882.56")]
    assert _holds(Decimal("25530.51"), classes)
    assert not _holds(Decimal("25530.54"), classes)  # three units off is more than rounding
