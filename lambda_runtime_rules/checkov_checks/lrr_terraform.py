"""Checkov loads this file by path: register the lambda-runtime-rules checks for terraform."""

try:
    from lambda_runtime_rules.checkov_adapter import register
except Exception as exc:  # Checkov swallows import errors silently: fail a check instead (see lrr_unavailable)
    from lrr_unavailable import unavailable

    unavailable("terraform", exc)
else:
    register("terraform")
