"""The printed numbers decide which structure the header proposed is the table's.

Normalize reads from the header which columns and rows add into which total; each such claim
becomes one comparison per row (or per column), all sharing an `identity`. An identity that holds
on nearly every row is the table's structure, and a row that breaks it is the publisher's error:
its failure stands. An identity that fails on most rows is our misreading of the header: its
comparisons are recorded as not applied (passed null), with one coverage warning per identity,
never as failed. A structure of the budget system itself (`known`: 类 = Σ 款, 三公, the same
figure in two tables) stands whatever the count."""
from __future__ import annotations

from collections import defaultdict

from validate.comparisons import Comparison
from validate.result import CheckResult
from validate.settings import ValidateSettings


def _carries_figures(c: Comparison) -> bool:
    """A row of zeros and blanks confirms nothing (0 = 0 + 0 holds under any reading)."""
    return abs(c.observed) > 1e-9 or abs(c.low + c.high) > 1e-9


def confirmed(comparisons: list[Comparison], settings: ValidateSettings
              ) -> tuple[list[Comparison], list[CheckResult]]:
    """(comparisons to run, results for the identities the numbers did not confirm)."""
    by_identity: dict[str, list[Comparison]] = defaultdict(list)
    for c in comparisons:
        if c.identity is not None and not c.known:
            by_identity[c.identity].append(c)
    dropped: set[int] = set()
    out: list[CheckResult] = []
    for identity, group in by_identity.items():
        evidence = [c for c in group if _carries_figures(c)]
        held = sum(c.holds() for c in evidence)
        failed = len(evidence) - held
        if not failed or (held >= settings.structure_min_held
                          and held >= settings.structure_min_share * len(evidence)):
            continue
        dropped.update(id(c) for c in group)
        first = group[0]
        why = (f"holds on {held} of the {len(evidence)} rows that print figures, so this is not "
               f"how the table adds up (the header was read another way than it is printed)")
        out += [CheckResult(c.check, c.severity, None, observed=c.observed_text, expected=c.expected_text,
                            message=f"{c.subject}: {c.claim}: not applied, it {why}.", page=c.page,
                            table_id=c.table_id) for c in group]
        out.append(CheckResult("structure.unconfirmed", "warning", False,
                               observed=f"{held} of {len(evidence)} rows",
                               expected=f"{first.claim} on nearly every row",
                               message=f"{first.subject.split(' / ')[0]}: the header proposes "
                                       f"{first.claim}, but it {why}; not checked.",
                               page=first.page, table_id=first.table_id))
    return [c for c in comparisons if id(c) not in dropped], out
