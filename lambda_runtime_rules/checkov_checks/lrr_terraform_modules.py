"""Checkov loads this file by path: register the lambda-runtime-rules checks for Terraform module calls."""

try:
    from lambda_runtime_rules.checkov_modules import register
except Exception as exc:  # Checkov swallows import errors silently: say it out loud instead
    import sys

    sys.stderr.write(f"lambda-runtime-rules: cannot load the Checkov checks for Terraform modules: {exc}\n")
else:
    register()
