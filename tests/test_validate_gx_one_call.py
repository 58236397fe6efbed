"""validate/gx_suites.run: one GX call per report over all its rows, with the results the suite by
suite calls gave (every suite holds the same row-wise expectations)."""
import pandas as pd

from validate import gx_suites
from validate.comparisons import at_least, at_most, equal

KINDS = ("budget_execution", "form", "budget_table", "prose", "no_such_kind")


def comparisons():
    out = []
    for i in range(40):
        kind = KINDS[i % len(KINDS)]
        expected = 100.0 + i
        observed = expected + (0.0, 0.004, 0.02, -1.0)[i % 4]  # holds, at the edge, just past, far off
        out.append(equal(f"c.{i}", "error", kind, f"line {i}", "a = b", observed, expected, 0.01, "o", "e", page=i))
    out.append(at_most("c.most", "warning", "prose", "s", "a ≤ b", 5.0, 4.0, "o", "e"))
    out.append(at_least("c.least", "warning", "form", "s", "a ≥ b", 5.0, 4.0, "o", "e"))
    return out


def suite_by_suite(found):
    """What run() gave before: one GX call per suite, the failing rows by the frame's index."""
    state = gx_suites._gx()
    failed, by_suite = set(), {}
    for i, c in enumerate(found):
        by_suite.setdefault(c.suite if c.suite in state["suites"] else "prose", []).append(i)
    for name, idx in by_suite.items():
        frame = pd.DataFrame({"observed": [found[i].observed for i in idx], "low": [found[i].low for i in idx],
                              "high": [found[i].high for i in idx]}, index=idx)
        batch = state["batch_definition"].get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(state["suites"][name], result_format={"result_format": "COMPLETE"})
        for r in outcome.results:
            failed.update(int(i) for i in (r.result or {}).get("unexpected_index_list") or [])
    return [c.result(i not in failed) for i, c in enumerate(found)]


def test_one_gx_call_gives_the_suite_by_suite_results(monkeypatch):
    found = comparisons()
    before = suite_by_suite(found)
    calls = []
    kind = type(gx_suites._gx()["batch_definition"])
    real_get_batch = kind.get_batch

    def counting(self, *args, **kwargs):
        calls.append(1)
        return real_get_batch(self, *args, **kwargs)

    monkeypatch.setattr(kind, "get_batch", counting)
    after = gx_suites.run(found)
    assert len(calls) == 1
    assert after == before
    assert after == gx_suites.run(found, use_gx=False)
    assert 0 < sum(r.passed for r in after) < len(after)
