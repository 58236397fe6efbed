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
    nan = float("nan")  # a figure or bound that did not parse: as GX judged it before
    out.append(equal("c.nan_observed", "error", "prose", "s", "a = b", nan, 3.0, 0.01, "o", "e"))
    out.append(equal("c.nan_expected", "error", "form", "s", "a = b", 3.0, nan, 0.01, "o", "e"))
    out.append(at_most("c.nan_both", "warning", "prose", "s", "a ≤ b", nan, nan, "o", "e"))
    return out


def two_bound_suite():
    """The suites as they were: two pair expectations over columns observed, low, high."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    context = gx_suites._gx()["context"]
    name = "two_bounds_for_the_test"
    try:
        return context.suites.get(name)
    except Exception:
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        suite.add_expectation(gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="observed", column_B="low",
                                                                           or_equal=True))
        suite.add_expectation(gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="high", column_B="observed",
                                                                           or_equal=True))
        return suite


def suite_by_suite(found):
    """What run() gave before: one GX call per suite kind, each a suite of two expectations (one a
    bound), the failing rows by the frame's index."""
    state = gx_suites._gx()
    failed, by_suite = set(), {}
    for i, c in enumerate(found):
        by_suite.setdefault(c.suite if c.suite in state["suites"] else "prose", []).append(i)
    suite = two_bound_suite()
    for name, idx in by_suite.items():
        frame = pd.DataFrame({"observed": [found[i].observed for i in idx], "low": [found[i].low for i in idx],
                              "high": [found[i].high for i in idx]}, index=idx)
        batch = state["batch_definition"].get_batch(batch_parameters={"dataframe": frame})
        outcome = batch.validate(suite, result_format={"result_format": "COMPLETE"})
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
    finite = [i for i, c in enumerate(found) if "nan" not in c.check]
    plain = gx_suites.run(found, use_gx=False)
    assert [after[i] for i in finite] == [plain[i] for i in finite]
    assert 0 < sum(r.passed for r in after) < len(after)


def test_modules_deferred_at_gx_import_still_load_on_first_use():
    """altair, which GX imports for an expectation we never run, is not loaded by building the
    context nor by validating a report's rows, and answers like the real module the moment anything
    uses it."""
    import subprocess
    import sys
    code = ("import sys; from validate import gx_suites; from validate.comparisons import Comparison;"
            "gx_suites.warm_up();"
            "gx_suites.run([Comparison('t.sum', 'error', 'prose', 'x', 'a = b', 2.0, 1.0, 3.0, '2', '1..3')]);"
            "loaded = [m for m in ('altair.vegalite',) if m in sys.modules];"
            "from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as k;"
            "print(loaded, round(float(k.stats.entropy([0.5, 0.5], [0.9, 0.1])), 4), k.alt.Chart.__name__,"
            " type(sys.modules['altair']).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "GX_ANALYTICS_ENABLED": "false"})
    assert out.stdout.split() == ["[]", "0.5108", "Chart", "module"]
