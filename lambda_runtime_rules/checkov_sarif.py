"""Keep Checkov's SARIF valid when a check attaches ``details`` (ours carry the finding's full message).

Checkov 3.x writes each detail as ``{"description": "text"}``: SARIF 2.1.0 wants an attachment's description to
be a message object and requires its ``artifactLocation``, so one detail makes the whole file invalid and
GitHub code scanning rejects it. The details are useful in every format, so rather than dropping them this
rewrites such attachments into the valid form (``{"description": {"text": ...}, "artifactLocation": <the
result's file>}``) as Checkov builds the SARIF results. Attachments already in the valid form, and any Checkov
whose SARIF writer looks different, are left alone.

Checkov runs each framework in a forked worker and writes the reports in the parent, which never loads our
checks. So the mend is installed twice over: by the shims' ``register`` (a run in one process), and by each
``Detail`` when it is unpickled in the process that receives the worker's records.
"""

from __future__ import annotations

from typing import Any

_MARK = "_lambda_runtime_rules_valid_attachments"


class Detail(str):
    """A finding's message as a Checkov ``details`` entry: text everywhere, and it carries the SARIF mend along."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return _detail, (str(self),)


def _detail(text: str) -> Detail:
    install()
    return Detail(text)


def valid_attachments(result: dict[str, Any]) -> None:
    """Rewrite one SARIF result's string-described attachments in place (or drop them without a location)."""
    attachments = result.get("attachments")
    if not isinstance(attachments, list):
        return
    location = _artifact_location(result)
    fixed = []
    for attachment in attachments:
        description = attachment.get("description") if isinstance(attachment, dict) else None
        if isinstance(description, str):
            if location is None:
                continue
            attachment = {"description": {"text": description}, "artifactLocation": dict(location)}
        fixed.append(attachment)
    if fixed:
        result["attachments"] = fixed
    else:
        del result["attachments"]


def _artifact_location(result: dict[str, Any]) -> dict[str, Any] | None:
    try:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    except (KeyError, IndexError, TypeError):
        return None
    return location if isinstance(location, dict) and location.get("uri") else None


def install() -> None:
    """Wrap Checkov's ``Sarif._create_results`` once; silently a no-op where that writer does not exist."""
    try:
        from checkov.common.output.sarif import Sarif
    except Exception:
        return
    original = getattr(Sarif, "_create_results", None)
    if original is None or getattr(original, _MARK, False):
        return

    def _create_results(self: Any) -> list[dict[str, Any]]:
        results = original(self)
        for result in results:
            if isinstance(result, dict):
                valid_attachments(result)
        return results

    setattr(_create_results, _MARK, True)
    Sarif._create_results = _create_results  # type: ignore[method-assign]
