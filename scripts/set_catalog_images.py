"""Set the ``images`` field of every runtime in rules_data/catalog.json: its AWS Lambda base image.

``repository`` is the name under ``public.ecr.aws/lambda/`` (the Docker Hub mirror ``amazon/aws-lambda-<repository>``
is derived by rule, in ``lambda_runtime_rules.images``), ``tags`` the tags AWS documents for that runtime (the first
is the one ``fix`` writes), ``architectures`` the architectures AWS publishes the image for. Published tags also carry
a date stamp (``3.12.2024.04.10.13``) and an architecture suffix (``-arm64``, ``-x86_64``): those are read by rule,
never listed. Moving tags (``latest``, ``3``) name no runtime and stay out.

Facts come from AWS's base-image documentation (source keys ``docs-images`` and ``docs-images-2022``), with the
preview tags from ``preview-issues`` and the few tags AWS's current pages no longer list corroborated by
``images-3p``, and the runtimes and architectures by AWS's own artifact repository (``aws-base-images``). Runtimes
without a published base image (before container support, December 2020) get no field.

The script only sets this one field (and its source keys), and writes the file back in its own format
(``json.dumps(indent=2)``), so other fields (and other engineers' edits) are kept; run ``scripts/stamp_catalog.py``
afterwards.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "rules_data" / "catalog.json"

SOURCES = {
    "docs-images": (
        "AWS docs per-language container image pages via search (docs corpus, 2026): nodejs-image (tags 24, 22, 20; "
        "an earlier es_es snapshot 22, 20, 18 on AL2), java-image (25, 21 on AL2023; 17, 11, 8.al2 on AL2), "
        "csharp-image (10, 9, 8 on AL2023); each table has a Deprecation column and no block dates. "
        "runtime-support-policy: 'Lambda runtimes for .zip file archives ...'; runtime-management-shared: for "
        "container images Lambda publishes patched base images and the customer rebuilds. Repository "
        "gallery.ecr.aws/lambda/<family>."
    ),
    "docs-images-2022": (
        "awsdocs/aws-lambda-developer-guide doc_source (archived GitHub copy of the AWS docs, 2021-2022): "
        "python-image.md (tags 3.9, 3.8 on AL2; 3.7, 3.6, 2.7 on Amazon Linux 2018.03), nodejs-image.md (14, 12, 10), "
        "java-image.md (11, 8.al2, 8 on Amazon Linux), csharp-image.md (6, 5.0, core3.1, core2.1 on AL 2018.03; "
        "arm64 images only for .NET Core 3.1 and .NET 6), ruby-image.md (2.7), go-image.md (1 on Amazon Linux), "
        "runtimes-images.md (provided: al2, alami); Docker Hub repositories amazon/aws-lambda-<family>."
    ),
    "aws-base-images": (
        "aws/aws-lambda-base-images (AWS's own artifact repository of every base image; Apache-2.0), snapshot read "
        "2026-12-06: one branch per runtime identifier holding Dockerfile.<runtime>, with arm64/ and x86_64/ folders "
        "where AWS publishes both architectures (branches pushed 2022-12 to 2024-10). Branches: dotnet5.0, "
        "dotnetcore2.1, go1.x, java8, nodejs10.x, provided, python2.7, python3.6, python3.7, ruby2.5 (x86_64 only); "
        "dotnet6, dotnet7, dotnet8, dotnetcore3.1, java8.al2, java11, java17, java21, nodejs12.x, nodejs14.x, "
        "nodejs16.x, nodejs18.x, nodejs20.x, provided.al2, provided.al2023, python3.8-3.12, ruby2.7, ruby3.2, ruby3.3 "
        "(arm64 and x86_64). The snapshot predates python3.13+, java*.al2023, ruby3.4+, nodejs22.x+, dotnet9+. "
        "It gives the runtime and architectures; the tag is AWS's <version> convention, as on every documented page."
    ),
    "docs-images-ruby": (
        "AWS docs 'Deploy Ruby Lambda functions with container images' "
        "(https://docs.aws.amazon.com/lambda/latest/dg/ruby-image.html, via search, 2026-12-06): AWS base images "
        "for Ruby: tags 3.4 (Ruby 3.4, Amazon Linux 2023, deprecation Mar 31, 2028), 3.3 (Amazon Linux 2023, Mar 31, "
        "2027), 3.2 (Amazon Linux 2, Mar 31, 2026); repository gallery.ecr.aws/lambda/ruby."
    ),
    "images-3p": (
        "Corroboration of tags the current AWS pages no longer list, and of the tag grammar: awslabs/"
        "aws-athena-query-federation#3532 (2026-07-20: java:11.al2023-x86_64), spcl/serverless-benchmarks#311 "
        "(java-image lists .al2023 variants of 11 and 17), public Dockerfiles pinning dotnet:7, "
        "dotnet:7.2023.08.02.10 (date stamp), python:3.12-arm64, java:17.al2023.2026.07.17.17-x86_64@sha256:..., "
        "runtime-to-image tables for ruby:3.2/3.3/3.4/4.0, java:8.al2023/11.al2023/17.al2023, dotnet:7."
    ),
}

X86 = ["x86_64"]
BOTH = ["x86_64", "arm64"]

# identifier -> (repository, tags, architectures, source keys)
IMAGES: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    "nodejs10.x": ("nodejs", ["10"], X86, ["docs-images-2022", "aws-base-images"]),
    "nodejs12.x": ("nodejs", ["12"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "nodejs14.x": ("nodejs", ["14"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "nodejs16.x": ("nodejs", ["16"], BOTH, ["images-3p", "aws-base-images"]),
    "nodejs18.x": ("nodejs", ["18"], BOTH, ["docs-images", "aws-base-images"]),
    "nodejs20.x": ("nodejs", ["20"], BOTH, ["docs-images", "aws-base-images"]),
    "nodejs22.x": ("nodejs", ["22"], BOTH, ["docs-images"]),
    "nodejs24.x": ("nodejs", ["24"], BOTH, ["docs-images"]),
    "nodejs26.x": ("nodejs", ["26-preview"], BOTH, ["preview-issues"]),
    "python2.7": ("python", ["2.7"], X86, ["docs-images-2022", "aws-base-images"]),
    "python3.6": ("python", ["3.6"], X86, ["docs-images-2022", "aws-base-images"]),
    "python3.7": ("python", ["3.7"], X86, ["docs-images-2022", "aws-base-images"]),
    "python3.8": ("python", ["3.8"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "python3.9": ("python", ["3.9"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "python3.10": ("python", ["3.10"], BOTH, ["images-3p", "aws-base-images"]),
    "python3.11": ("python", ["3.11"], BOTH, ["images-3p", "aws-base-images"]),
    "python3.12": ("python", ["3.12"], BOTH, ["images-3p", "aws-base-images"]),
    "python3.13": ("python", ["3.13"], BOTH, ["images-3p"]),
    "python3.14": ("python", ["3.14"], BOTH, ["images-3p"]),
    "python3.15": ("python", ["3.15-preview"], BOTH, ["preview-issues"]),
    "java8": ("java", ["8"], X86, ["docs-images-2022", "aws-base-images"]),
    "java8.al2": ("java", ["8.al2"], BOTH, ["docs-images", "docs-images-2022", "aws-base-images"]),
    "java8.al2023": ("java", ["8.al2023"], BOTH, ["images-3p"]),
    "java11": ("java", ["11"], BOTH, ["docs-images", "docs-images-2022", "aws-base-images"]),
    "java11.al2023": ("java", ["11.al2023"], BOTH, ["images-3p"]),
    "java17": ("java", ["17"], BOTH, ["docs-images", "aws-base-images"]),
    "java17.al2023": ("java", ["17.al2023"], BOTH, ["images-3p"]),
    "java21": ("java", ["21"], BOTH, ["docs-images", "aws-base-images"]),
    "java25": ("java", ["25"], BOTH, ["docs-images"]),
    "dotnetcore2.1": ("dotnet", ["core2.1"], X86, ["docs-images-2022", "aws-base-images"]),
    "dotnetcore3.1": ("dotnet", ["core3.1"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "dotnet5.0": ("dotnet", ["5.0"], X86, ["docs-images-2022", "aws-base-images"]),
    "dotnet6": ("dotnet", ["6"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "dotnet7": ("dotnet", ["7"], BOTH, ["images-3p", "aws-base-images"]),
    "dotnet8": ("dotnet", ["8"], BOTH, ["docs-images", "aws-base-images"]),
    "dotnet9": ("dotnet", ["9"], BOTH, ["docs-images"]),
    "dotnet10": ("dotnet", ["10"], BOTH, ["docs-images"]),
    "ruby2.5": ("ruby", ["2.5"], X86, ["aws-base-images"]),
    "ruby2.7": ("ruby", ["2.7"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "ruby3.2": ("ruby", ["3.2"], BOTH, ["images-3p", "aws-base-images", "docs-images-ruby"]),
    "ruby3.3": ("ruby", ["3.3"], BOTH, ["images-3p", "aws-base-images", "docs-images-ruby"]),
    "ruby3.4": ("ruby", ["3.4"], BOTH, ["images-3p", "docs-images-ruby"]),
    "ruby4.0": ("ruby", ["4.0"], BOTH, ["images-3p"]),
    "go1.x": ("go", ["1"], X86, ["docs-images-2022", "aws-base-images"]),
    "provided": ("provided", ["alami"], X86, ["docs-images-2022", "aws-base-images"]),
    "provided.al2": ("provided", ["al2"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "provided.al2023": ("provided", ["al2023"], BOTH, ["images-3p", "aws-base-images"]),
}


def main() -> int:
    text = CATALOG.read_text(encoding="utf-8")
    document = json.loads(text)
    if json.dumps(document, indent=2, ensure_ascii=False) + "\n" != text:
        print(f"{CATALOG}: not in json.dumps(indent=2) form; refusing to reformat it", file=sys.stderr)
        return 2
    known = {entry["identifier"]: entry for entry in document["runtimes"]}
    missing = sorted(set(IMAGES) - set(known))
    if missing:
        print(f"{CATALOG}: no runtime {', '.join(missing)}", file=sys.stderr)
        return 2
    for identifier, (_, _, architectures, _) in IMAGES.items():
        extra = set(architectures) - set(known[identifier]["architectures"])
        if extra:  # an image for an architecture the runtime itself lacks would contradict the catalog
            print(f"{CATALOG}: {identifier}: image architectures {sorted(extra)} not in the runtime's", file=sys.stderr)
            return 2
    document.setdefault("sources", {}).update(SOURCES)
    document["sources"] = dict(sorted(document["sources"].items()))
    for index, entry in enumerate(document["runtimes"]):
        image = IMAGES.get(entry["identifier"])
        fields = {key: value for key, value in entry.items() if key != "images"}
        if image is not None:  # placed before "sources": the facts first, then where they came from
            repository, tags, architectures, keys = image
            rebuilt: dict[str, object] = {}
            for key, value in fields.items():
                if key == "sources":
                    rebuilt["images"] = {"repository": repository, "tags": tags, "architectures": architectures}
                    value = value + [k for k in keys if k not in value]
                rebuilt[key] = value
            fields = rebuilt
        document["runtimes"][index] = fields
    CATALOG.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{CATALOG}: images set on {len(IMAGES)} runtimes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
