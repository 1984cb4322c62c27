"""``fix``: rewrite flagged literal runtimes to a successor in the same family, in place.

A value is rewritten when ``check`` reports EL1001, EL1002, WL1003 or WL1004 on a function, or WL4001 on a
layer (approved exceptions and ``--warn-days`` apply as in ``check``), and the catalog has a successor of the
same family: ``--target minimal`` (default) takes the oldest one outside the warning window, ``latest`` the
newest generally available one. Parameter Defaults, AllowedValues entries and Mappings values are edited
where they are written, and so are Terraform values: a resource's literal, a module call's argument, a
variable default, a ``terraform.tfvars`` entry, wherever in the folder (or a local module) it is written.
String templates (``"python${var.v}"``) and anything unresolvable are left alone and reported as manual.
A move to another family (go1.x to provided.al2023 needs a ``bootstrap`` binary), a function pinned to a
runtime version (Manual with a RuntimeVersionArn) and an entry that would repeat a runtime in a layer's list or
in AllowedValues are reported as manual.

Writes are safe: a temporary file beside the original replaces it only if the original still is what was read
(size, mtime, SHA-256); mode, owner and group are kept, hard links are rewritten in place, and a change is
reported only once it is written.

Output: ``path:line: old -> new`` per change and ``path:line: old: manual upgrade needed: why`` per value
left alone, on stdout. With ``--dry-run`` stdout carries only a unified diff (usable with ``patch -p0``) and
those lines go to stderr; nothing is written.

Exit codes (pre-commit's fixer convention, so the commit is retried on the fixed files):
  0  nothing to change (manual upgrades may remain: ``check`` is the gate that fails on them)
  1  files were modified (with ``--dry-run``: would be modified)
  2  usage error, or a file that cannot be read, parsed or edited (one line each; other files still fixed)
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import difflib
import hashlib
import os
import re
import stat
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO, Callable, TextIO

from ..catalog import Catalog
from ..rewrite import Edit, EditError, Manual, apply_edits, is_generated, plan, subjects_for_text
from ..scan import InputError, is_jsonc_config, is_terraform, iter_files, module_folders
from ..settings import Settings
from .common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, context, fail

EPILOG = (
    "exit status: 0 nothing to change, 1 files were modified (or would be, with --dry-run), "
    "2 usage error or a file that cannot be read, parsed or edited"
)


@dataclass
class Outcome:
    """What fixing one file did."""

    changed: bool = False
    error: str = ""
    lines: list[str] = field(default_factory=list)
    diff: str = ""


def run(args: argparse.Namespace) -> int:
    try:
        settings, catalog = context(args)
    except UsageError as exc:
        return fail(str(exc))
    dry_run = bool(getattr(args, "dry_run", False))
    target = getattr(args, "target", "minimal") or "minimal"
    report: TextIO = sys.stderr if dry_run else sys.stdout
    status = EXIT_OK
    files = iter_files(list(getattr(args, "paths", None) or ["."]))
    if not dry_run:  # temporaries a killed run left beside the files this run may write
        for folder in dict.fromkeys(Path(os.path.realpath(path)).parent for path in files):
            clean_stale_temporaries(folder)
    modules = module_folders(files)  # judged (and edited) through their callers
    folders = [f for f in dict.fromkeys(str(path.parent) for path in files if is_terraform(path)) if f not in modules]
    jobs: list[tuple[str, Callable[[], list[Outcome]]]] = [
        (str(path), partial(lambda p: [fix_file(p, settings, catalog, target, dry_run)], path))
        for path in files
        if not is_terraform(path)
    ]
    touched: set[str] = set()  # a local module's file, reached from two folders, is edited once
    jobs += [
        (folder, partial(fix_terraform_folder, folder, settings, catalog, target, dry_run, touched))
        for folder in folders
    ]
    for name, job in jobs:
        try:
            outcomes = job()
        except Exception as exc:  # a bug must cost one file (or folder), not the run
            outcomes = [Outcome(error=f"{name}: internal error, left unchanged: {exc!r}")]
        for outcome in outcomes:
            if outcome.diff:
                sys.stdout.write(outcome.diff)
            for line in dict.fromkeys(outcome.lines):  # a Default and an AllowedValues entry on one line: once
                print(line, file=report)
            if outcome.error:
                fail(outcome.error)
                status = EXIT_USAGE
            elif outcome.changed and status == EXIT_OK:
                status = EXIT_FINDINGS
    sys.stdout.flush()
    return status


@dataclass(frozen=True)
class Snapshot:
    """What a file held when it was read: compared again immediately before it is replaced."""

    size: int
    mtime_ns: int
    digest: bytes
    data: bytes  # kept to restore a hard-linked file whose in-place write fails half way


@dataclass(frozen=True)
class Read:
    text: str
    bom: bytes
    snapshot: Snapshot


class FileChanged(OSError):
    """The file is no longer what ``fix`` read: another program wrote it meanwhile."""


def _snapshot(stream: BinaryIO) -> Snapshot:
    data = stream.read()
    info = os.fstat(stream.fileno())
    return Snapshot(info.st_size, info.st_mtime_ns, hashlib.sha256(data).digest(), data)


def _read(path: Path, outcome: Outcome) -> Read | None:
    """The file's text, its BOM and a snapshot; None (with ``outcome.error`` set) when it cannot be used."""
    display = str(path)
    try:
        with open(path, "rb") as stream:
            snapshot = _snapshot(stream)
    except OSError as exc:
        outcome.error = f"{display}: cannot read: {exc.strerror or exc}"
        return None
    data = snapshot.data
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError as exc:
        outcome.error = f"{display}: byte {exc.start + len(bom)}: not valid UTF-8 ({exc.reason})"
        return None
    if bom and text.startswith("\ufeff"):  # the parsers drop one mark, so every position would be off
        outcome.error = f"{display}: starts with two UTF-8 byte-order marks: remove one, then run fix again"
        return None
    return Read(text, bom, snapshot)


def fix_file(path: Path, settings: Settings, catalog: Catalog, target: str, dry_run: bool) -> Outcome:
    """Fix one file; never raises for a bad file (the problem is in ``Outcome.error``)."""
    display = str(path)
    outcome = Outcome()
    if is_jsonc_config(path):  # tsconfig.json and editor settings: JSON with comments, never a template
        return outcome
    read = _read(path, outcome)
    if read is None:
        return outcome
    text = read.text
    try:
        loaded = subjects_for_text(text, display)
    except InputError as exc:
        outcome.error = str(exc)
        return outcome
    if not loaded.kind:
        return outcome
    wanted = plan(loaded.subjects, settings, catalog, target, loaded.linked, loaded.lists)
    manual = list(wanted.manual)
    edits = wanted.edits
    if edits and is_generated(path):
        reason = "generated by the CDK: change the runtime in the CDK app and synthesize again"
        manual.extend(Manual(e.line, e.old, reason) for e in edits)
        edits = []
    if edits and loaded.fmt == "cdk":  # runtime identifiers -> the constant's token in the file's language
        from ..sources.cdk import token_edits

        edits, unmapped = token_edits(text, edits, catalog, display)
        manual.extend(unmapped)
    if edits and loaded.fmt == "script":
        reason = "found through a TypeScript/JavaScript configuration, which fix does not rewrite: change it by hand"
        manual.extend(Manual(e.line, e.old, reason, e.file) for e in edits)
        edits = []

    def reparse(new_text: str) -> bool:
        try:
            subjects_for_text(new_text, display)
        except InputError:
            return False
        return True

    _edit(path, read, loaded.fmt, edits, manual, reparse, dry_run, outcome)
    return outcome


def _edit(
    path: Path,
    read: Read | None,
    fmt: str,
    edits: Sequence[Edit],
    manual: list[Manual],
    reparse: Callable[[str], bool],
    dry_run: bool,
    outcome: Outcome,
) -> None:
    """Apply the edits to one file's text, write it safely, and report what was written and what is manual.

    A change is reported only once it is written (or, with ``--dry-run``, would be): a failed write is the
    file's one error line, and its manual upgrades are still listed.
    """
    display = str(path)
    text = read.text if read else ""
    try:
        new_text, applied, skipped = apply_edits(text, fmt, edits)
    except EditError as exc:
        outcome.error = f"{display}: cannot edit: {exc}"
        return
    manual = manual + skipped
    if applied and not reparse(new_text):  # a safety net: an edit must never leave a file that no longer parses
        outcome.error = f"{display}: not written: the edited text would not parse (please report this)"
        return
    verb = " (would change)" if dry_run else ""
    changes = [f"{display}:{edit.line}: {edit.old} -> {edit.new}{verb}" for edit in applied]
    manuals = [
        f"{entry.file or display}:{entry.line}: {entry.runtime}: manual upgrade needed: {entry.reason}"
        for entry in sorted(manual, key=lambda m: (m.line, m.runtime))
    ]
    if read is None or new_text == text:
        outcome.lines = changes + manuals
        return
    if dry_run:
        outcome.changed = True
        outcome.diff = unified_diff(text, new_text, display)
        outcome.lines = changes + manuals
        return
    try:
        write_atomic(path, read.bom + new_text.encode("utf-8"), read.snapshot)
    except FileChanged:
        outcome.error = f"{display}: not written: it changed since fix read it (another program?); run fix again"
    except OSError as exc:
        outcome.error = f"{display}: not written: {exc.strerror or exc}"
    else:
        outcome.changed = True
    outcome.lines = (changes if outcome.changed else []) + manuals


def fix_terraform_folder(
    folder: str, settings: Settings, catalog: Catalog, target: str, dry_run: bool, touched: set[str] | None = None
) -> list[Outcome]:
    """Fix a Terraform folder as the module it is: a value is edited where it is written (a resource, a module
    call's argument, a variable default, ``terraform.tfvars``), in whichever file of the repository that is.

    Values inside a module that ``terraform init`` downloaded are not ours to edit: they are reported as manual.
    Each edited file is re-parsed before it is written, and a file that does not parse is refused (and holds no
    value to edit).
    """
    from ..sources import terraform

    subjects, errors = terraform.evaluate_folder(folder)
    outcomes = [Outcome(error=message) for _, message in sorted(errors.items())]
    wanted = plan(subjects, settings, catalog, target)
    by_file: dict[str, tuple[list[Edit], list[Manual]]] = {}
    for edit in wanted.edits:
        by_file.setdefault(edit.file, ([], []))[0].append(edit)
    for entry in wanted.manual:
        by_file.setdefault(entry.file, ([], []))[1].append(entry)
    touched = set() if touched is None else touched
    for file, (edits, manual) in sorted(by_file.items()):
        if file in touched:
            continue
        touched.add(file)
        outcome = Outcome()
        outcomes.append(outcome)
        parts = Path(file).parts
        if ".terraform" in parts and edits:
            reason = "inside a module downloaded by terraform init: pass a newer runtime or use a newer module version"
            manual = manual + [Manual(e.line, e.old, reason, file) for e in edits]
            edits = []
        if not edits:
            _edit(Path(file), None, "terraform", [], manual, lambda _: True, dry_run, outcome)
            continue
        read = _read(Path(file), outcome)
        if read is None:
            continue
        fmt = "json" if file.lower().endswith(".json") else "terraform"

        def reparse(new_text: str, file: str = file) -> bool:
            try:
                terraform.parse_file(file, new_text)
            except terraform.TerraformError:
                return False
            return True

        _edit(Path(file), read, fmt, edits, manual, reparse, dry_run, outcome)
    return outcomes


def unified_diff(old: str, new: str, name: str, context: int = 3) -> str:
    """A unified diff that ``patch -p0`` applies, line endings included.

    Edits replace characters within a line, so both texts have their lines in the same places: the hunks
    come from one pass over the changed lines (linear), where difflib's matcher is quadratic in them.
    """
    before, after = _lines(old), _lines(new)
    name = diff_name(name)
    if len(before) != len(after):  # not an edit of ours: let difflib find the alignment
        body = list(difflib.unified_diff(before, after, fromfile=name, tofile=name))
    else:
        changed = [index for index, (a, b) in enumerate(zip(before, after)) if a != b]
        body = [f"--- {name}\n", f"+++ {name}\n"] if changed else []
        start = 0
        while start < len(changed):
            stop = start  # changed[start..stop] share one hunk while their contexts touch
            while stop + 1 < len(changed) and changed[stop + 1] - changed[stop] <= 2 * context + 1:
                stop += 1
            first, last = max(0, changed[start] - context), min(len(before), changed[stop] + context + 1)
            span = _range(first, last)
            body.append(f"@@ -{span} +{span} @@\n")
            index = first
            while index < last:
                if before[index] == after[index]:
                    body.append(" " + before[index])
                    index += 1
                    continue
                end = index  # a run of changed lines: its removals, then its additions, as diff -u writes them
                while end < last and before[end] != after[end]:
                    end += 1
                body.extend("-" + line for line in before[index:end])
                body.extend("+" + line for line in after[index:end])
                index = end
            start = stop + 1
    out: list[str] = []
    for line in body:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"}


def diff_name(name: str) -> str:
    """A file name for a diff header, quoted as GNU ``diff -u`` quotes it when it holds anything but plain
    printable ASCII: a space (``patch`` ends an unquoted name there), a quote, a control or non-ASCII byte
    (C escapes, octal for raw bytes, which ``patch`` decodes back to the same bytes).
    """
    if name and all("!" <= char <= "~" and char not in '"\\' for char in name):
        return name
    quoted = "".join(
        _ESCAPES.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}") for byte in os.fsencode(name)
    )
    return f'"{quoted}"'


def _range(first: int, last: int) -> str:
    """A hunk's line range as ``diff -u`` writes it (0-based ``[first, last)``)."""
    length = last - first
    if length == 1:
        return str(first + 1)
    return f"{first + 1 if length else first},{length}"


def _lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only (as ``patch`` reads them), each keeping its ending, ``\\r\\n`` included."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


TEMPORARY = re.compile(r"\.(?P<name>.+)\.lrr(?P<pid>[0-9]+)\.[A-Za-z0-9_]+\.tmp")
"""Our temporary files: ``.NAME.lrrPID.RANDOM.tmp``, beside the file they replace."""


def clean_stale_temporaries(folder: Path) -> None:
    """Remove temporaries of ours that a killed run left behind: their process no longer exists."""
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in names:
        match = TEMPORARY.fullmatch(name)
        if match is None or _alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(folder / name)


def _alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # os.kill(pid, 0) would terminate the process on Windows: leave every temporary alone
    if pid == os.getpid():
        return False  # this run writes one file at a time: a temporary with its number is an old one
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # someone else's process (or a number we cannot ask about): leave it alone
    return True


def write_atomic(path: Path, data: bytes, expected: Snapshot | None = None) -> None:
    """Replace a file's content, keeping its mode, owner and group (where permitted), and its links.

    The data goes to a temporary file in the same folder that ``os.replace`` moves over the original, so an
    interrupted run never leaves half a file. Immediately before that, the file is read again and compared
    with ``expected`` (size, modification time, content hash): a file another program wrote meanwhile raises
    ``FileChanged`` and stays as that program left it. A symbolic link is followed, so the link stays a link.
    A file with several hard links is rewritten in place, so that every name sees the change (replacing it
    would leave the other names with the old text); a write that fails half way puts the old bytes back.
    """
    target = Path(os.path.realpath(path))
    info = target.stat()
    if info.st_nlink > 1:
        _write_in_place(target, data, expected)
        return
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.lrr{os.getpid()}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        _keep_owner(temporary, info)
        if expected is not None:
            with open(target, "rb") as current:
                _verify(current, expected)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _keep_owner(temporary: str, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group; as far as we may (any user can keep the group
    when they belong to it, only root can keep another owner)."""
    if not hasattr(os, "chown"):
        return
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) == (info.st_uid, info.st_gid):
        return
    try:
        os.chown(temporary, info.st_uid, info.st_gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.chown(temporary, -1, info.st_gid)


def _verify(stream: BinaryIO, expected: Snapshot) -> None:
    now = _snapshot(stream)
    if (now.size, now.mtime_ns, now.digest) != (expected.size, expected.mtime_ns, expected.digest):
        raise FileChanged(f"{stream.name}: changed since it was read")


def _write_in_place(target: Path, data: bytes, expected: Snapshot | None) -> None:
    with open(target, "r+b") as stream:
        if expected is not None:
            _verify(stream, expected)
        original = expected.data if expected is not None else b""
        try:
            stream.seek(0)
            stream.write(data)
            stream.truncate()
            stream.flush()
            os.fsync(stream.fileno())
        except BaseException:
            if expected is not None:  # the old bytes fit where they were: put them back
                with contextlib.suppress(OSError):
                    stream.seek(0)
                    stream.write(original)
                    stream.truncate()
                    stream.flush()
            raise
