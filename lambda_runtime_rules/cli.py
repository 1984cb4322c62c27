"""The ``lambda-runtime-rules`` command: argument parsing and dispatch, nothing else.

Contract (as for pre-commit hooks): ``main(argv) -> int``; exit 0 when nothing reaches ``--fail-on``, 1 when
something does, 2 for usage errors and unreadable input. Sub-commands are imported lazily so a pre-commit
run pays only for what it uses.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import io
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on usage errors already; keep its one-line message, drop the usage dump.

    Abbreviations are off everywhere: ``--high`` must not silently mean ``--high-compliance`` (nor break when a
    later option shares the prefix); an unknown option gets the nearest real one as a suggestion instead.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")

    def option_strings(self) -> list[str]:
        return [option for action in self._actions for option in action.option_strings]


def _unrecognized(parser: _Parser, extras: Sequence[str]) -> NoReturn:
    """'unrecognized arguments: --high (did you mean --high-compliance?)', naming the sub-command's options."""
    import difflib  # only a mistyped command line pays for it

    words = []
    for extra in extras:
        name = extra.split("=", 1)[0]
        options = parser.option_strings() if name.startswith("-") else []
        close = [o for o in options if o.startswith(name)] or difflib.get_close_matches(name, options, n=1)
        words.append(f"{extra} (did you mean {close[0]}?)" if close else extra)
    parser.error(f"unrecognized arguments: {' '.join(words)}")


class _VersionAction(argparse.Action):
    """``--version``: the package version and the bundled catalog's review date, computed only when asked
    (argparse's own action would need the string, and so the metadata and the catalog, on every run)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show the version and the bundled catalog's reviewed date, then exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> NoReturn:
        from .catalog import CatalogError
        from .version import version_line

        try:
            line = version_line()
        except CatalogError as exc:
            parser.exit(EXIT_USAGE, f"{parser.prog}: {exc}\n")
        stdout = _Stdout(sys.stdout)
        stdout.write(line + "\n")
        stdout.flush()
        failure = stdout.failure
        if failure is not None and failure.errno != errno.EPIPE:
            parser.exit(EXIT_USAGE, f"{parser.prog}: cannot write to stdout: {failure.strerror or failure}\n")
        parser.exit(EXIT_OK)


def _settings_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("settings (override the config file and environment)")
    group.add_argument("--as-of", metavar="DATE", help="evaluate as of this date (YYYY-MM-DD, Pacific)")
    group.add_argument("--warn-days", metavar="N", help="warn this many days before a deprecation (default 120)")
    group.add_argument(
        "--high-compliance",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="forbid Manual runtime update mode (EL3001)",
    )
    group.add_argument(
        "--allow-function-update",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="under high compliance, allow FunctionUpdate mode (default yes)",
    )
    group.add_argument(
        "--iam-wildcards",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="under high compliance, EL3004 also reports a bare * IAM action (default no)",
    )
    group.add_argument(
        "--region", metavar="CODE", help="AWS Region deployed to (EL1006); a Region written in the file wins"
    )
    group.add_argument("--config", metavar="FILE", help="config file (default: .lambda-runtime-rules.yaml upward)")
    group.add_argument("--catalog", metavar="FILE", help="overlay catalog: adds runtimes or overrides fields")


def _check_parser(sub: Any) -> None:
    """``check``: the pre-commit hook's command."""
    check = sub.add_parser(
        "check",
        help="check templates and report findings",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="exit status:\n"
        "  0  nothing reaches --fail-on\n"
        "  1  a finding reaches --fail-on\n"
        "  2  usage error, invalid settings or catalog, or a file that cannot be read or parsed\n"
        "     (every other file is still checked and reported)",
    )
    check.add_argument(
        "paths",
        nargs="*",
        default=["."],
        metavar="PATH",
        help="files and folders to check (default: the current folder)",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "json-object", "sarif", "github", "gitlab", "junit"),
        default="text",
        help="report format (default: text; json-object: the json records under 'findings' beside the run's "
        "'metadata'; github: GitHub Actions workflow commands, shown as annotations; gitlab: GitLab Code Quality "
        "JSON; junit: JUnit XML, one test case per file and rule)",
    )
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="lowest severity that makes the exit status 1 (default: error; never: always 0 unless 2 applies)",
    )
    check.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    check.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="parallel worker processes (0 = one per CPU)"
    )
    cache = check.add_mutually_exclusive_group()
    cache.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="result cache folder (default: $LAMBDA_RUNTIME_RULES_CACHE_DIR, else lambda-runtime-rules under "
        "$XDG_CACHE_HOME or ~/.cache): an unchanged file is served from it, never a stale verdict",
    )
    cache.add_argument("--no-cache", action="store_true", help="read and judge every file; use no result cache")
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (default: auto, only on a terminal and without NO_COLOR)",
    )
    check.add_argument(
        "--var-file",
        action="append",
        metavar="FILE",
        help="Terraform variable values, as for terraform plan -var-file (repeatable; applied after terraform.tfvars)",
    )
    baseline = check.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline",
        metavar="FILE",
        help="report only findings not accepted in this baseline file (default: the config's baseline)",
    )
    baseline.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record today's findings in this baseline file (entries of files not checked are kept), exit 0",
    )
    check.add_argument(
        "--no-progress", action="store_true", help="never show the progress line (shown only on a terminal)"
    )
    _settings_options(check)


def _fix_parser(sub: Any) -> None:
    """``fix``: rewrite literal runtimes."""
    fix = sub.add_parser(
        "fix",
        help="rewrite deprecated literal runtimes to a supported one",
        epilog="exit status: 0 nothing to change, 1 files were modified (or would be, with --dry-run), "
        "2 usage error or a file that cannot be read, parsed or edited",
    )
    fix.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    fix.add_argument(
        "--target",
        choices=("minimal", "latest"),
        default="minimal",
        help="minimal: the oldest runtime of the family not deprecated within the window (default); latest: the newest",
    )
    fix.add_argument("--dry-run", action="store_true", help="print a unified diff, write nothing")
    _settings_options(fix)


def _report_parser(sub: Any) -> None:
    """``report``: the inventory."""
    report = sub.add_parser("report", help="inventory of every function and layer with its runtime status")
    report.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    report.add_argument("--format", choices=("markdown", "csv", "json", "html"), default="markdown")
    _settings_options(report)


def _explain_parser(sub: Any) -> None:
    """``explain ID``."""
    explain = sub.add_parser("explain", help="show a rule's documentation")
    explain.add_argument("rule", metavar="ID", help="EL1001 or CKV_LRR_1001")


def _rules_parser(sub: Any) -> None:
    """``rules``."""
    sub.add_parser("rules", help="list every rule with its IDs and severity")


def _checkov_dir_parser(sub: Any) -> None:
    """``checkov-dir``."""
    sub.add_parser("checkov-dir", help="print the folder to pass to checkov --external-checks-dir")


def _catalog_parser(sub: Any) -> None:
    """``catalog list|show|validate|refresh``."""
    catalog = sub.add_parser("catalog", help="list, show, validate or refresh the runtime catalog")
    catalog_sub = catalog.add_subparsers(dest="catalog_command", metavar="ACTION", parser_class=_Parser)
    catalog_sub.required = True
    listing = catalog_sub.add_parser("list", help="every runtime with its facts and status")
    listing.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    _settings_options(listing)
    show = catalog_sub.add_parser("show", help="one runtime's facts")
    show.add_argument("identifier")
    _settings_options(show)
    validate = catalog_sub.add_parser("validate", help="validate a catalog file (default: the bundled one)")
    validate.add_argument("path", nargs="?")
    refresh = catalog_sub.add_parser(
        "refresh", help="propose catalog updates from a saved AWS runtimes page, or new identifiers from botocore"
    )
    origin = refresh.add_mutually_exclusive_group(required=True)
    origin.add_argument(
        "--from", dest="source", metavar="FILE", help="a saved AWS 'Lambda runtimes' page (HTML or text)"
    )
    origin.add_argument(
        "--botocore",
        action="store_true",
        help="list identifiers in the installed botocore's Lambda Runtime enum that the catalog lacks (JSON on "
        "stdout, for review; exit 1 when there are any)",
    )
    refresh.add_argument(
        "--botocore-model", metavar="FILE", help="with --botocore: read this service-2.json instead of botocore's"
    )
    refresh.add_argument("--write", metavar="CATALOG", help="apply the proposal to this catalog file")
    refresh.add_argument(
        "--accept-regressions",
        action="store_true",
        help="with --write, also apply dates that move backwards or disappear (default: report only)",
    )
    refresh.add_argument("--page-date", metavar="DATE", help="the day the page was saved (default: from the page)")
    refresh.add_argument("--reviewed", metavar="DATE", help="new 'reviewed' date (default: the page date, or today)")


_PARSERS: dict[str, Callable[[Any], None]] = {
    "check": _check_parser,
    "fix": _fix_parser,
    "report": _report_parser,
    "explain": _explain_parser,
    "rules": _rules_parser,
    "checkov-dir": _checkov_dir_parser,
    "catalog": _catalog_parser,
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``only``: a sub-command name, whose parser is then the only one built.

    ``main`` passes the sub-command the arguments start with: argparse validates every option as it is added
    (building a help formatter each time), and the other sub-commands' parsers cost a pre-commit run about 4 ms
    that its ``check`` never uses. Help, errors and parsing of the sub-command named are the same either way.
    """
    parser = _Parser(
        prog="lambda-runtime-rules",
        description="Lambda runtime policy checks for CloudFormation, SAM, CDK, Terraform and Serverless.",
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name, add in _PARSERS.items():
        if only is None or name == only:
            add(sub)
    return parser


_COMMANDS = {
    "check": "check",
    "fix": "fix",
    "report": "report",
    "explain": "explain",
    "rules": "explain",
    "checkov-dir": "checkov_dir",
    "catalog": "catalog",
}


def _chosen(parser: _Parser, args: argparse.Namespace) -> _Parser:
    """The innermost sub-command parser the arguments selected (its options are the ones to suggest)."""
    chosen = parser
    for dest in ("command", "catalog_command"):
        subparsers = [a for a in chosen._actions if isinstance(a, argparse._SubParsersAction)]
        name = getattr(args, dest, None)
        if not subparsers or name not in subparsers[0].choices:
            break
        chosen = subparsers[0].choices[name]
    return chosen


class _Stdout:
    """stdout that never raises: a closed pipe or a full disk ends the output, not the command (``fix`` still
    writes every file). The first failure is kept for ``main`` to report; fd 1 then points at the null device
    so the interpreter's last flush cannot print a traceback either."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        if self.failure is None:
            try:
                return self.stream.write(text)
            except OSError as exc:
                self._fail(exc)
        return len(text)

    def flush(self) -> None:
        if self.failure is None:
            try:
                self.stream.flush()
            except OSError as exc:
                self._fail(exc)

    def _fail(self, exc: OSError) -> None:
        self.failure = exc
        with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self.stream.fileno())
            os.close(null)

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


def _escape_unencodable() -> None:
    """What a stream's encoding cannot hold (a strict PYTHONIOENCODING, an ASCII locale) is backslash-escaped."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv and argv[0] in _PARSERS else None)
    args, extras = parser.parse_known_args(argv)
    if extras:
        _unrecognized(_chosen(parser, args), extras)
    module = importlib.import_module(f"{__package__}.commands.{_COMMANDS[args.command]}")
    _escape_unencodable()
    stdout = _Stdout(sys.stdout)
    sys.stdout = stdout  # type: ignore[assignment]
    try:
        code = int(module.run(args))
        stdout.flush()
    except KeyboardInterrupt:
        return 130
    finally:
        sys.stdout = stdout.stream
    failure = stdout.failure
    if failure is None or failure.errno == errno.EPIPE:  # the reader went away: exit quietly, as Unix tools do
        return code
    written = "; the files were still written" if args.command == "fix" and not getattr(args, "dry_run", False) else ""
    print(f"lambda-runtime-rules: cannot write to stdout: {failure.strerror or failure}{written}", file=sys.stderr)
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
