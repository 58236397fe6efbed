"""`python -m pipeline ingest PATH... [--out DIR] [--workers N] [--force]` and `accept`."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline",
                                description="Budget-performance PDFs → Parquet datasets.")
    sub = p.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="extract, normalize, validate and write PDFs")
    ingest.add_argument("paths", nargs="+", type=Path, help="PDF files or folders (recursive)")
    ingest.add_argument("--out", type=Path, default=Path("outputs"), help="output folder")
    ingest.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: number of cores)")
    ingest.add_argument("--force", action="store_true", help="re-extract unchanged files")
    ingest.add_argument("--prune", action="store_true",
                        help="drop rows of inputs that are no longer among PATHs")
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    accept = sub.add_parser("accept", help="accept a failed check as the publisher's own error")
    accept.add_argument("report_id")
    accept.add_argument("check", help="check name, e.g. budget.execution_rate")
    accept.add_argument("--reason", required=True)
    accept.add_argument("--out", type=Path, default=Path("outputs"))
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
    from pipeline.run import UsageError, ingest

    try:
        summary = ingest(args.paths, args.out, workers=args.workers, force=args.force,
                         prune=args.prune, progress=not args.no_progress and sys.stderr.isatty())
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(summary.render())
    return EXIT_OK if summary.all_landed else EXIT_SOME_FAILED
