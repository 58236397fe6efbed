"""A per-report time limit that interrupts pure-Python work (pdfminer) where it stands.

In a process's main thread (pool workers, the inline run) SIGALRM does it; in other threads (Dask
workers run tasks in threads) a timer thread raises the exception asynchronously in the worker
thread. Either way the exception lands between bytecodes: a long call inside C code (a native
renderer, OCR inference) is interrupted only when it returns to Python.
"""
from __future__ import annotations

import ctypes
import signal
import threading
from contextlib import contextmanager


class ReportTimeout(BaseException):
    """Raised inside the report's code when its time is up. A BaseException, so the broad
    `except Exception` handlers in pdfminer/pdfplumber (and process()) do not swallow it or
    relabel it as a corrupt PDF."""


@contextmanager
def time_limit(seconds: float):
    """Raise ReportTimeout in this thread if the block runs longer than `seconds` (0 = no limit).
    The alarm is always disarmed on the way out."""
    if not seconds or seconds <= 0:
        yield
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _async_raise_after(seconds):
            yield


@contextmanager
def _alarm(seconds: float):
    def expire(signum, frame):
        raise ReportTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        try:  # nested so the clean-up runs even if the alarm fires right here
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


def _set_async_exc(thread_id: int, exc: type[BaseException] | None) -> None:
    """Schedule `exc` in that thread (None withdraws a scheduled one, if not yet raised)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc is not None else None)


@contextmanager
def _async_raise_after(seconds: float):
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                _set_async_exc(target, ReportTimeout)
                state["fired"] = True

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    try:
        timer.start()
        yield
    finally:
        timer.cancel()
        with lock:
            state["done"] = True
            if state["fired"]:  # fired but maybe not yet delivered: withdraw it
                _set_async_exc(target, None)
