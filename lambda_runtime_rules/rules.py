"""The one table of rule metadata: every adapter, the CLI's ``explain`` and the docs index read it.

A code's first letter is its severity (E error, W warning) as in cfn-lint; ``L`` is this pack's namespace
letter, so our IDs never collide with cfn-lint's built-ins or other packs. The Checkov ID carries the same
number because Checkov drops custom details for CloudFormation results: the ID and name must say it all.
"""

from __future__ import annotations

from dataclasses import dataclass

PROJECT_URL = "https://github.com/lambda-runtime-rules/lambda-runtime-rules"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rules"


@dataclass(frozen=True)
class RuleSpec:
    code: str
    checkov_id: str
    slug: str
    title: str
    description: str
    tags: tuple[str, ...]

    @property
    def severity(self) -> str:
        return "error" if self.code.startswith("E") else "warning"

    @property
    def checkov_severity(self) -> str:
        """Checkov's vocabulary: blocked deploys are HIGH, everything advisory MEDIUM."""
        return "HIGH" if self.code.startswith("E") else "MEDIUM"

    @property
    def url(self) -> str:
        return f"{DOCS_URL}/{self.code}.md"


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        "EL1001", "CKV_LRR_1001", "runtime-update-blocked",
        "Lambda runtime is update-blocked",
        "The runtime's block-function-update date has passed: AWS rejects any update to a function on it.",
        ("lambda", "runtime", "lifecycle"),
    ),
    RuleSpec(
        "EL1002", "CKV_LRR_1002", "runtime-create-blocked",
        "Lambda runtime is create-blocked",
        "The runtime's block-function-create date has passed: new functions on it cannot be created.",
        ("lambda", "runtime", "lifecycle"),
    ),
    RuleSpec(
        "WL1003", "CKV_LRR_1003", "runtime-deprecated",
        "Lambda runtime is deprecated",
        "The runtime is deprecated (no more security patches or support); creation is not blocked yet.",
        ("lambda", "runtime", "lifecycle"),
    ),
    RuleSpec(
        "WL1004", "CKV_LRR_1004", "runtime-deprecation-soon",
        "Lambda runtime is deprecated soon",
        "The runtime's deprecation date falls within the warning window (warn_days) after as_of.",
        ("lambda", "runtime", "lifecycle"),
    ),
    RuleSpec(
        "WL1005", "CKV_LRR_1005", "runtime-unknown",
        "Lambda runtime is not in the catalog",
        "The runtime identifier is not in the catalog: a typo, or a runtime newer than the catalog.",
        ("lambda", "runtime"),
    ),
    RuleSpec(
        "EL1006", "CKV_LRR_1006", "runtime-not-offered-in-region",
        "Lambda runtime is not offered in this Region",
        "The Region launched when the runtime was deprecated or due for deprecation within six months: AWS does "
        "not offer it there, so the function cannot be created (needs the region setting or a Region in the file).",
        ("lambda", "runtime", "lifecycle", "region"),
    ),
    RuleSpec(
        "EL2001", "CKV_LRR_2001", "architecture-unsupported",
        "Lambda runtime cannot run on this architecture",
        "The function asks for an architecture its runtime does not support (arm64 on Amazon Linux 1 runtimes).",
        ("lambda", "runtime", "architecture"),
    ),
    RuleSpec(
        "EL2002", "CKV_LRR_2002", "edge-function-unsupported",
        "Lambda@Edge function uses what Lambda@Edge does not support",
        "A function a CloudFront distribution associates (Lambda@Edge) has a runtime Lambda@Edge does not run, the "
        "arm64 architecture, layers, a container image, or a runtime management mode other than Auto.",
        ("lambda", "runtime", "edge"),
    ),
    RuleSpec(
        "EL3001", "CKV_LRR_3001", "update-mode-forbidden",
        "Lambda runtime update mode forbidden under high compliance",
        "High compliance forbids UpdateRuntimeOn Manual (and FunctionUpdate when allow_function_update is "
        "false) unless an unexpired exception covers the resource.",
        ("lambda", "runtime-management", "compliance"),
    ),
    RuleSpec(
        "WL3002", "CKV_LRR_3002", "update-mode-manual",
        "Lambda runtime update mode is Manual",
        "Manual runtime updates are meant only as a temporary rollback: the function stops receiving runtime "
        "security patches.",
        ("lambda", "runtime-management"),
    ),
    RuleSpec(
        "EL3003", "CKV_LRR_3003", "runtime-version-arn-invalid",
        "Lambda RuntimeVersionArn does not fit the update mode",
        "Manual needs a RuntimeVersionArn (the deployment fails without one); any other mode ignores it; the "
        "ARN must look like arn:<partition>:lambda:<region>::runtime:<64 hex digits>.",
        ("lambda", "runtime-management"),
    ),
    RuleSpec(
        "EL3004", "CKV_LRR_3004", "iam-allows-runtime-management",
        "IAM policy allows lambda:PutRuntimeManagementConfig under high compliance",
        "High compliance keeps every function on Auto by denying lambda:PutRuntimeManagementConfig: an IAM "
        "statement that allows it (by name, a matching wildcard or a NotAction that leaves it out; a bare * only "
        "with iam_wildcards) is reported unless an unexpired exception covers the policy.",
        ("lambda", "runtime-management", "compliance", "iam"),
    ),
    RuleSpec(
        "WL4001", "CKV_LRR_4001", "layer-runtime-deprecated",
        "Lambda layer lists a deprecated runtime",
        "A layer's compatible runtimes include a deprecated or blocked runtime.",
        ("lambda", "layer", "lifecycle"),
    ),
    RuleSpec(
        "EL4002", "CKV_LRR_4002", "layer-architecture-unsupported",
        "Lambda layer claims an architecture its runtimes cannot run",
        "A layer lists an architecture that one of its compatible runtimes cannot run.",
        ("lambda", "layer", "architecture"),
    ),
)



@dataclass(frozen=True)
class NoticeSpec:
    """A run-level notice: about the run (the catalog's age), not about a resource, so it is no entry of
    ``RULES``: it has no Checkov check (Checkov and the CLI print the same line on stderr), no fixtures and no
    verdict. cfn-lint has no channel for such a line but a match, so there it is an informational rule."""

    code: str
    slug: str
    title: str
    description: str
    tags: tuple[str, ...]

    @property
    def severity(self) -> str:
        return "informational"

    @property
    def url(self) -> str:
        return f"{DOCS_URL}/{self.code}.md"


NOTICES: tuple[NoticeSpec, ...] = (
    NoticeSpec(
        "IL9001", "catalog-stale",
        "Runtime catalog is too old for as_of",
        # 180 is catalog.STALE_CATALOG_DAYS (a test keeps them equal): this table stays free of imports.
        "The runtime catalog was reviewed more than 180 days before as_of: deprecations "
        "announced since are missing. Reported once per cfn-lint run, on line 1 of the first template.",
        ("lambda", "runtime", "catalog"),
    ),
)

BY_CODE: dict[str, RuleSpec] = {r.code: r for r in RULES}
BY_CHECKOV_ID: dict[str, RuleSpec] = {r.checkov_id: r for r in RULES}


def lookup(name: str) -> RuleSpec | None:
    """A rule by either form of its ID (EL3001 or CKV_LRR_3001), case-insensitive."""
    key = name.strip().upper()
    return BY_CODE.get(key) or BY_CHECKOV_ID.get(key)
