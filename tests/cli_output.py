"""What the tests share about the CLI's stderr: the text format's closing summary line."""

from __future__ import annotations

import re

SUMMARY = re.compile(
    r"\d+ findings? \(\d+ errors?, \d+ warnings?\) in \d+ files?"
    r"(; \d+ accepted by the baseline( \(\d+ stale entr(y|ies)\))?)?"
    r"(; \d+ files? could not be read)?"
)


def without_summary(stderr: str) -> str:
    """``stderr`` without the summary line that ends every text run; fails when that line is not the last."""
    lines = stderr.splitlines(keepends=True)
    assert lines and SUMMARY.fullmatch(lines[-1].rstrip("\n")), f"no summary line at the end of {stderr!r}"
    return "".join(lines[:-1])


def without_summary_bytes(stderr: bytes) -> bytes:
    return without_summary(stderr.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
