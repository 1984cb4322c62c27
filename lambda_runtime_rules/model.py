"""The shapes that flow from an adapter into the engine and back out.

Adapters (cfn-lint, Checkov, the CLI) only *find* values in their host's representation and wrap them in
these records; the engine never sees a host object. Every candidate value carries its own position and, when
it was reached through a parameter, mapping or condition, a human phrase saying how ("when LegacyRuntime is
nodejs14.x"), so a finding can point at the exact line a user has to change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True)
class Value:
    """One value a property can take, where it was written, and how it was reached."""

    value: object
    line: int = 0
    column: int = 0
    via: str = ""  # e.g. "when LegacyRuntime is nodejs14.x", "inherited from Globals"
    # The file the value is written in, when that is not the subject's own file: a Terraform module call's
    # argument, a variable default in variables.tf, terraform.tfvars, a Serverless ${file()} include. A
    # finding sits where the user must edit, so it names this file.
    file: str = ""


@dataclass(frozen=True)
class Suppression:
    """A suppression written in a file: which rules it silences, where, why, and in whose form it was written.

    ``lines`` is the inclusive range of finding lines it covers in ``file``; ``(0, 0)`` covers the whole
    resource wherever its findings sit (resource Metadata, a ``checkov:skip`` inside the resource).
    ``problem``: why it is *not* honoured (our own comment without a reason); the finding then names it.
    """

    rules: frozenset[str]
    origin: str
    reason: str = ""
    file: str = ""
    lines: tuple[int, int] = (0, 0)
    problem: str = ""

    def covers(self, rule: str, file: str, line: int) -> bool:
        if rule not in self.rules:
            return False
        if self.lines == (0, 0):
            return True
        return file == self.file and self.lines[0] <= line <= self.lines[1]


@dataclass(frozen=True)
class FunctionSubject:
    """A Lambda function as the engine sees it.

    Each tuple lists every value the property can take (all Fn::If branches, a parameter's Default and every
    AllowedValues entry, ...). An empty tuple means "not set or not resolvable": the engine stays quiet.
    ``architectures`` holds single architecture strings, one Value per list element of every possible list.
    """

    resource: str
    runtimes: tuple[Value, ...] = ()
    architectures: tuple[Value, ...] = ()
    update_modes: tuple[Value, ...] = ()
    runtime_version_arns: tuple[Value, ...] = ()
    # Where RuntimeManagementConfig itself sits: the line to report "Manual without an ARN" when the mode
    # value has no line of its own.
    line: int = 0
    file: str = ""
    resource_type: str = ""
    # The function a Globals value is inherited by; set when reporting on the Globals section.
    applies_to: str = ""
    suppressions: tuple[Suppression, ...] = ()
    # A function deployed as a container image: every AWS Lambda base image its Dockerfile builds FROM, as written
    # (``public.ecr.aws/lambda/python:3.12-arm64``), positioned on the tag. The engine maps each to its runtime and
    # judges it by the image policy (no block phases for images).
    base_images: tuple[Value, ...] = ()
    # The Dockerfile (real path) a template function's image is built from (SAM Metadata, Serverless
    # provider.ecr.images): a run that checks that template judges the Dockerfile through the function only.
    built_from: str = ""
    # The AWS Region the file itself deploys this function to (a literal Terraform provider ``region``, Serverless
    # ``provider.region``), positioned on the value; empty when the file does not say (the ``region`` setting then
    # applies). Only EL1006 reads it.
    regions: tuple[Value, ...] = ()
    # The CloudFront distributions (logical IDs, Terraform addresses, Serverless events) that associate this function,
    # its version or its alias in the same file: each makes it a Lambda@Edge function, which only EL2002 judges.
    edge_distributions: tuple[str, ...] = ()
    # One Value per entry of the function's Layers (any form: an ARN, a Ref, an expression), positioned on the entry.
    layers: tuple[Value, ...] = ()
    # PackageType / package_type as written (``Zip`` or ``Image``); a Serverless ``image:`` reads as ``Image``.
    package_types: tuple[Value, ...] = ()


@dataclass(frozen=True)
class LayerSubject:
    """A Lambda layer version: the runtimes and architectures it claims to support."""

    resource: str
    compatible_runtimes: tuple[Value, ...] = ()
    compatible_architectures: tuple[Value, ...] = ()
    line: int = 0
    file: str = ""
    resource_type: str = ""
    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True)
class Statement:
    """One IAM policy statement as the engine needs it: its effect and the actions it names, each positioned.

    ``not_action``: the statement is written with ``NotAction`` (``actions`` then holds the excluded patterns).
    ``effect`` is ``Allow`` or ``Deny`` as written (Terraform's ``effect`` defaults to Allow), or None when it is
    not a literal. ``conditional``: the statement has a ``Condition``, so a Deny in it does not always apply.
    ``line`` is the statement's own line, or that of its ``NotAction`` key, where a finding about it sits when no
    action string is to blame.
    """

    effect: Value | None
    actions: tuple[Value, ...] = ()
    not_action: bool = False
    line: int = 0
    column: int = 0
    file: str = ""
    conditional: bool = False
    resolved: bool = True  # False: an Action or Effect the reader could not resolve (a Ref, a variable)
    # The statement applies to every resource (no ``Resource``, as in an SCP, or ``*``): a Deny that does is the
    # control high compliance asks for; one limited to some functions is not.
    all_resources: bool = True


@dataclass(frozen=True)
class PolicySubject:
    """An IAM policy document written in a file: an identity policy, an SCP or a permissions boundary.

    ``kind`` says what it is for: ``identity`` (a policy that grants: IAM policies, role/user/group inline
    policies, SAM function and Serverless provider statements), ``scp`` (an Organizations service control policy,
    which never grants) or ``boundary`` (a managed policy that a role or user in the same file uses as its
    permissions boundary; it may be attached as well, so it is judged like an identity policy too).
    """

    resource: str
    statements: tuple[Statement, ...] = ()
    line: int = 0
    file: str = ""
    resource_type: str = ""
    kind: str = "identity"
    suppressions: tuple[Suppression, ...] = ()


Subject = Union[FunctionSubject, LayerSubject, PolicySubject]


@dataclass(frozen=True)
class Finding:
    """One verdict: a rule code, the resource it concerns, where, and a message for humans."""

    rule: str
    resource: str
    line: int
    column: int
    message: str
    file: str = ""
    runtime: str = ""

    @property
    def severity(self) -> str:
        """``error`` or ``warning``: the first letter of the code decides, as in cfn-lint."""
        return "error" if self.rule.startswith("E") else "warning"

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.column, self.rule, self.message)


def single_line(text: str) -> str:
    """Messages and problems are one line in every output: a newline (any unprintable character) in a logical ID,
    a generated key or a value is shown escaped."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
