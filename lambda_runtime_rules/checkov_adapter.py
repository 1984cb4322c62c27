"""Checkov external checks: one check per rule per framework, all deciding through the engine.

Checkov has no plugin entry points: ``--external-checks-dir`` executes every ``.py`` file of a folder as a
top-level module. The shims in ``checkov_checks/`` only call :func:`register`; everything else lives here so
that an import error cannot hide inside Checkov's loader (which swallows it).

Verdicts, per resource and check: FAILED when the engine reports the check's code for the resource; PASSED
when every value the rule looks at is resolved and nothing was reported; UNKNOWN (which Checkov leaves out of
its report) when a value is not resolvable before deploy, or the resource does not have the property the
rule is about (a container-image function has no runtime, a layer that lists no architectures claims none).
A missing ``RuntimeManagementConfig`` or ``Architectures`` is a default (Auto, x86_64), so it passes.

CloudFormation and Serverless ``conf`` arrive already transformed by Checkov (SAM Globals concatenated, ``Ref``
replaced by the parameter Default, ``provider.architecture`` not inherited). To give the verdicts of the CLI
and the cfn-lint pack, the original file is read again through this package's loader (once per file per
process) and the resource's subject is picked by name; Checkov's ``conf`` is only the fallback. Terraform
values are taken from Checkov's own ``conf``, where its graph has already resolved variables and locals.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Callable, Optional, TypeVar

from checkov.common.bridgecrew.severities import Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.common.util.var_utils import is_terraform_variable_dependent

from . import baseline
from .catalog import Catalog, CatalogError, stale_catalog_notice
from .catalog import load as load_catalog
from .checkov_log import quiet_log_stream, quiet_result_lines
from .checkov_sarif import Detail
from .engine import evaluate
from .gcpause import gc_paused
from .model import Finding, FunctionSubject, LayerSubject, PolicySubject, Subject, Value
from .rules import RULES, RuleSpec
from .settings import CONFIG_ENV, ENV_VARS, Settings, SettingsError
from .settings import load as load_settings
from .sources import iam as iam_source
from .sources import terraform_iam
from .suppressions import attach, widen

__all__ = [
    "CFN_FUNCTION_TYPES",
    "CFN_LAYER_TYPES",
    "TF_FUNCTION_TYPES",
    "TF_LAYER_TYPES",
    "TF_RUNTIME_MANAGEMENT_TYPE",
    "Resolved",
    "make_checks",
    "policies_judged",
    "quiet_result_lines",
    "register",
    "terraform_subject",
    "verdict",
]

FRAMEWORKS = ("terraform", "cloudformation", "serverless")
TF_FUNCTION_TYPES = ("aws_lambda_function", "awscc_lambda_function")
TF_LAYER_TYPES = ("aws_lambda_layer_version", "awscc_lambda_layer_version")
TF_RUNTIME_MANAGEMENT_TYPE = "aws_lambda_runtime_management_config"
CFN_FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
CFN_LAYER_TYPES = ("AWS::Lambda::LayerVersion", "AWS::Serverless::LayerVersion")
SERVERLESS_ENTITY = "serverless_aws"
# EL3004 judges IAM policies: the resources that hold one (a SAM function's ``Policies`` too), Terraform's policy
# document data source, and a Serverless service's ``provider`` (its role statements).
CFN_POLICY_TYPES = iam_source.STATEMENT_TYPES
TF_POLICY_TYPES = terraform_iam.STATEMENT_RESOURCE_TYPES
TF_POLICY_DATA = terraform_iam.DOCUMENT
POLICY_CODES = ("EL3004",)
_POLICY_DATA = "policy-data"  # the kind of the Terraform data-source check

RUNTIME_CODES = ("EL1001", "EL1002", "WL1003", "WL1004", "WL1005", "EL1006")
ARCHITECTURE_CODES = ("EL2001",)
UPDATE_MODE_CODES = ("EL3001", "WL3002", "EL3003")
EDGE_CODES = ("EL2002",)

# What each rule looks at: (subject field, whether a missing property is a passing default).
_REQUIRES: dict[str, tuple[tuple[str, bool], ...]] = {
    **{code: (("runtimes", False),) for code in RUNTIME_CODES},
    "EL2001": (("runtimes", False), ("architectures", True)),
    # Only for a function a distribution in the same file associates (else not applicable, see ``verdict``).
    "EL2002": (("runtimes", False), ("architectures", True), ("update_modes", True)),
    "EL3001": (("update_modes", True),),
    "WL3002": (("update_modes", True),),
    "EL3003": (("update_modes", True), ("runtime_version_arns", True)),
}
# The engine reports an unknown runtime (WL1005) on layers too.
_REQUIRES_LAYER: dict[str, tuple[tuple[str, bool], ...]] = {
    "WL1005": (("compatible_runtimes", False),),
    "WL4001": (("compatible_runtimes", False),),
    "EL4002": (("compatible_runtimes", False), ("compatible_architectures", False)),
}
FUNCTION_CODES = tuple(_REQUIRES)
LAYER_CODES_ALL = tuple(_REQUIRES_LAYER)

_CATEGORIES = {
    "lifecycle": CheckCategories.SUPPLY_CHAIN,
    "architecture": CheckCategories.GENERAL_SECURITY,
    "runtime-management": CheckCategories.GENERAL_SECURITY,
}


# --------------------------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class Resolved:
    """A subject plus, per subject field, whether the property is written at all and whether it resolved."""

    subject: Subject
    present: frozenset[str] = frozenset()
    unresolved: frozenset[str] = frozenset()


def verdict(code: str, resolved: Resolved, findings: list[Finding]) -> CheckResult:
    """FAILED iff the engine reported ``code``; never FAILED for, and never PASSED on, an unresolved value."""
    if any(f.rule == code for f in findings):
        return CheckResult.FAILED
    if isinstance(resolved.subject, PolicySubject):  # no statements: nothing IAM could grant through here
        if code not in POLICY_CODES or "statements" in resolved.unresolved or not resolved.subject.statements:
            return CheckResult.UNKNOWN
        return CheckResult.PASSED
    layer = isinstance(resolved.subject, LayerSubject)
    requires = _REQUIRES_LAYER if layer else _REQUIRES
    if code not in requires:  # a rule about the other kind of resource: not applicable
        return CheckResult.UNKNOWN
    if code in EDGE_CODES and not getattr(resolved.subject, "edge_distributions", ()):
        return CheckResult.UNKNOWN  # no CloudFront distribution makes it a Lambda@Edge function
    for name, default_passes in requires[code]:
        if name in resolved.unresolved:
            return CheckResult.UNKNOWN
        if name not in resolved.present and not default_passes:
            return CheckResult.UNKNOWN
    return CheckResult.PASSED


def _has_value(values: tuple[Value, ...]) -> bool:
    return any(isinstance(v.value, str) for v in values)


def _from_presence(subject: Subject, present: set[str]) -> Resolved:
    """For subjects of this package's sources: a written property without a usable value is unresolved."""
    unresolved = {name for name in present if not _has_value(getattr(subject, name, ()))}
    return Resolved(subject, frozenset(present), frozenset(unresolved))


# ------------------------------------------------------------------------------------ settings, catalog

_context_cache: dict[tuple[object, ...], Optional[tuple[Settings, Catalog]]] = {}
# Asked once per check per resource: a few dictionary lookups, not a walk over the whole environment.
_ENV_NAMES = (*ENV_VARS.values(), CONFIG_ENV)
_reported: set[str] = set()
_problems: dict[tuple[object, ...], str] = {}


def _context() -> Optional[tuple[Settings, Catalog]]:
    """Settings (config file + environment) and catalog; None, after one line on stderr, when invalid."""
    key = _context_key()
    if key in _context_cache:
        return _context_cache[key]
    result: Optional[tuple[Settings, Catalog]] = None
    try:
        settings = load_settings(None)
        result = settings, load_catalog(settings.catalog)
        if settings.baseline:  # read (and refused, fail closed) once, before any check runs
            baseline.read_cached(settings.baseline)
    except (SettingsError, CatalogError, baseline.BaselineError) as exc:
        result = None
        _problems[key] = f"lambda-runtime-rules: {exc}"
    except Exception as exc:  # a broken config must never crash Checkov
        _problems[key] = f"lambda-runtime-rules: cannot load settings: {type(exc).__name__}: {exc}"
    if key in _problems:
        _warn(f"{_problems[key].split(': ', 1)[1]}; every lambda-runtime-rules check FAILS until this is fixed")
    elif result is not None:
        stale = stale_catalog_notice(result[1], result[0].as_of)
        if stale:  # once per run, as the CLI says it: verdicts on an old catalog must not look authoritative
            _warn(f"warning: {stale}")
        if result[0].region:  # once per run: a Region without a sourced launch date is not judged by EL1006
            from .regions import undated_notice

            undated = undated_notice({result[0].region}, result[1].regions)
            if undated:
                _warn(f"warning: {undated}")
    _context_cache[key] = result
    return result


def _context_key() -> tuple[object, ...]:
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = ""
    environ = os.environ
    return (cwd, *(environ.get(name) for name in _ENV_NAMES))


def _context_problem() -> str:
    """Why ``_context()`` gave None ('' when it did not): a broken configuration fails every check (fail closed),
    so that a pipeline cannot pass on checks that never ran, whatever output format it reads."""
    if _context() is not None:
        return ""
    return _problems.get(_context_key(), "lambda-runtime-rules: settings could not be loaded")


def _warn(message: str) -> None:
    if message not in _reported:
        _reported.add(message)
        sys.stderr.write(f"lambda-runtime-rules: {message}\n")
        sys.stderr.flush()


# ------------------------------------------------------------------------------------------- terraform

_TF_EXPRESSION_PREFIXES = ("awscc_", "each.", "count.", "path.", "self.", "terraform.")
_UNKNOWN_AFTER_APPLY = "true_after_unknown"  # Checkov's marker for plan values known only after apply
# Checkov's evaluation renders a Terraform null it picked (`cond ? null : var.x`) as Python's repr.
_CHECKOV_NULL = "None"


def _tf_unresolved(text: str) -> bool:
    """A string Checkov left as an expression: a reference, interpolation, call or operator."""
    stripped = text.strip()
    return (
        is_terraform_variable_dependent(stripped)
        or stripped.startswith(_TF_EXPRESSION_PREFIXES)
        or stripped == _UNKNOWN_AFTER_APPLY
        or "${" in stripped
        or any(ch in stripped for ch in "() ?[]{}")
    )


def _placeholder(line: int) -> Value:
    """Stands for a written but unresolved value: the engine skips non-strings, yet knows something is there
    (so an unresolved RuntimeVersionArn is not mistaken for a missing one)."""
    return Value(None, line, 0, "not resolvable")


def _unwrap(raw: object) -> object:
    """Checkov wraps every Terraform value in a one-element list."""
    while isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], list):
        raw = raw[0]
    if isinstance(raw, list) and len(raw) == 1:
        return raw[0]
    return raw


class _TfReader:
    """Values of one resource's ``conf``, recording which properties are written and which did not resolve."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.present: set[str] = set()
        self.unresolved: set[str] = set()

    def scalar(self, container: object, key: str, field: str) -> tuple[Value, ...]:
        if not isinstance(container, dict) or key not in container:
            return ()
        value = _unwrap(container.get(key))
        if value is None or value == _CHECKOV_NULL:
            return ()
        self.present.add(field)
        if isinstance(value, str) and value.strip() and not _tf_unresolved(value):
            return (Value(value.strip(), self.line),)
        self.unresolved.add(field)
        return (_placeholder(self.line),)

    def strings(self, container: object, key: str, field: str) -> tuple[Value, ...]:
        if not isinstance(container, dict) or key not in container:
            return ()
        raw = container.get(key)
        if isinstance(raw, list) and len(raw) == 1 and isinstance(raw[0], list):
            raw = raw[0]
        if raw is None:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        if not items:  # an empty list (also Checkov's value for a list variable without default) claims nothing
            return ()
        self.present.add(field)
        out: list[Value] = []
        for item in items:
            if isinstance(item, str) and item.strip() and not _tf_unresolved(item):
                value = Value(item.strip(), self.line)
                if value not in out:
                    out.append(value)
            elif field not in self.unresolved:
                self.unresolved.add(field)
                out.append(_placeholder(self.line))
        return tuple(out)


def terraform_subject(conf: object, resource_type: str, name: str, file: str = "") -> Optional[Resolved]:
    """Map Checkov's resolved Terraform ``conf`` (HCL or plan) to a subject; None for other resource types."""
    if not isinstance(conf, dict):
        return None
    address = conf.get("__address__")
    resource = address if isinstance(address, str) and address else f"{resource_type}.{name}"
    start = conf.get("__start_line__")
    line = start if isinstance(start, int) and not isinstance(start, bool) and start > 0 else 0
    reader = _TfReader(line)
    subject: Subject
    if resource_type in TF_LAYER_TYPES:
        subject = LayerSubject(
            resource=resource,
            compatible_runtimes=reader.strings(conf, "compatible_runtimes", "compatible_runtimes"),
            compatible_architectures=reader.strings(conf, "compatible_architectures", "compatible_architectures"),
            line=line,
            file=file,
            resource_type=resource_type,
        )
    elif resource_type == TF_RUNTIME_MANAGEMENT_TYPE:
        subject = FunctionSubject(
            resource=resource,
            update_modes=reader.scalar(conf, "update_runtime_on", "update_modes"),
            runtime_version_arns=reader.scalar(conf, "runtime_version_arn", "runtime_version_arns"),
            line=line,
            file=file,
            resource_type=resource_type,
        )
    elif resource_type in TF_FUNCTION_TYPES:
        modes: tuple[Value, ...] = ()
        arns: tuple[Value, ...] = ()
        if "runtime_management_config" in conf:  # awscc: an object attribute
            config = _unwrap(conf.get("runtime_management_config"))
            if isinstance(config, dict):
                modes = reader.scalar(config, "update_runtime_on", "update_modes")
                arns = reader.scalar(config, "runtime_version_arn", "runtime_version_arns")
            elif config is not None:
                reader.present.update(("update_modes", "runtime_version_arns"))
                reader.unresolved.update(("update_modes", "runtime_version_arns"))
                arns = (_placeholder(line),)
        subject = FunctionSubject(
            resource=resource,
            runtimes=reader.scalar(conf, "runtime", "runtimes"),
            architectures=reader.strings(conf, "architectures", "architectures"),
            update_modes=modes,
            runtime_version_arns=arns,
            line=line,
            file=file,
            resource_type=resource_type,
        )
    else:
        return None
    return Resolved(subject, frozenset(reader.present), frozenset(reader.unresolved))


# ------------------------------------------------------------------------ files read again (CFN, SLS)


@dataclass(frozen=True)
class _Document:
    document: object
    subjects: dict[str, Subject]
    policies: dict[str, PolicySubject]


_documents: OrderedDict[str, Optional[_Document]] = OrderedDict()
# Checkov scans one file's resources back to back, so a few entries suffice; every node kept alive here is
# long-lived garbage-collector work inside Checkov's large heap.
_MAX_DOCUMENTS = 4


_T = TypeVar("_T")


def _cached(
    store: OrderedDict[str, Optional[_T]], path: str, variant: str, compute: Callable[[], Optional[_T]]
) -> Optional[_T]:
    """``compute()`` once per file version (path, mtime, size) and ``variant``, the last few kept; None when the
    file is gone or ``compute`` raised (the caller falls back, never a crash inside Checkov)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = f"{os.path.abspath(path)}\0{stat.st_mtime_ns}\0{stat.st_size}\0{variant}"
    if key in store:
        store.move_to_end(key)
        return store[key]
    try:
        result = compute()
    except Exception:  # unreadable or unparsable
        result = None
    store[key] = result
    while len(store) > _MAX_DOCUMENTS:
        store.popitem(last=False)
    return result


def _read(path: str, policies: bool = False) -> Optional[_Document]:
    """The original file as this package reads it (cached per path per process); None when unreadable.

    ``policies``: its IAM policies too (EL3004 under high compliance); otherwise they are not even built."""
    return _cached(_documents, path, str(policies), lambda: _load_document(path, policies))


def _load_document(path: str, policies: bool) -> _Document:
    """The file read with this package's loader and sources: functions and layers by name, policies apart."""
    from .loader import load_file
    from .scan import subjects_from_document
    from .sources import cloudformation

    types = cloudformation.RESOURCE_TYPES | iam_source.POLICY_TYPES if policies else cloudformation.RESOURCE_TYPES
    document = load_file(path, keep_types=types)
    kind, found = subjects_from_document(document, path)
    # CloudFormation resources under a serverless.yml's ``resources:``, scanned by Checkov's CFN checks.
    extra = _get(document, "resources")
    if not cloudformation.is_template(document) and cloudformation.is_template(extra):
        found = found + cloudformation.subjects(extra, path)
    subjects: dict[str, Subject] = {}
    held: dict[str, PolicySubject] = {}
    for subject in attach(found):  # a SAM function is a function and a policy under one logical ID
        if isinstance(subject, PolicySubject):
            held.setdefault(subject.resource, subject)
        else:
            subjects.setdefault(subject.resource, subject)
    # Only Serverless needs the tree again (to match Checkov's entity to its function by position).
    return _Document(document if kind == "serverless" else None, subjects, held)


def _image_package(conf: dict[Any, Any]) -> bool:
    package = _unwrap(conf.get("package_type"))
    return package == "Image"


_folder_functions: OrderedDict[str, dict[str, FunctionSubject]] = OrderedDict()


def _functions_of(path: str) -> dict[str, FunctionSubject]:
    """Every function of the Terraform folder holding ``path``, as this package's reader (the CLI's) sees it,
    read once per folder: what one Checkov entity cannot show (the Dockerfile an image is built from, the
    CloudFront distribution that makes a function a Lambda@Edge function) lives in other resources of the folder."""
    folder = os.path.dirname(os.path.abspath(path))
    if folder not in _folder_functions:
        from .sources import terraform

        try:
            subjects, _ = terraform.evaluate_folder(folder)
        except Exception:  # a folder our reader cannot read: the function stays as Checkov's conf has it
            subjects = []
        _folder_functions[folder] = {s.resource: s for s in subjects if isinstance(s, FunctionSubject)}
        while len(_folder_functions) > _MAX_DOCUMENTS:
            _folder_functions.popitem(last=False)
    return _folder_functions[folder]


def _with_built_image(subject: FunctionSubject, path: str) -> FunctionSubject:
    """An image function whose image the configuration builds from a Dockerfile (``docker_image``, the
    docker-build module): Checkov's conf holds only the unresolved ``image_uri``, and the build resource is another
    entity, so the function's base image is taken from the folder as the CLI reads it. Checkov's own parse still
    decides everything else."""
    built = _functions_of(path).get(subject.resource)
    if built is None or not built.built_from:
        return subject
    return replace(subject, base_images=built.base_images, built_from=built.built_from,
                   architectures=subject.architectures + tuple(
                       a for a in built.architectures if a not in subject.architectures))


_folder_texts: OrderedDict[tuple[str, tuple[bytes, ...]], bool] = OrderedDict()


def _folder_mentions(path: str, needles: tuple[bytes, ...]) -> bool:
    """Does one ``.tf`` file of the folder holding ``path`` contain every one of ``needles``? A byte-level test,
    once per folder, so that the folder is parsed by this package's reader only when it can matter."""
    key = (os.path.dirname(os.path.abspath(path)), needles)
    if key not in _folder_texts:
        found = False
        with contextlib.suppress(OSError):
            for entry in os.scandir(key[0]):
                if entry.name.lower().endswith((".tf", ".tf.json")) and entry.is_file():
                    with open(entry.path, "rb") as handle:
                        text = handle.read()
                    if all(needle in text for needle in needles):
                        found = True
                        break
        _folder_texts[key] = found
        while len(_folder_texts) > 64:
            _folder_texts.popitem(last=False)
    return _folder_texts[key]


def _mentions_edge(path: str) -> bool:
    """Folders without Lambda@Edge (nearly all) are not evaluated a second time for EL2002."""
    return _folder_mentions(path, (b"lambda_function_association",))


def _mentions_region(path: str) -> bool:
    """A literal Region is written in a ``provider`` block: a folder none of whose files holds both words (about
    half the corpus's) cannot have one, so it is not parsed again for EL1006."""
    return _folder_mentions(path, (b"provider", b"region"))


def _with_edge(subject: FunctionSubject, path: str) -> FunctionSubject:
    """A function a CloudFront distribution of its folder associates (EL2002): the distribution is another entity,
    so it, and the function's layers and package type entry by entry, come from the folder as the CLI reads it."""
    if not _mentions_edge(path):
        return subject
    found = _functions_of(path).get(subject.resource)
    if found is None or not found.edge_distributions:
        return subject
    return replace(subject, edge_distributions=found.edge_distributions, layers=found.layers,
                   package_types=found.package_types)


def _file_of(scanned_file: str, conf: object) -> Optional[str]:
    """The scanned file on disk: Checkov's ``__file__`` marker, else its path (relative to the scan root)."""
    candidates: list[object] = []
    if isinstance(conf, dict):
        candidates.append(conf.get("__file__"))
        candidates.append(_get(conf.get("Properties"), "__file__"))
    candidates.append(scanned_file)
    if isinstance(scanned_file, str) and scanned_file.startswith(("/", "\\")):
        candidates.append(scanned_file.lstrip("/\\"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate and os.path.isfile(candidate):
            return candidate
    return _runner_file(scanned_file)


def _runner_file(scanned_file: str) -> Optional[str]:
    """The absolute path Checkov's CloudFormation or Terraform runner holds while it scans ``/relative/path``.

    Checkov hands checks the path relative to the scan root and, for a resource without ``Properties``, no
    ``__file__`` marker; the root is not passed at all. The runner's loop variable ``file_abs_path`` is the
    one place that has it, a few frames up. Read it only when it names the same file; otherwise give up.
    """
    if not isinstance(scanned_file, str) or not scanned_file:
        return None
    tail = os.path.normpath(scanned_file.lstrip("/\\"))
    frame = sys._getframe(1)
    for _ in range(32):
        if frame is None:
            return None
        # CloudFormation's runner holds ``file_abs_path``; Terraform's ``run_block`` a ``full_file_path`` key.
        local = frame.f_locals
        candidate = local.get("file_abs_path") or getattr(local.get("full_file_path"), "file_path", None)
        if isinstance(candidate, (str, os.PathLike)):
            candidate = os.fspath(candidate)
            if os.path.normpath(candidate).endswith(tail) and os.path.isfile(candidate):
                return candidate
        frame = frame.f_back
    return None


def _get(mapping: object, key: str) -> Any:
    return dict.get(mapping, key) if isinstance(mapping, dict) else None


def _written(mapping: object, key: str) -> bool:
    return isinstance(mapping, dict) and _get(mapping, key) is not None


def _cfn_subject(conf: dict[Any, Any], name: str, resource_type: str, file: Optional[str]) -> Optional[Resolved]:
    from .sources import cloudformation

    document = _read(file) if file else None
    subject = document.subjects.get(name) if document is not None else None
    if subject is None:  # fall back to Checkov's (already transformed) conf
        found = cloudformation.subjects({"Resources": {name: conf}}, file or "")
        subject = found[0] if found else None
    if subject is None:
        return None
    props = _get(conf, "Properties")
    present: set[str] = set()
    if isinstance(subject, LayerSubject):
        return _layer_presence(subject, props, "CompatibleRuntimes", "CompatibleArchitectures")
    if _written(props, "Runtime"):
        present.add("runtimes")
    if _written(props, "Architectures"):
        present.add("architectures")
    config = _get(props, "RuntimeManagementConfig")
    if isinstance(config, dict) and any(str(k).startswith("Fn::") for k in config):
        present.update(("update_modes", "runtime_version_arns"))
    elif isinstance(config, dict):
        if _written(config, "UpdateRuntimeOn"):
            present.add("update_modes")
        if _written(config, "RuntimeVersionArn"):
            present.add("runtime_version_arns")
    elif config is not None:
        present.add("update_modes")
    resolved = _from_presence(subject, present)
    # Values the original file resolves but Checkov's merged conf lacks (a Globals-only Runtime) count too.
    extra = {n for n in ("runtimes", "architectures", "update_modes", "runtime_version_arns")
             if _has_value(getattr(subject, n))}
    return Resolved(subject, resolved.present | extra, resolved.unresolved)


def _layer_presence(subject: LayerSubject, body: object, runtimes_key: str, architectures_key: str) -> Resolved:
    """A layer's verdict inputs: which of its two properties are written (CloudFormation or Serverless spelling)."""
    present = {
        field
        for key, field in ((runtimes_key, "compatible_runtimes"), (architectures_key, "compatible_architectures"))
        if _written(body, key)
    }
    return _from_presence(subject, present)


def _sls_name(entries: list[tuple[str, dict[Any, Any]]], conf: dict[Any, Any]) -> Optional[tuple[str, dict[Any, Any]]]:
    """Which ``functions.<name>`` / ``layers.<name>`` Checkov passed (Checkov's check is not told the name).

    An entity written in the serverless.yml itself: the one whose body starts on Checkov's ``__startline__``.
    One read from an include (Checkov loads those without line numbers): the included body that Checkov's
    conf agrees with on every property, a variable Checkov may have resolved excepted.
    """
    from .loader import position
    from .sources.serverless import origin

    start = conf.get("__startline__")
    if isinstance(start, int) and not isinstance(start, bool):
        matches = [(n, b) for n, b in entries if not origin(b) and position(b)[0] == start]
    else:
        matches = [(n, b) for n, b in entries if origin(b) and _same_body(b, conf)]
    return matches[0] if len(matches) == 1 else None


def _same_body(body: dict[Any, Any], conf: dict[Any, Any]) -> bool:
    for key, value in dict.items(body):
        if isinstance(value, str) and "${" in value:
            continue
        if key not in conf or conf[key] != value:
            return False
    return True


def _sls_subject(conf: dict[Any, Any], section: str, file: Optional[str]) -> Optional[Resolved]:
    from .sources import serverless

    document = _read(file) if file else None
    match: Optional[tuple[str, dict[Any, Any]]] = None
    provider: object = {}
    if document is not None:
        # Includes resolved (``functions: ${file(./functions.yml)}``), as the CLI reads them.
        found, provider = serverless.entries(document.document, file or "", section)
        match = _sls_name(found, conf)
    subject = document.subjects.get(f"{section}.{match[0]}") if document is not None and match else None
    body: object = conf
    if subject is not None and match is not None:
        body = match[1]
    else:  # fall back to Checkov's conf (it inherits only provider.runtime)
        provider = {}
        label = "function" if section == "functions" else "layer"
        found_subjects = serverless.subjects({"service": "checkov", section: {label: conf}}, file or "")
        subject = found_subjects[0] if found_subjects else None
    if subject is None:
        return None
    present: set[str] = set()
    if isinstance(subject, LayerSubject):
        return _layer_presence(subject, body, "compatibleRuntimes", "compatibleArchitectures")
    image = _written(body, "image")

    def written(key: str, inherit: bool = True) -> object:
        if _written(body, key):
            return _get(body, key)
        return _get(provider, key) if inherit else None

    if written("runtime", inherit=not image) is not None:
        present.add("runtimes")
    if written("architecture") is not None:
        present.add("architectures")
    config = written("runtimeManagement")
    if isinstance(config, dict):
        if _written(config, "mode"):
            present.add("update_modes")
        if _written(config, "arn"):
            present.add("runtime_version_arns")
    elif isinstance(config, str) and "${" in config:
        present.update(("update_modes", "runtime_version_arns"))
    elif config is not None:
        present.add("update_modes")
    return _from_presence(subject, present)


# -------------------------------------------------------------------------------------------- checks


class _Evaluation:
    """Subject and findings of the resource checked last: its checks run back to back."""

    def __init__(self) -> None:
        self.key: tuple[object, ...] = ()
        self.conf: object = None
        self.value: Optional[tuple[Resolved, list[Finding]]] = None

    def get(
        self, key: tuple[object, ...], conf: object, compute: Callable[[], Optional[tuple[Resolved, list[Finding]]]]
    ) -> Optional[tuple[Resolved, list[Finding]]]:
        if self.conf is conf and self.key == key:
            return self.value
        value = compute()
        self.key, self.conf, self.value = key, conf, value
        return value


_last = _Evaluation()


class _LrrCheck:
    """Shared behaviour, mixed in before Checkov's per-framework base check class."""

    spec: RuleSpec
    framework: str
    kinds: tuple[str, ...]
    _scanned_file: str = ""
    _entity_name: str = ""

    def _setup(self) -> None:
        self.severity = Severities[self.spec.checkov_severity]
        quiet_result_lines(self)

    def run(self, scanned_file: str, entity_configuration: Any, entity_name: str, entity_type: str,
            skip_info: Any) -> Any:
        self._scanned_file = scanned_file if isinstance(scanned_file, str) else ""
        self._entity_name = entity_name if isinstance(entity_name, str) else ""
        return super().run(scanned_file, entity_configuration, entity_name, entity_type, skip_info)  # type: ignore[misc]

    def scan_entity_conf(self, conf: Any, entity_type: str) -> CheckResult:
        try:
            self.details = []
            if not isinstance(conf, dict):
                return CheckResult.UNKNOWN
            if self.framework == "terraform":
                result = super().scan_entity_conf(conf, entity_type)  # type: ignore[misc]  # count = 0, dynamic
                return result if isinstance(result, CheckResult) else CheckResult.UNKNOWN
            return self._decide(conf, entity_type)
        except Exception:  # a check must never raise, whatever the conf holds
            return CheckResult.UNKNOWN

    # Checkov's Terraform base class calls this after its own count/dynamic handling.
    def scan_resource_conf(self, conf: Any) -> CheckResult:
        try:
            return self._decide(conf, str(getattr(self, "entity_type", "") or ""))
        except Exception:
            return CheckResult.UNKNOWN

    def _decide(self, conf: dict[Any, Any], entity_type: str) -> CheckResult:
        name = self._entity_name
        scanned = self._scanned_file
        key = (self.framework, scanned, name, entity_type, self.kinds)
        with gc_paused():  # Checkov's heap is large: see gcpause
            evaluation = _last.get(key, conf, lambda: self._evaluate(conf, entity_type, name, scanned))
        if evaluation is None:
            problem = _context_problem()
            if problem:
                self.details = [Detail(problem)]
                return CheckResult.FAILED
            return CheckResult.UNKNOWN
        resolved, findings = evaluation
        result = verdict(self.spec.code, resolved, findings)
        self.details = [Detail(f.message) for f in findings if f.rule == self.spec.code]
        self.evaluated_keys = []
        return result

    def _evaluate(
        self, conf: dict[Any, Any], entity_type: str, name: str, scanned: str
    ) -> Optional[tuple[Resolved, list[Finding]]]:
        """Once per resource (its checks run back to back): settings, subject, engine."""
        context = _context()
        if context is None:
            return None
        resolved = self._resolve(conf, entity_type, name, scanned)
        if resolved is None:
            return None
        if self.framework == "terraform":  # comments: Checkov's conf has none (CFN and SLS subjects have them)
            path = _file_of(scanned, conf) or resolved.subject.file
            subject = attach([resolved.subject], on_disk=lambda _: path)[0]
            # Checkov gives no line per attribute, only the block's: a comment inside the block covers it.
            first, last = conf.get("__start_line__"), conf.get("__end_line__")
            if isinstance(first, int) and isinstance(last, int):
                subject = widen(subject, first, last)
            if isinstance(subject, FunctionSubject) and _image_package(conf) and path:
                subject = _with_built_image(subject, path)
            if isinstance(subject, FunctionSubject) and path and entity_type == "aws_lambda_function":
                subject = _with_edge(subject, path)
            if isinstance(subject, FunctionSubject) and path and _mentions_region(path):  # its literal Region
                from .sources.terraform import region_of

                subject = region_of(subject, path, entity_type, name)
            resolved = replace(resolved, subject=subject)
        settings, catalog = context
        findings = evaluate(resolved.subject, settings, catalog)
        if settings.baseline and findings:
            # a baseline changed into garbage under a running scan: report everything (fail closed)
            with contextlib.suppress(baseline.BaselineError):
                findings = baseline.not_accepted(findings, settings.baseline, catalog, settings.as_of)
        return resolved, findings

    def _resolve(self, conf: dict[Any, Any], entity_type: str, name: str, scanned: str) -> Optional[Resolved]:
        if self.kinds in (("policy",), (_POLICY_DATA,)):
            return _policy_subject(self.framework, conf, entity_type, name, scanned)
        if self.framework == "terraform":
            return terraform_subject(conf, entity_type, name, scanned.lstrip("/\\") if scanned else "")
        file = _file_of(scanned, conf)
        if self.framework == "cloudformation":
            resource_type = _get(conf, "Type")
            if not isinstance(resource_type, str):
                return None
            return _cfn_subject(conf, name, resource_type, file)
        section = "layers" if self.kinds == ("layer",) else "functions"
        return _sls_subject(conf, section, file)


def _policy_subject(framework: str, conf: dict[Any, Any], entity_type: str, name: str, scanned: str
                    ) -> Optional[Resolved]:
    """An IAM policy as the CLI reads it from the original file (EL3004), whatever Checkov made of it.

    Outside high compliance the rule does not apply: the file is not read and the verdict is UNKNOWN (left out
    of Checkov's report, rather than a PASSED on every IAM resource of every scan). Checkov's
    Terraform ``conf`` renders ``jsonencode`` and heredocs in ways that differ between versions, so Terraform is
    read through this package's own reader too, once per file.
    """
    context = _context()
    if context is None:
        return None
    settings = context[0]
    resource = name
    if framework == "terraform":
        address = conf.get("__address__")
        resource = address if isinstance(address, str) and address else f"{entity_type}.{name}"
        if entity_type == TF_POLICY_DATA and not resource.startswith("data.") and "data." not in resource:
            resource = f"data.{resource}"
    elif framework == "serverless":
        resource = "provider"
    if not settings.high_compliance:
        return Resolved(PolicySubject(resource, resource_type=entity_type))
    file = _file_of(scanned, conf) if framework != "terraform" else _file_of(scanned.lstrip("/\\"), conf)
    if not file:
        return None
    if framework == "terraform":
        found = _terraform_policies(file)
        if found is None:
            return None
        subject = found.get(resource) or found.get(f"{entity_type}.{name}")
    else:
        document = _read(file, policies=True)
        if document is None:
            return None
        subject = document.policies.get(resource)
    if subject is None:  # nothing written that IAM could grant through (a managed policy ARN, no statements)
        return Resolved(PolicySubject(resource, resource_type=entity_type, file=file))
    unresolved = {"statements"} if any(not s.resolved for s in subject.statements) else set()
    return Resolved(subject, frozenset({"statements"}), frozenset(unresolved))


_tf_policies: OrderedDict[str, Optional[dict[str, PolicySubject]]] = OrderedDict()


def _terraform_policies(path: str) -> Optional[dict[str, PolicySubject]]:
    """The policy subjects written in one ``.tf`` file, its folder read as a root module (cached per file);
    None when it cannot be read: the verdict is then UNKNOWN."""

    def compute() -> Optional[dict[str, PolicySubject]]:
        from .sources import terraform

        subjects, errors = terraform.evaluate_folder(os.path.dirname(path) or ".", [path], policies=True)
        if path in errors:
            return None
        return {s.resource: s for s in attach(subjects) if isinstance(s, PolicySubject)}

    return _cached(_tf_policies, path, "", compute)


def _check_name(spec: RuleSpec) -> str:
    return f"{spec.title} ({spec.code})"


def _categories(spec: RuleSpec) -> list[CheckCategories]:
    for tag, category in _CATEGORIES.items():
        if tag in spec.tags:
            return [category]
    return [CheckCategories.GENERAL_SECURITY]


def _entities(framework: str, code: str, kinds: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    if kinds == (_POLICY_DATA,):
        return (TF_POLICY_DATA,)
    if kinds == ("policy",):
        if framework == "terraform":
            return TF_POLICY_TYPES
        return CFN_POLICY_TYPES if framework == "cloudformation" else (SERVERLESS_ENTITY,)
    if framework == "terraform":
        if "function" in kinds:
            updates = code in UPDATE_MODE_CODES
            out += [TF_RUNTIME_MANAGEMENT_TYPE, "awscc_lambda_function"] if updates else TF_FUNCTION_TYPES
        if "layer" in kinds:
            out += TF_LAYER_TYPES
    elif framework == "cloudformation":
        if "function" in kinds:
            out += CFN_FUNCTION_TYPES
        if "layer" in kinds:
            out += CFN_LAYER_TYPES
    else:
        out.append(SERVERLESS_ENTITY)
    return tuple(out)


def _kinds(code: str) -> tuple[str, ...]:
    groups = (("function", FUNCTION_CODES), ("layer", LAYER_CODES_ALL), ("policy", POLICY_CODES))
    return tuple(kind for kind, codes in groups if code in codes)


def _base_class(framework: str, layer: bool, policy: bool = False) -> type:
    if policy and framework == "serverless":
        from checkov.serverless.checks.provider.base_provider_check import BaseProviderCheck

        return BaseProviderCheck
    if framework == "terraform":
        from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

        return BaseResourceCheck
    if framework == "cloudformation":
        from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck as CfnCheck

        return CfnCheck
    if layer:
        from checkov.serverless.checks.layer.base_layer_check import BaseLayerCheck

        return BaseLayerCheck
    from checkov.serverless.checks.function.base_function_check import BaseFunctionCheck

    return BaseFunctionCheck


def _check_class(framework: str, spec: RuleSpec, kinds: tuple[str, ...]) -> type:
    """One class per rule, framework and (for Serverless, whose functions and layers have separate registries)
    kind of resource."""
    base = _base_class(framework, kinds == ("layer",), policy=kinds == ("policy",))
    if kinds == (_POLICY_DATA,):
        from checkov.terraform.checks.data.base_check import BaseDataCheck

        base = BaseDataCheck

    def __init__(self: Any) -> None:
        entities = _entities(framework, spec.code, kinds)
        if kinds == (_POLICY_DATA,):
            base.__init__(self, name=_check_name(spec), id=spec.checkov_id, categories=_categories(spec),
                          supported_data=entities, guideline=spec.url)
        elif framework == "terraform" or framework == "cloudformation":
            base.__init__(self, name=_check_name(spec), id=spec.checkov_id, categories=_categories(spec),
                          supported_resources=entities, guideline=spec.url)
        else:
            base.__init__(self, name=_check_name(spec), id=spec.checkov_id, categories=_categories(spec),
                          supported_entities=entities, guideline=spec.url)
        self._setup()

    namespace: dict[str, Any] = {"__init__": __init__, "spec": spec, "framework": framework, "kinds": kinds,
                                 "__doc__": spec.description}
    # Checkov's per-framework abstract hooks all decide the same way.
    for hook in ("scan_function_conf", "scan_layer_conf", "scan_provider_conf", "scan_data_conf"):
        namespace[hook] = _LrrCheck.scan_resource_conf
    suffix = "".join(k.replace("-", " ").title().replace(" ", "") for k in kinds)
    class_name = f"{framework.capitalize()}{spec.code}{suffix}"
    return type(class_name, (_LrrCheck, base), namespace)


def make_checks(framework: str, policies: bool = True) -> list[Any]:
    """New check instances for one framework (each registers itself with Checkov's registry); ``policies=False``
    leaves out the checks of IAM policies (EL3004)."""
    if framework not in FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}; expected one of {', '.join(FRAMEWORKS)}")
    checks = []
    for spec in RULES:
        kinds = _kinds(spec.code)
        if not policies and kinds == ("policy",):
            continue
        groups = [(kind,) for kind in kinds] if framework == "serverless" else [kinds]
        if framework == "terraform" and kinds == ("policy",):  # resources and data sources: two registries
            groups.append((_POLICY_DATA,))
        checks.extend(_check_class(framework, spec, group)() for group in groups)
    return checks


def register(*frameworks: str) -> None:
    """Called by the shims in ``checkov_checks/``: register every rule for each framework (all by default).

    Checkov executes the shim folder once per runner; its registries ignore a second check with the same ID.
    Our checks attach ``details``, which Checkov's SARIF writer turns invalid: ``checkov_sarif`` mends that.
    """
    from .checkov_sarif import install

    install()
    quiet_log_stream([_check_name(spec) for spec in RULES])
    policies = policies_judged()
    for framework in frameworks or FRAMEWORKS:
        make_checks(framework, policies=policies)


def policies_judged() -> bool:
    """Can EL3004 give a verdict in this run? Only under high compliance, or (failing closed) when the settings
    cannot be loaded. Otherwise its checks would be UNKNOWN, left out of the report, on every IAM role, policy and
    SAM function, yet each of those calls costs Checkov its bookkeeping (a filter decision, log lines, a record), a
    tenth of all the calls our checks get on a typical tree; so they are not registered. Registration runs in the
    process that scans (Checkov executes the shims in each framework's runner), under the same settings."""
    context = _context()
    return context is None or context[0].high_compliance
