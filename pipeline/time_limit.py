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
import time
from collections.abc import Callable
from contextlib import contextmanager


REFIRE_S = 0.05  # after the limit, the timeout is raised again this often until it ends the block


class ReportTimeout(BaseException):
    """Raised inside the report's code when its time is up. A BaseException, so the broad
    `except Exception` handlers in pdfminer/pdfplumber (and process()) do not swallow it or
    relabel it as a corrupt PDF."""


class Limit:
    """The running limit of a time_limit block. `extend_to(total)` moves the deadline to `total`
    seconds after the block started (the per-page allowance, once the page count is known).
    `clock` tells the time (time.monotonic; a test passes its own)."""

    def __init__(self, seconds: float, rearm=None, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.started = clock()
        self._rearm = rearm  # called with the seconds left; None when there is no limit

    def extend_to(self, total: float) -> None:
        if self._rearm is None or total <= self.seconds:
            return
        self.seconds = total
        self._rearm(max(self.started + total - self._clock(), 1e-3))


@contextmanager
def time_limit(seconds: float):
    """Raise ReportTimeout in this thread if the block runs longer than `seconds` (0 = no limit);
    yields a Limit that can be extended. The alarm is always disarmed on the way out."""
    if not seconds or seconds <= 0:
        yield Limit(0.0)
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds) as limit:
            yield limit
    else:
        with _async_raise_after(seconds) as limit:
            yield limit


@contextmanager
def _alarm(seconds: float):
    limit = Limit(seconds, lambda left: signal.setitimer(signal.ITIMER_REAL, left))

    def expire(signum, frame):
        # Raised inside a finalizer (pypdfium2 closes pages from weakref callbacks) the exception
        # is printed and dropped, and the report would run on: fire again until the block is left.
        signal.setitimer(signal.ITIMER_REAL, REFIRE_S)
        raise ReportTimeout(limit.seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield limit
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
    state = {"done": False, "fired": False, "timer": None}

    def expire(timer) -> None:
        with lock:  # a timer replaced by extend_to while it waited for the lock does nothing
            if not state["done"] and state["timer"] is timer:
                _set_async_exc(target, ReportTimeout)
                state["fired"] = True
                again = threading.Timer(REFIRE_S, lambda: expire(again))  # dropped in a finalizer?
                again.daemon = True
                state["timer"] = again
                again.start()

    def arm(left: float) -> None:
        with lock:
            if state["fired"] or state["done"]:
                return  # too late to extend: the exception is on its way
            if state["timer"] is not None:
                state["timer"].cancel()
            timer = threading.Timer(left, lambda: expire(timer))
            timer.daemon = True
            state["timer"] = timer
            timer.start()

    limit = Limit(seconds, arm)
    try:
        arm(seconds)
        yield limit
    finally:
        with lock:
            state["done"] = True
            if state["timer"] is not None:
                state["timer"].cancel()
            if state["fired"]:  # fired but maybe not yet delivered: withdraw it
                _set_async_exc(target, None)
