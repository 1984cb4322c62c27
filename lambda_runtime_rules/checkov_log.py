"""What our checks write to Checkov's log: the DEBUG lines Checkov writes about each call of a check.

Checkov sets its root logger to DEBUG whatever ``LOG_LEVEL`` says and keeps every DEBUG line of a run in memory
(``checkov.logging_init.log_stream``, a ``StringIO`` behind a root handler; kept for ``--support`` uploads). Each
framework worker sends its stream whole to the parent process, which holds it at up to 4 bytes a character and
needs several times that while unpickling it. For every call of every check on every resource Checkov writes
about 1,000 characters there: three lines from its run filter (``should_run_check``), "Running check", the result
(``BaseCheck.run``) and "Secret was not saved" (``omit_secret_value_from_checks``). On the corpus our checks get
about 11,000 calls, so those lines were nearly all of the memory that adding our checks cost a Checkov run
(issue 13), and some of the CPU.

The lines say nothing the report does not: which check ran on which file, and its verdict. So unless Checkov
itself logs at DEBUG (``LOG_LEVEL=DEBUG``, someone debugging a run, who then sees every line as before), the
lines about a call of one of *our* checks are kept out of that stream; every other line, Checkov's own checks'
and other external checks' included, is kept as it was.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Collection
from typing import Any

_LOGGER = "lambda_runtime_rules.checks"  # our checks' logger in Checkov (see quiet_result_lines)
ID_PREFIX = "CKV_LRR_"
"""Every check ID of this package starts with it (a test says so)."""

_RUNNING = "Running check: "
_ON_FILE = " on file "
_MAX_DEPTH = 16  # frames from the filter up to the logging call: 8 in CPython 3.11 (a test runs through them)


def debugging() -> bool:
    """Does Checkov log at DEBUG in this run (every line kept, ours too)?"""
    return os.environ.get("LOG_LEVEL", "").strip().upper() == "DEBUG"


def quiet_result_lines(check: Any) -> None:
    """Give the check this package's logger, which keeps Checkov's per-result DEBUG line out of Checkov's log
    unless Checkov itself logs at DEBUG.

    Checkov's ``BaseCheck.run`` logs that line through ``check.logger``, named after the class's module: ``abc``
    for classes made by ``type()`` under ``ABCMeta``, where no filter could tell it from anyone else's."""
    logger = logging.getLogger(_LOGGER)
    if not debugging():
        logger.setLevel(logging.INFO)
    check.logger = logger


class OurCallsFilter(logging.Filter):
    """Drops the DEBUG records Checkov writes about a call of one of our checks: its run filter's
    (``should_run_check``), "Running check" (by the check's name) and "Secret was not saved"; passes every
    other record.

    "Running check" and the secrets line are told apart by their text. The run filter's lines are not: two of them
    name no check ("skip_severity = ...", "bc_check_id = ...", which also print the run's suppressed policies), and
    what the others say is Checkov's to reword. So for a record from ``should_run_check`` the filter reads
    ``check_id`` from that function's frame, which is on the stack because a handler's filter runs inside the
    logging call: about 80,000 times in a corpus run, under a microsecond each."""

    def __init__(self, names: Collection[str]) -> None:
        super().__init__()
        self.names = frozenset(names)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            return self._keeps(record)
        except Exception:  # a filter that raises would raise out of Checkov's logging call: keep the line
            return True

    def _keeps(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.DEBUG:
            return True
        message = record.msg
        if not isinstance(message, str):
            return True
        if message.startswith(_RUNNING):  # every registry's line, whatever its function is called
            return message[len(_RUNNING):message.find(_ON_FILE, len(_RUNNING))] not in self.names
        function = record.funcName
        if function == "omit_secret_value_from_checks":
            return ID_PREFIX not in message
        if function != "should_run_check":
            return True
        # By the frame, not the text (see the class's docstring).
        return not str(_local_of(function, "check_id") or "").startswith(ID_PREFIX)


def _local_of(function: str, name: str) -> object:
    """The local ``name`` of the innermost running ``function`` on this thread's stack, or None."""
    try:
        frame: Any = sys._getframe(2)
    except (AttributeError, ValueError):  # not CPython, or a shallow stack
        return None
    for _ in range(_MAX_DEPTH):
        if frame is None:
            return None
        if frame.f_code.co_name == function:
            return frame.f_locals.get(name)
        frame = frame.f_back
    return None


def quiet_log_stream(names: Collection[str]) -> None:
    """Put an :class:`OurCallsFilter` (once) on the handler of Checkov's in-memory log, unless Checkov logs at
    DEBUG. Called where the checks register, in each process that scans (a forked worker has its own copy)."""
    if debugging():
        return
    try:
        from checkov.logging_init import log_stream
    except Exception:  # not run by Checkov, or a Checkov without the stream: nothing to quieten
        return
    for handler in logging.getLogger().handlers:
        if getattr(handler, "stream", None) is not log_stream:
            continue
        if not any(isinstance(existing, OurCallsFilter) for existing in handler.filters):
            handler.addFilter(OurCallsFilter(names))
