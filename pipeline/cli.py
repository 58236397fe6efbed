"""`python -m pipeline ingest PATH... [--out DIR] [--workers N] [--timeout S] [--timeout-per-page S]
[--memory-limit MB] [--dask ADDRESS] [--force] [--retry-failed] [--prune]` and `accept`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipeline.settings import (DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMEOUT_PER_PAGE_S, DEFAULT_TIMEOUT_S,
                               RunSettings, default_workers)

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _megabytes(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number of MB >= 0: {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 seconds, got {text}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline",
                                description="Budget-performance PDFs → Parquet datasets.")
    sub = p.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="extract, normalize, validate and write PDFs")
    ingest.add_argument("paths", nargs="+", type=Path, help="PDF files or folders (recursive)")
    ingest.add_argument("--out", type=Path, default=Path("outputs"), help="output folder")
    ingest.add_argument("--workers", type=_positive_int, default=default_workers(),
                        help="worker processes (default: number of cores)")
    ingest.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                        help=f"per-report time limit, plus --timeout-per-page for each page; 0 = none"
                             f" (default {DEFAULT_TIMEOUT_S:g})")
    ingest.add_argument("--timeout-per-page", type=_seconds, default=DEFAULT_TIMEOUT_PER_PAGE_S,
                        metavar="SECONDS", help="seconds added to a report's limit per page"
                                                f" (default {DEFAULT_TIMEOUT_PER_PAGE_S:g})")
    ingest.add_argument("--memory-limit", type=_megabytes, default=DEFAULT_MEMORY_LIMIT_MB, metavar="MB",
                        help="address space per worker process; a report over it fails alone;"
                             f" 0 = none (default {DEFAULT_MEMORY_LIMIT_MB})")
    ingest.add_argument("--dask", metavar="ADDRESS",
                        help="run reports on a Dask cluster, e.g. tcp://scheduler:8786; inputs and"
                             " --out must be on storage every worker sees at the same paths")
    ingest.add_argument("--force", action="store_true", help="re-extract unchanged files")
    ingest.add_argument("--retry-failed", action="store_true",
                        help="re-extract unchanged files whose last attempt failed")
    ingest.add_argument("--prune", action="store_true",
                        help="drop rows of inputs that are no longer among PATHs")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    accept = sub.add_parser("accept", help="accept a failed check as the publisher's own error")
    accept.add_argument("report_id")
    accept.add_argument("check", help="check name, e.g. budget.execution_rate")
    accept.add_argument("--reason", required=True)
    accept.add_argument("--out", type=Path, default=Path("outputs"))
    review = sub.add_parser("review", help="write a static HTML review site to OUT/review/")
    review.add_argument("report_ids", nargs="*", metavar="REPORT_ID", help="only these (ids or prefixes)")
    review.add_argument("--out", type=Path, default=Path("outputs"))
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    if args.command == "accept":
        from validate.acceptance import record_acceptance

        record_acceptance(args.out, args.report_id, args.check, args.reason)
        print(f"accepted {args.check} for {args.report_id}; the next ingest lands the report")
        return EXIT_OK
    if args.command == "review":
        from pipeline.review import run_review

        return run_review(args.out, args.report_ids)
    from pipeline.run import UsageError, ingest  # light: workers start only if there is work

    settings = RunSettings(workers=args.workers, timeout=args.timeout, dask=args.dask,
                           timeout_per_page=args.timeout_per_page, memory_limit_mb=args.memory_limit,
                           force=args.force, retry_failed=args.retry_failed, prune=args.prune,
                           progress=not args.no_progress and sys.stderr.isatty())
    if settings.dask:
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            print("error: --dask needs the dask extra: pip install 'budgetperf[dask]'", file=sys.stderr)
            return EXIT_USAGE
    try:
        summary = ingest(args.paths, args.out, settings)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ConnectionError as exc:  # the Dask scheduler cannot be reached
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: finished reports are kept; the next run does the rest", file=sys.stderr)
        return EXIT_INTERRUPTED
    print(summary.render())
    return EXIT_OK if summary.all_landed else EXIT_SOME_FAILED
