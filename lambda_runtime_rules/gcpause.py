"""Pausing Python's cyclic garbage collector around bursts of allocation.

Loading a template and extracting its subjects allocates tens of thousands of small containers, none of them
cyclic garbage: reference counting frees them. Every collection those allocations trigger walks the whole
heap, and inside cfn-lint or Checkov that heap is the host's, hundreds of megabytes of graphs: measured inside
Checkov, the collections cost ten times the work itself. So the collector pauses while we work, and resumes
exactly as it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
