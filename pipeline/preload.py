"""What the fork server loads before it forks any pool worker (pipeline/fork_server.py PRELOAD):
every module a report runs through, and Great Expectations' context built, not only imported.

A worker forked from the server starts with all of it in memory, shared copy-on-write, so the
batch pays GX's import (~4 CPU s; validate/gx_suites.py defers altair) and
setup, pandas and the stages' imports once, however many workers it runs; init_worker's warm_up
then finds the context there and does nothing. Building the context is safe to fork: it is
in-memory (ephemeral) and starts no thread.
"""
from __future__ import annotations

import importlib
import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before GX is imported: no network calls

import pipeline.worker  # noqa: E402,F401  (extract, normalize, validate, pandas, pyarrow)
from validate import gx_suites  # noqa: E402

# the check modules validate_report imports on a report's first call, one by one: a module renamed
# or gone costs its worker the import, never the context below
CHECKS = ("budget_execution", "budget_table", "final_accounts", "coverage", "document", "forms", "headlines",
          "indicators", "ocr_confidence", "prose_checks", "structure")
for _name in CHECKS:
    try:
        importlib.import_module(f"validate.{_name}")
    except ImportError:
        pass

try:
    gx_suites.warm_up()
except Exception:  # a worker builds it itself (and says what is wrong) on its first report
    pass
