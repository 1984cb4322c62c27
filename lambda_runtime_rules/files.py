"""Reading an input file safely: regular files only, and never more than a cap.

Every file we read on a user's behalf (templates, Terraform, the config file, a catalog overlay) comes through
``read_bytes``. A FIFO, socket or device (``/dev/zero``, a named pipe in a checkout) would block or read until
memory runs out; a huge file would take minutes. Both become one ``FileProblem`` line instead. The file is
opened without blocking and checked with ``fstat`` on the open descriptor, so nothing can swap it in between.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

MAX_FILE_BYTES = 20 * 1024 * 1024
"""No real template, Terraform file, config or catalog comes close; parsing cost grows with size."""

_CHUNK = 64 * 1024
"""Bytes asked for by each read after the first: under glibc's default mmap threshold (128 KiB)."""

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


class FileProblem(Exception):
    """Why a file cannot be read, as a short phrase (``cannot read: Permission denied``); no path in it."""


def too_big(size: int, limit: int = MAX_FILE_BYTES) -> str:
    return f"file is {size} bytes, over the {limit} byte limit"


def read_bytes(path: str | os.PathLike[str], limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; raises FileProblem for anything else."""
    try:
        data = _read(path, limit)
    except FileProblem as exc:
        if _RECORDERS:
            _note(f"f{limit}", path, "!" + str(exc))
        raise
    if _RECORDERS:
        _note(f"f{limit}", path, digest(data))
    return data


def _read(path: str | os.PathLike[str], limit: int) -> bytes:
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
        # The first read asks for the size fstat gave and one byte more, so the buffer is the file's size: every
        # file of a warm cached run is read to be hashed, and a 1 MiB buffer for each read (past malloc's mmap
        # threshold: a map, page faults and an unmap every time) cost more than the read. Then on to the end, the
        # empty read (asked for with a one-byte buffer), in chunks that stay under that threshold: a short read is
        # not always the end (a network or FUSE file system, a signal), and a file may hold more than fstat said
        # (it grew, or /proc's, which say 0).
        chunk = os.read(descriptor, min(info.st_size + 1, limit + 1))
        chunks = [chunk]
        remaining = limit + 1 - len(chunk)
        size = 1  # the usual next read finds the end: a one-byte buffer for it
        while chunk and remaining > 0:
            chunk = os.read(descriptor, min(remaining, size))
            chunks.append(chunk)
            remaining -= len(chunk)
            size = _CHUNK
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


# --- what a scan looked at, for the result cache (see ``cache``) -----------------------------------------------
#
# A cached verdict may be served only while everything it was derived from is unchanged: the file itself, and
# every include, module folder, tfvars file, Dockerfile, tsconfig.json or cdk.json the readers opened, looked for
# or listed on the way. So every reader touches the file system only through this module (a test keeps it so),
# and while ``recording()`` is active each touch is noted as (what, where) -> state: a content digest, a kind
# ("file", "dir", "none"), a folder's names. ``state_now`` recomputes a state, which is how a cached entry is
# checked before it is served. A reader's own in-process cache keeps the notes of its first read and
# ``replay``s them on a hit, so a hit there never hides a dependency.

_RECORDERS: list[dict[str, str]] = []


def digest(data: bytes) -> str:
    """A file's content as a short hex digest: SHA-256's first 128 bits.

    SHA-256 rather than BLAKE2b: OpenSSL computes it with the CPU's SHA instructions (x86 since 2017-2019, every
    64-bit ARM server and Apple chip), and hashing the corpus's 3.3 MB took 1.8 ms against 2.5 ms for CPython's
    own BLAKE2b, on the machine this was measured on; a warm cached run is mostly hashing."""
    return hashlib.sha256(data).hexdigest()[:32]


@contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Collect every read, probe and listing made inside the block, keyed ``"<what>:<absolute path>"``."""
    notes: dict[str, str] = {}
    _RECORDERS.append(notes)
    try:
        yield notes
    finally:  # by identity: list.remove compares with ==, and two recorders may hold equal notes
        del _RECORDERS[next(i for i, r in enumerate(_RECORDERS) if r is notes)]


def recording_now() -> bool:
    """Whether a ``recording()`` block is active: a reader's own cache may skip noting for nobody."""
    return bool(_RECORDERS)


def replay(notes: Mapping[str, str]) -> None:
    """Note again what an earlier, cached read noted (a reader's in-process cache hit)."""
    for recorder in _RECORDERS:
        for key, state in notes.items():
            recorder.setdefault(key, state)


def _note(what: str, path: str | os.PathLike[str], state: str) -> None:
    key = f"{what}:{os.path.abspath(path)}"
    for recorder in _RECORDERS:
        recorder.setdefault(key, state)  # the first observation is what the verdict was derived from


def _kind(path: str | os.PathLike[str]) -> str:
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return "none"
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def kind(path: str | os.PathLike[str]) -> str:
    """``file``, ``dir``, ``other`` (a pipe, socket or device) or ``none``, following symbolic links; noted."""
    found = _kind(path)
    if _RECORDERS:
        _note("k", path, found)
    return found


def is_file(path: str | os.PathLike[str]) -> bool:
    """``os.path.isfile``, noted for the result cache."""
    return kind(path) == "file"


def is_dir(path: str | os.PathLike[str]) -> bool:
    """``os.path.isdir``, noted for the result cache."""
    return kind(path) == "dir"


def _names_state(folder: str | os.PathLike[str]) -> str:
    try:
        names = sorted(os.listdir(folder))
    except (OSError, ValueError):
        return "!"
    return digest("\0".join(names).encode("utf-8", "surrogateescape"))


def note_listing(folder: str | os.PathLike[str]) -> None:
    """Note the names in a folder a reader listed (a Terraform module): a file added or removed there changes
    what the folder means, even before anything reads it."""
    if _RECORDERS:
        _note("d", folder, _names_state(folder))


def state_now(key: str) -> str:
    """The state a noted key has now, computed the way it was noted (``""`` for a key this version never writes)."""
    what, _, path = key.partition(":")
    if what == "k":
        return _kind(path)
    if what == "d":
        return _names_state(path)
    if what.startswith("f") and what[1:].isdecimal() and len(what) <= 13:  # a limit this version writes
        try:
            return digest(_read(path, int(what[1:])))
        except FileProblem as exc:
            return "!" + str(exc)
    return ""
