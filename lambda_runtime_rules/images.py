"""AWS Lambda base-image references: which runtime an image reference names, in every spelling AWS publishes.

Pure and data-driven, like the engine that calls it: the repositories and tags come from the catalog's ``images``
field; only the spelling rules live here. A reference is ``<registry>/<repository>:<tag>[@<digest>]`` where

- the registry is ``public.ecr.aws/lambda/`` or the Docker Hub mirror ``amazon/aws-lambda-`` (optionally with a
  ``docker.io/`` host), the repository a catalog ``images.repository`` (``python``, ``nodejs``, ``provided``, ...);
- the tag is a runtime's base tag (``3.12``, ``8.al2``, ``al2023``), optionally followed by the date stamp of one
  published build (``.2024.04.10.13``) and an architecture suffix (``-arm64``, ``-x86_64``);
- a digest pins one exact published image, whatever the tag says.

A reference without a tag means ``latest``: a moving tag that names no runtime.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog, Runtime

ECR_PREFIX = "public.ecr.aws/lambda/"
DOCKER_HUB_PREFIX = "amazon/aws-lambda-"
DOCKER_HUB_HOSTS = ("docker.io/", "index.docker.io/", "registry-1.docker.io/")
ARCHITECTURE_SUFFIXES = {"x86_64": "x86_64", "arm64": "arm64"}
PLATFORMS = {"linux/amd64": "x86_64", "linux/x86_64": "x86_64", "linux/arm64": "arm64", "linux/arm64/v8": "arm64"}


@dataclass(frozen=True)
class Reference:
    """A Lambda base-image reference taken apart; ``tag_start`` indexes the tag in the text it came from."""

    text: str
    repository: str
    tag: str
    tag_start: int
    digest: str = ""

    @property
    def display(self) -> str:
        """``python:3.12-arm64``: the short name messages use, whatever registry spelling was written."""
        return f"{self.repository}:{self.tag or 'latest'}"


@dataclass(frozen=True)
class Match:
    """What a reference names: its runtime (None: no runtime has this tag), base tag and suffix architecture."""

    reference: Reference
    runtime: Runtime | None
    base: str = ""
    architecture: str = ""


def parse(text: str) -> Reference | None:
    """The reference taken apart, or None when it is not an AWS Lambda base image."""
    name, _, digest = text.partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    path, tag = (name[:colon], name[colon + 1 :]) if colon > slash else (name, "")
    lowered = path.lower()
    for host in DOCKER_HUB_HOSTS:
        if lowered.startswith(host):
            lowered = lowered[len(host) :]
            break
    if lowered.startswith(ECR_PREFIX):
        repository = lowered[len(ECR_PREFIX) :]
    elif lowered.startswith(DOCKER_HUB_PREFIX):
        repository = lowered[len(DOCKER_HUB_PREFIX) :]
    else:
        return None
    if not repository or "/" in repository:
        return None
    return Reference(text, repository, tag, colon + 1 if tag else len(name), digest)


def _without_stamp(tag: str) -> str:
    """``3.12.2024.04.10.13`` -> ``3.12``: a published build's date stamp (year, month, day, optional build)."""
    parts = tag.split(".")
    for size in (4, 3):
        stamp = parts[-size:]
        if len(parts) > size and len(stamp[0]) == 4 and all(part.isdigit() for part in stamp):
            return ".".join(parts[:-size])
    return tag


def match(reference: Reference, catalog: Catalog) -> Match:
    """The runtime a Lambda base-image reference names (by the catalog's ``images`` data), and its suffix's arch."""
    tag, architecture = reference.tag, ""
    head, dash, suffix = tag.rpartition("-")
    if dash and suffix in ARCHITECTURE_SUFFIXES:
        tag, architecture = head, ARCHITECTURE_SUFFIXES[suffix]
    for base in dict.fromkeys((tag, _without_stamp(tag))):
        runtime = catalog.by_image(reference.repository, base) if base else None
        if runtime is not None:
            return Match(reference, runtime, base, architecture)
    return Match(reference, None, "", architecture)


def display(runtime: Runtime) -> str:
    """``python:3.11``: the image of a runtime, as messages name it (its identifier when it has no image)."""
    if runtime.image is None:
        return runtime.identifier
    return f"{runtime.image.repository}:{runtime.image.tags[0]}"


def platform_architecture(platform: str) -> str:
    """``linux/arm64`` -> ``arm64``; '' for a platform Lambda does not run (or a variable left unresolved)."""
    return PLATFORMS.get(platform.strip().lower(), "")
