"""The suite's own guard: with CI=true a missing corpus fails the run and a skip fails its test;
locally the missing corpus is said once, at the top, and its tests skip.

Each case runs pytest in a subprocess on a copy of tests/conftest.py in a folder that has no
../shared next to it, with BUDGETPERF_CORPUS pointing nowhere."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

CORPUS_TEST = '''
from conftest import corpus_pdf

def test_reads_the_corpus():
    assert corpus_pdf("putuo-2024-finance-bureau-final-accounts.pdf").stat().st_size > 0

def test_needs_nothing():
    assert 1 + 1 == 2
'''

SKIP_TEST = '''
import pytest

def test_skips_for_a_reason_nobody_named():
    pytest.skip("some optional thing is missing")

def test_skips_as_root():
    pytest.skip("running as root: chmod 000 does not stop root from reading")
'''


def _run(tmp_path: Path, source: str, ci: bool, corpus: Path | None = None) -> subprocess.CompletedProcess:
    tests = tmp_path / "repo" / "tests"
    tests.mkdir(parents=True)
    shutil.copy(HERE / "conftest.py", tests / "conftest.py")
    (tests / "test_case.py").write_text(source, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["BUDGETPERF_CORPUS"] = str(corpus or tmp_path / "no-corpus-here")
    if ci:
        env["CI"] = "true"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(tests)],
                          cwd=tests.parent, env=env, capture_output=True, text=True, timeout=120)


def test_ci_fails_the_run_when_the_corpus_is_missing(tmp_path):
    run = _run(tmp_path, CORPUS_TEST, ci=True)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout + run.stderr
    assert "CI=true and the corpus is missing" in run.stderr
    assert "passed" not in run.stdout  # nothing ran


def test_locally_a_missing_corpus_is_said_once_at_the_top_and_its_tests_skip(tmp_path):
    run = _run(tmp_path, CORPUS_TEST, ci=False)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    notes = [i for i, line in enumerate(lines) if line.startswith("NOTE: the corpus is missing")]
    assert notes == [0], run.stdout
    assert "1 passed, 1 skipped" in run.stdout


def test_ci_turns_an_unnamed_skip_into_a_failure(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    run = _run(tmp_path, SKIP_TEST, ci=True, corpus=corpus)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout
    assert "1 failed, 1 skipped" in run.stdout
    assert "skipped under CI=true, which runs every test: some optional thing is missing" in run.stdout
