"""A progress line on stderr for long runs on a terminal, and nothing anywhere else.

A pre-commit hook or a CI log must stay clean: the line appears only when stderr is a terminal, ``CI`` is not
set, ``TERM`` is not ``dumb``, and the run has lasted longer than ``DELAY`` seconds (a hook over a few files
never shows it). It is redrawn at most ``1 / INTERVAL`` times a second with a carriage return and erased when
the run ends, so the findings printed after it start on a clean line.

No library: rich or tqdm would cost 20-100 ms of imports on every pre-commit run to draw one line. This module
imports only the standard library and costs two clock reads per file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from typing import IO

DELAY = 0.5
INTERVAL = 0.1
WIDTH = 30


def wanted(stream: IO[str], env: Mapping[str, str] | None = None) -> bool:
    """A terminal that a person watches: not a pipe, not a CI log, not a dumb terminal."""
    env = os.environ if env is None else env
    if env.get("CI") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progress:
    """``[#########.....................]  312/1000 files`` on one line of ``stream``."""

    def __init__(self, stream: IO[str], total: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.total = total
        self.done = 0
        self.clock = clock
        self.started = clock()
        self.drawn_at = 0.0
        self.shown = False

    @classmethod
    def for_stream(cls, stream: IO[str], total: int | None, env: Mapping[str, str] | None = None) -> Progress | None:
        """A bar for this run, or None when nobody would see it (then callers skip every call).

        ``total`` None: not known yet (the tree is still being walked); whoever learns it sets ``total``."""
        if (total is not None and total <= 1) or not wanted(stream, env):
            return None
        return cls(stream, total or 0)

    def line(self) -> str:
        filled = WIDTH * self.done // self.total if self.total else WIDTH
        width = len(str(self.total))
        return f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done:>{width}}/{self.total} files"

    def advance(self, count: int = 1) -> None:
        self.done = min(self.total, self.done + count)
        now = self.clock()
        if now - self.started < DELAY or (self.shown and now - self.drawn_at < INTERVAL):
            return
        self.drawn_at = now
        self.shown = True
        self._write("\r" + self.line())

    def close(self) -> None:
        """Erase the line (only if it was drawn), so what follows starts at column 0."""
        if self.shown:
            self._write("\r" + " " * len(self.line()) + "\r")
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed or broken terminal must not fail the run
            pass
