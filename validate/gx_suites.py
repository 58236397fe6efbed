"""Great Expectations, set up once per process: an ephemeral context, one pandas asset over the
frame of comparisons, and one suite per table kind. A report's comparisons are validated suite by
suite; GX's unexpected_index_list names the failing rows, which become failed CheckResults."""
from __future__ import annotations

import os
import threading

import pandas as pd

from validate.comparisons import Comparison
from validate.result import CheckResult

SUITES = ("budget_execution", "project", "final_accounts", "prose")

_lock = threading.Lock()
_state: dict | None = None


def _build() -> dict:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before import: no network calls
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas(name="report_rows").add_dataframe_asset(name="comparisons")
    batch_definition = asset.add_batch_definition_whole_dataframe("whole_frame")
    suites = {}
    for name in SUITES:
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        # Every comparison: low ≤ observed ≤ high, evaluated row-wise.
        suite.add_expectation(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="observed", column_B="low", or_equal=True))
        suite.add_expectation(gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="high", column_B="observed", or_equal=True))
        suites[name] = suite
    return {"context": context, "batch_definition": batch_definition, "suites": suites}


def _gx() -> dict:
    global _state
    if _state is None:
        with _lock:
            if _state is None:
                _state = _build()
    return _state


def warm_up() -> None:
    """Pay GX's import and setup cost now (e.g. in a worker initialiser), not on the first report."""
    _gx()


def run(comparisons: list[Comparison], use_gx: bool = True) -> list[CheckResult]:
    """Each comparison → a CheckResult, in the order given."""
    if not comparisons:
        return []
    if not use_gx:
        return [c.result(c.holds()) for c in comparisons]
    state = _gx()
    failed: set[int] = set()
    by_suite: dict[str, list[int]] = {}
    for i, c in enumerate(comparisons):
        by_suite.setdefault(c.suite if c.suite in state["suites"] else "prose", []).append(i)
    for name, idx in by_suite.items():
        frame = pd.DataFrame({"observed": [comparisons[i].observed for i in idx],
                              "low": [comparisons[i].low for i in idx],
                              "high": [comparisons[i].high for i in idx]}, index=idx)
        batch = state["batch_definition"].get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(state["suites"][name], result_format={"result_format": "COMPLETE"})
        for r in outcome.results:
            unexpected = (r.result or {}).get("unexpected_index_list") or []
            if not r.success and not unexpected:  # GX failed to evaluate: never a silent pass
                raise RuntimeError(f"GX suite {name} could not run: {r.exception_info}")
            failed.update(int(i) for i in unexpected)
    return [c.result(i not in failed) for i, c in enumerate(comparisons)]
