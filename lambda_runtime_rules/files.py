"""Reading an input file safely: regular files only, and never more than a cap.

Every file we read on a user's behalf (templates, Terraform, the config file, a catalog overlay) comes through
``read_bytes``. A FIFO, socket or device (``/dev/zero``, a named pipe in a checkout) would block or read until
memory runs out; a huge file would take minutes. Both become one ``FileProblem`` line instead. The file is
opened without blocking and checked with ``fstat`` on the open descriptor, so nothing can swap it in between.
"""

from __future__ import annotations

import os
import stat

MAX_FILE_BYTES = 20 * 1024 * 1024
"""No real template, Terraform file, config or catalog comes close; parsing cost grows with size."""

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


class FileProblem(Exception):
    """Why a file cannot be read, as a short phrase (``cannot read: Permission denied``); no path in it."""


def too_big(size: int, limit: int = MAX_FILE_BYTES) -> str:
    return f"file is {size} bytes, over the {limit} byte limit"


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; raises FileProblem for anything else."""
    try:
        descriptor = os.open(path, _FLAGS)
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the path
        raise FileProblem("cannot read: the path contains a NUL byte") from None
    try:
        info = os.fstat(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise FileProblem("cannot read: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise FileProblem("cannot read: not a regular file (a pipe, socket or device)")
        if info.st_size > limit:
            raise FileProblem(too_big(info.st_size, limit))
        chunks = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise FileProblem(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:  # grew while we read it
        raise FileProblem(too_big(len(data), limit))
    return data


def read_text(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> str:
    """``read_bytes`` decoded as UTF-8 (a byte-order mark dropped); raises FileProblem when it is not UTF-8."""
    data = read_bytes(path, limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(f"byte {exc.start}: not valid UTF-8 ({exc.reason})") from None
