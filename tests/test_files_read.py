"""``files.read_bytes``: one read of the size ``fstat`` gives, and the whole file whatever that size said.

The fast path trusts a short read of a regular file as its end; these tests hold the cases where the size is
wrong (the file grew between ``fstat`` and the read, or is one of /proc's files, which say 0) and the limits.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from lambda_runtime_rules import files


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, (1 << 20) - 1, 1 << 20, (1 << 20) + 3, 3 * (1 << 20) + 5])
def test_files_of_any_size_are_read_whole(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    (tmp_path / "f").write_bytes(data)
    assert files.read_bytes(tmp_path / "f") == data


def test_the_limit_is_exact(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 100)
    assert files.read_bytes(tmp_path / "f", limit=100) == b"x" * 100
    with pytest.raises(files.FileProblem, match="file is 100 bytes, over the 99 byte limit"):
        files.read_bytes(tmp_path / "f", limit=99)


@pytest.mark.parametrize("reported", [0, 1, 50, 99])
def test_a_file_larger_than_fstat_said_is_read_to_its_end_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reported: int
) -> None:
    """As if the file grew after ``fstat``: every byte is read, and the limit still holds."""
    data = bytes(range(256)) * 4 + b"end"
    (tmp_path / "f").write_bytes(data)
    real = os.fstat

    def smaller(descriptor: int) -> os.stat_result:
        info = list(real(descriptor))
        info[6] = reported  # st_size
        return os.stat_result(info)

    monkeypatch.setattr(files.os, "fstat", smaller)
    assert files.read_bytes(tmp_path / "f") == data
    with pytest.raises(files.FileProblem, match="bytes, over the 1000 byte limit"):
        files.read_bytes(tmp_path / "f", limit=1000)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_a_proc_file_that_says_it_is_empty_is_read_whole() -> None:
    with open("/proc/self/cmdline", "rb") as handle:
        expected = handle.read()
    assert os.stat("/proc/self/cmdline").st_size == 0 and expected
    assert files.read_bytes("/proc/self/cmdline") == expected


def test_short_reads_are_not_taken_for_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A network or FUSE file system (or a signal) may return less than asked before the end of a regular file."""
    data = os.urandom(10 * 1024 + 7)
    (tmp_path / "f").write_bytes(data)
    real = os.read
    monkeypatch.setattr(files.os, "read", lambda descriptor, size: real(descriptor, min(size, 4096)))
    assert files.read_bytes(tmp_path / "f") == data
    with pytest.raises(files.FileProblem, match="over the 9000 byte limit"):
        files.read_bytes(tmp_path / "f", limit=9000)
