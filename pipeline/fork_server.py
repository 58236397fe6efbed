"""The fork server pool workers start from, with the heavy modules already imported.

Importing Great Expectations alone takes ~4 CPU s. The server imports it (and every stage) once
and builds its context (pipeline/preload.py), and every pool worker is forked from it with all of
that loaded; the server is a clean process, so workers do not inherit the
run's lock or the coordinator's threads. `start_early` launches it before the coordinator's own
imports and manifest reading, so the two overlap on a multi-core machine.
"""
from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver

# cv2 and onnxruntime (OCR; the model itself loads on a worker's first scan) are mapped before a
# worker's memory limit applies: ~400 MB of address space that, mapped late under a tight limit,
# fails a scanned page with an ImportError ("failed to map segment") instead of a clear reason.
# pipeline.preload imports every stage and builds GX's context (~5 CPU s, paid once per batch,
# not once per worker).
PRELOAD = ["pipeline.preload", "cv2", "onnxruntime"]


def pool_context():
    """The multiprocessing context pools use: the fork server where the platform has one."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_early() -> None:
    """Start the fork server now (it imports PRELOAD in the background); a no-op without one."""
    if pool_context().get_start_method() == "forkserver":
        multiprocessing.forkserver.ensure_running()
