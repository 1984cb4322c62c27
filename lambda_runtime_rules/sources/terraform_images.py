"""Terraform image functions built from a Dockerfile the repository holds, judged by that Dockerfile's FROM.

An ``aws_lambda_function`` with ``package_type = "Image"`` has no runtime: its ``image_uri`` names an image. Two
ways of building that image from a Dockerfile in the same configuration are common, and both are read here:

- the kreuzwerker/docker provider: ``docker_image`` with a ``build`` block (``context``, ``dockerfile``,
  ``target``, ``build_args``; v2's ``path`` and ``build_arg``), usually pushed by a ``docker_registry_image``
  whose ``name`` refers to it. A relative ``context`` is relative to ``path.cwd`` (the provider's documentation:
  "relative paths are relative to the current working directory"), the root module's folder; a relative
  ``dockerfile`` is relative to the context.
- terraform-aws-modules/lambda's ``modules/docker-build`` (``source_path``, ``docker_file_path`` default
  ``Dockerfile``, ``build_target``, ``build_args``), whose ``image_uri`` output is that same pair of resources.

Only literal values (variables with defaults, locals, ``path.module``) are followed; anything else leaves the
function unresolved, as every image function was before. The finding then sits in the Dockerfile (or on a build
argument where it is written), naming the function, exactly as for SAM and Serverless image functions.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Optional

from ..model import FunctionSubject, Value
from . import hcl

if TYPE_CHECKING:  # the evaluator and scope live in terraform.py, which imports this module lazily
    from .terraform import _Evaluator, _Scope

DOCKER_BUILD_MODULE = "modules/docker-build"
_MAX_DEPTH = 8


class Build:
    """Where an image is built from: the Dockerfile's path, the target stage and the build arguments."""

    def __init__(self, dockerfile: str, target: str, build_args: dict[str, Value]) -> None:
        self.dockerfile = dockerfile
        self.target = target
        self.build_args = build_args


def built_from(evaluator: _Evaluator, scope: _Scope, image_uri: Optional[hcl.Expr], subject: FunctionSubject
               ) -> FunctionSubject:
    """``subject`` judged by the Dockerfile its ``image_uri`` is built from, when that can be followed."""
    from . import dockerfile

    build = _build(evaluator, scope, image_uri, 0) if image_uri is not None else None
    if build is None or "\0" in build.dockerfile:
        return subject
    shown = os.path.relpath(build.dockerfile)  # as the user's own paths are: relative to where the command runs
    folder, name = os.path.split(shown if not shown.startswith(".." + os.sep) else build.dockerfile)
    return dockerfile.for_function(
        subject, os.path.join(folder, "main.tf"), "", name, build.target, build.build_args
    )


def _block(scope: _Scope, kind: str, labels: tuple[str, ...]) -> Optional[hcl.Block]:
    for _, block in scope.module.blocks(kind):
        if block.labels == labels:
            return block
    return None


def _one(evaluator: _Evaluator, expr: Optional[hcl.Expr], scope: _Scope) -> Optional[str]:
    """The single literal string an expression takes, else None (two candidates: not known which is built)."""
    if expr is None:
        return None
    values = {str(v.value) for v in evaluator.values(expr, scope)}
    return values.pop() if len(values) == 1 else None


def _build(evaluator: _Evaluator, scope: _Scope, expr: hcl.Expr, depth: int) -> Optional[Build]:
    if depth > _MAX_DEPTH:
        return None
    for ref in hcl.refs(expr):
        path = ref.path
        if len(path) < 2 or not isinstance(path[0], str) or not isinstance(path[1], str):
            continue
        head, name = path[0], path[1]
        if head in ("docker_image", "docker_registry_image"):
            block = _block(scope, "resource", (head, name))
            if block is None:
                continue
            inner = next((b for b in block.body.blocks if b.type == "build"), None)
            if inner is not None:
                return _from_build_block(evaluator, scope, inner.body)
            if head == "docker_registry_image":  # v3: name = docker_image.x.name
                found = _build(evaluator, scope, block.body.get("name"), depth + 1)
                if found is not None:
                    return found
        elif head == "local":
            local = scope.module.locals.get(name)
            found = _build(evaluator, scope, local, depth + 1) if local is not None else None
            if found is not None:
                return found
        elif head == "module":
            block = _block(scope, "module", (name,))
            if block is not None and _is_docker_build(evaluator, scope, block):
                return _from_docker_build(evaluator, scope, block.body)
    return None


def _is_docker_build(evaluator: _Evaluator, scope: _Scope, block: hcl.Block) -> bool:
    source = _one(evaluator, block.body.get("source"), scope) or ""
    return source.split("?", 1)[0].rstrip("/").endswith(DOCKER_BUILD_MODULE)


def _context(scope: _Scope, context: str) -> str:
    """A relative context is relative to path.cwd: the root module's folder."""
    return context if os.path.isabs(context) else os.path.normpath(os.path.join(scope.root_folder or ".", context))


def _args(evaluator: _Evaluator, scope: _Scope, expr: Optional[hcl.Expr]) -> Optional[dict[str, Value]]:
    """A build-args map of literal strings; None when any of it is not known (then no verdict is safe)."""
    if expr is None:
        return {}
    forms = evaluator.forms(expr, scope)
    if len(forms) != 1 or not isinstance(forms[0].expr, hcl.Obj):
        return None
    out: dict[str, Value] = {}
    for key, item in forms[0].expr.items:
        values = evaluator.values(item, forms[0].scope)
        if len(values) != 1:
            return None
        out[key] = values[0]
    return out


def _from_build_block(evaluator: _Evaluator, scope: _Scope, body: hcl.Body) -> Optional[Build]:
    context = _one(evaluator, body.get("context") or body.get("path"), scope)
    args = _args(evaluator, scope, body.get("build_args") or body.get("build_arg"))
    if context is None or args is None:
        return None
    name = _one(evaluator, body.get("dockerfile"), scope) if body.get("dockerfile") is not None else "Dockerfile"
    if name is None:
        return None
    target = _one(evaluator, body.get("target"), scope) if body.get("target") is not None else ""
    if target is None:
        return None
    folder = _context(scope, context)
    return Build(name if os.path.isabs(name) else os.path.join(folder, name), target, args)


def _from_docker_build(evaluator: _Evaluator, scope: _Scope, body: hcl.Body) -> Optional[Build]:
    """terraform-aws-modules/lambda//modules/docker-build: its docker_image build block, from the call's
    arguments (variables.tf: source_path, docker_file_path default "Dockerfile", build_target, build_args)."""
    context = _one(evaluator, body.get("source_path"), scope)
    args = _args(evaluator, scope, body.get("build_args"))
    if context is None or args is None:
        return None
    given = body.get("docker_file_path")
    name = _one(evaluator, given, scope) if given is not None else "Dockerfile"
    given_target = body.get("build_target")
    target = _one(evaluator, given_target, scope) if given_target is not None else ""
    if name is None or target is None:
        return None
    folder = _context(scope, context)
    return Build(name if os.path.isabs(name) else os.path.join(folder, name), target, args)
