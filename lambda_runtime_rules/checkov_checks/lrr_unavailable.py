"""A failed check in place of ours when lambda-runtime-rules cannot be imported in Checkov's environment.

Checkov swallows a check file's import errors (exit 0, nothing reported), so a pipeline whose Checkov lacks this
package would pass without our checks. The shims call ``unavailable()`` instead: one line on stderr, and a check
that fails on every Lambda function and layer, so every output format shows a FAILED result and Checkov exits 1.
This file imports only Checkov and the standard library; executed by Checkov's loader on its own it does nothing.
"""

from __future__ import annotations

import sys
from typing import Any

CHECK_ID = "CKV_LRR_0000"
_TERRAFORM = (
    "aws_lambda_function",
    "awscc_lambda_function",
    "aws_lambda_layer_version",
    "awscc_lambda_layer_version",
)
_CLOUDFORMATION = (
    "AWS::Lambda::Function",
    "AWS::Serverless::Function",
    "AWS::Lambda::LayerVersion",
    "AWS::Serverless::LayerVersion",
)


def unavailable(framework: str, exc: BaseException) -> None:
    """Say it on stderr and register the always-failing check for this framework (once per framework)."""
    reason = f"{type(exc).__name__}: {exc}"
    sys.stderr.write(f"lambda-runtime-rules: cannot load the Checkov checks for {framework}: {reason}\n")
    try:
        _register(framework, reason)
    except Exception as error:  # an older or newer Checkov without these bases: the stderr line must do
        sys.stderr.write(f"lambda-runtime-rules: cannot register {CHECK_ID} either: {error}\n")


def _register(framework: str, reason: str) -> None:
    from checkov.common.bridgecrew.severities import Severities
    from checkov.common.models.enums import CheckCategories, CheckResult

    name = (
        "lambda-runtime-rules checks could not be loaded, so no Lambda runtime was checked "
        f"({reason}); install lambda-runtime-rules in Checkov's environment"
    )
    common: dict[str, Any] = {"name": name, "id": CHECK_ID, "categories": [CheckCategories.GENERAL_SECURITY]}
    if framework == "terraform":
        from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck as Base

        common["supported_resources"] = _TERRAFORM
    elif framework == "cloudformation":
        from checkov.cloudformation.checks.resource.base_resource_check import BaseResourceCheck as Base

        common["supported_resources"] = _CLOUDFORMATION
    else:
        from checkov.serverless.checks.function.base_function_check import BaseFunctionCheck as Base

        common["supported_entities"] = ("serverless_aws",)

    def __init__(self: Any) -> None:
        Base.__init__(self, **common)
        self.severity = Severities["HIGH"]

    def fail(self: Any, conf: Any) -> CheckResult:
        return CheckResult.FAILED

    hooks = {"__init__": __init__, "scan_resource_conf": fail, "scan_function_conf": fail}
    type(f"Unavailable{framework.capitalize()}", (Base,), hooks)()
