"""A report stuck where the time limit cannot reach it (a call into native code that never returns)
is recorded as failed, its worker is killed, and the batch goes on with the other reports."""
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import SAMPLES, corpus_pdf
from pipeline import executors
from pipeline.time_limit import time_limit
from pipeline.worker import ReportTask


@dataclass(frozen=True)
class NativeHangTask(ReportTask):
    """On `stuck.pdf`, what native code that never returns looks like to the time limit: SIGALRM
    blocked, then a call that does not come back."""

    def __call__(self, path: str):
        if Path(path).name == "stuck.pdf":
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            with time_limit(self.timeout):
                time.sleep(600)
        return super().__call__(path)


@pytest.mark.slow
def test_a_report_stuck_in_native_code_fails_and_the_batch_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(executors, "STUCK_GRACE_S", 2.0)  # stuck after 2 × 8 s + 2 s
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name, src in (("a.pdf", SAMPLES / "project-self-evaluation-2024.pdf"),
                      ("stuck.pdf", SAMPLES / "hongqiao-2024-unit-self-evaluation.pdf"),
                      ("b.pdf", corpus_pdf("jiangsu-2019-party-office-budget-tables.pdf")),
                      ("c.pdf", corpus_pdf("jiangsu-2019-party-office-budget-text.pdf"))):
        shutil.copy(src, inbox / name)
    task = NativeHangTask(out=str(tmp_path / "out"), acceptances=[], timeout=8.0)  # the others need a few s under load
    started = time.monotonic()
    landed = list(executors.run_pool(sorted(str(p) for p in inbox.iterdir()), task, workers=2,
                                     in_flight_per_worker=2))
    assert time.monotonic() - started < 120  # not the 600 s the stuck call would take
    reports = {Path(x.report["source_path"]).name: x.report for x in landed}
    assert sorted(reports) == ["a.pdf", "b.pdf", "c.pdf", "stuck.pdf"]
    assert (reports["stuck.pdf"]["status"], reports["stuck.pdf"]["error"]) == (
        "failed", "timed out after 8 s and did not stop (stuck in native code); its worker was killed")
    others = {n: reports[n]["status"] for n in ("a.pdf", "b.pdf", "c.pdf")}
    assert "failed" not in others.values(), others  # processed as usual (c.pdf lands in quarantine)
