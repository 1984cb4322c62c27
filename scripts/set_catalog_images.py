"""Set the ``images`` field of every runtime in rules_data/catalog.json: its AWS Lambda base image.

``repository`` is the name under ``public.ecr.aws/lambda/`` (the Docker Hub mirror ``amazon/aws-lambda-<repository>``
is derived by rule, in ``lambda_runtime_rules.images``), ``tags`` the tags AWS documents for that runtime (the first
is the one ``fix`` writes), ``architectures`` the architectures AWS publishes the image for. Published tags also carry
a date stamp (``3.12.2024.04.10.13``) and an architecture suffix (``-arm64``, ``-x86_64``): those are read by rule,
never listed. Moving tags (``latest``, ``3``) name no runtime and stay out.

Facts come from AWS's base-image documentation (source keys ``docs-images``, ``docs-images-2022``,
``docs-images-python``, ``docs-images-ruby``), with the preview tags from ``preview-issues``; the tags AWS's current
pages do not list (or that no page we could read lists) come from AWS's own repositories that pull them
(``sam-build-images``, ``sam-cli-images``), AWS maintainers' announcements (``base-images-issues``,
``dotnet7-image``), and the runtimes and architectures from AWS's artifact repository (``aws-base-images``). No tag
rests on third-party evidence alone: the former ``images-3p`` key is retired (removed from every entry). Runtimes
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
        "python-image.md (tags 3.9, 3.8 on AL2; 3.7, 3.6, 2.7 on Amazon Linux 2018.03), nodejs-image.md (16, 14, 12 "
        "on AL2 at the last doc_source version, file a83f69bc 2022-11-14; 10 in earlier versions), "
        "java-image.md (11, 8.al2, 8 on Amazon Linux), csharp-image.md (6, 5.0, core3.1, core2.1 on AL 2018.03; "
        "arm64 images only for .NET Core 3.1 and .NET 6), ruby-image.md (2.7), go-image.md (1 on Amazon Linux), "
        "runtimes-images.md (provided: al2, alami); images-create.md: 'Specify an image tag with an architecture "
        "suffix. For example, specify 3.9-arm64 to choose the arm64 base image for Python 3.9'; Docker Hub "
        "repositories amazon/aws-lambda-<family>."
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
    "docs-images-python": (
        "AWS docs 'Deploy Python Lambda functions with container images' "
        "(https://docs.aws.amazon.com/lambda/latest/dg/python-image.html, pages snapshot, read 2026-12-07): AWS base "
        "images for Python: tags 3.13 (Amazon Linux 2023, deprecation Jun 30, 2029), 3.12 (Amazon Linux 2023, Oct 31, "
        "2028), 3.11 (Amazon Linux 2, Jun 30, 2026), 3.10 (Amazon Linux 2, Jun 30, 2026), 3.9 (Amazon Linux 2, Dec 15, "
        "2025). An older snapshot than docs-python (no 3.14 row; the 3.10/3.11 dates precede AWS's extensions), so it "
        "is cited for the tags and OS, not the dates. Repository gallery.ecr.aws/lambda/python."
    ),
    "sam-build-images": (
        "aws/aws-sam-build-images build-image-src/Dockerfile-<runtime> (AWS's SAM build images, Apache-2.0; read "
        "2026-12-07 at HEAD acb44225 of 2024-03-27 and, for newer files, the versions the code index holds: "
        "python313 017729ff, python314/ruby33/ruby34 1511a105, ruby40 41e7ea8c, java8_al2023 36bb7d12, java11_al2023 "
        "629ab06d, java17_al2023 3a483af1): each starts 'FROM public.ecr.aws/lambda/<repository>:<tag>-$IMAGE_ARCH' "
        "and is built with IMAGE_ARCH=x86_64 and IMAGE_ARCH=arm64 (Makefile build-multi-arch, build_all_images.sh, "
        "an arm64 test class per runtime). Tags: nodejs:16, python:3.10, 3.11, 3.12, 3.13, 3.14, ruby:3.2, 3.3, 3.4, "
        "4.0, java:8.al2023, 11.al2023, 17.al2023, provided:al2023, dotnet:7. PR #201 (2026-07-14, merged): 'Add SAM "
        "build images for Java AL2023 runtimes ... based on AL2023 base images ... x86_64 and arm64 builds'. No "
        "dates; the OS only as AL2023-based images (dnf). https://github.com/aws/aws-sam-build-images"
    ),
    "sam-cli-images": (
        "aws/aws-sam-cli samcli/local/docker/lambda_image.py and tests/unit/local/docker/test_lambda_image.py at "
        "commit fe8f8dbb1160abce8ae13e0a4c5f8b456658afd3 (2026-07-22, v1.164.0), read 2026-12-07: AWS's CLI runs a "
        "function in public.ecr.aws/lambda/<repository>:<tag>[-<architecture>] (_INVOKE_REPO_PREFIX); 'nameN.M "
        "becomes name:N.M', the '.x' dropped, 'provided.al2 becomes provided:al2'; the tests spell nodejs:16, "
        "python:3.10, 3.11, 3.12, ruby:3.2 and provided:al2023 with -x86_64, and python:3.12-arm64. Its Runtime enum "
        "holds python3.13, python3.14, ruby3.3, ruby3.4, ruby4.0 and java8/11/17.al2023 (the last added 2026-07-20, "
        "#9125), with arm64 and x86_64 in SUPPORTED_RUNTIMES; no dotnet7. No OS, no dates."
    ),
    "base-images-issues": (
        "AWS maintainers in aws/aws-lambda-base-images, read 2026-12-07: #31 (official update, 2023-02-28: 'published "
        "a Lambda container base image for Python 3.10, for both x86_64 and arm64 architectures', "
        "gallery.ecr.aws/lambda/python); #327 (2025-09-18: preview image public.ecr.aws/lambda/python:3.14-preview, "
        "GA 'as both a base container image and a managed runtime' aimed for the end of 2025), closed with #330 on "
        "2026-01-03 'as done' (the Compute Blog's Python 3.14 launch post); #92 (2023-09-27: a preview base image "
        "'named provided.al2023', 'based on the AL2023-minimal image'). https://github.com/aws/aws-lambda-base-images"
    ),
    "dotnet7-image": (
        "AWS Compute Blog 'Building serverless .NET applications on AWS Lambda using .NET 7' "
        "(https://aws.amazon.com/blogs/compute/building-serverless-net-applications-on-aws-lambda-using-net-7/, read "
        "2026-12-07): 'Lambda has released a base container image for .NET 7 ... Lambda has not released a managed "
        "runtime for .NET 7' (so package_types Image only); aws/aws-sam-build-images#69 (2022-11-11: 'the image "
        "public.ecr.aws/lambda/dotnet:7 is available'); aws/aws-lambda-dotnet#1454 (2023-03-15: 'Added new .NET 7 ARM "
        "image'). No OS, no dates."
    ),
}

RETIRED = {"images-3p"}
"""Source keys no longer cited: removed from every entry and from the sources table."""

X86 = ["x86_64"]
BOTH = ["x86_64", "arm64"]

# identifier -> (repository, tags, architectures, source keys)
IMAGES: dict[str, tuple[str, list[str], list[str], list[str]]] = {
    "nodejs10.x": ("nodejs", ["10"], X86, ["docs-images-2022", "aws-base-images"]),
    "nodejs12.x": ("nodejs", ["12"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "nodejs14.x": ("nodejs", ["14"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "nodejs16.x": (
        "nodejs", ["16"], BOTH,
        ["docs-images-2022", "sam-build-images", "sam-cli-images", "aws-base-images"],
    ),
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
    "python3.10": (
        "python", ["3.10"], BOTH,
        ["docs-images-python", "base-images-issues", "sam-build-images", "aws-base-images"],
    ),
    "python3.11": (
        "python", ["3.11"], BOTH,
        ["docs-images-python", "sam-build-images", "sam-cli-images", "aws-base-images"],
    ),
    "python3.12": (
        "python", ["3.12"], BOTH,
        ["docs-images-python", "sam-build-images", "sam-cli-images", "aws-base-images"],
    ),
    "python3.13": ("python", ["3.13"], BOTH, ["docs-images-python", "sam-build-images", "sam-cli-images"]),
    "python3.14": ("python", ["3.14"], BOTH, ["base-images-issues", "sam-build-images", "sam-cli-images"]),
    "python3.15": ("python", ["3.15-preview"], BOTH, ["preview-issues"]),
    "java8": ("java", ["8"], X86, ["docs-images-2022", "aws-base-images"]),
    "java8.al2": ("java", ["8.al2"], BOTH, ["docs-images", "docs-images-2022", "aws-base-images"]),
    "java8.al2023": ("java", ["8.al2023"], BOTH, ["sam-build-images", "sam-cli-images"]),
    "java11": ("java", ["11"], BOTH, ["docs-images", "docs-images-2022", "aws-base-images"]),
    "java11.al2023": ("java", ["11.al2023"], BOTH, ["sam-build-images", "sam-cli-images"]),
    "java17": ("java", ["17"], BOTH, ["docs-images", "aws-base-images"]),
    "java17.al2023": ("java", ["17.al2023"], BOTH, ["sam-build-images", "sam-cli-images"]),
    "java21": ("java", ["21"], BOTH, ["docs-images", "aws-base-images"]),
    "java25": ("java", ["25"], BOTH, ["docs-images"]),
    "dotnetcore2.1": ("dotnet", ["core2.1"], X86, ["docs-images-2022", "aws-base-images"]),
    "dotnetcore3.1": ("dotnet", ["core3.1"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "dotnet5.0": ("dotnet", ["5.0"], X86, ["docs-images-2022", "aws-base-images"]),
    "dotnet6": ("dotnet", ["6"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "dotnet7": ("dotnet", ["7"], BOTH, ["dotnet7-image", "sam-build-images", "aws-base-images"]),
    "dotnet8": ("dotnet", ["8"], BOTH, ["docs-images", "aws-base-images"]),
    "dotnet9": ("dotnet", ["9"], BOTH, ["docs-images"]),
    "dotnet10": ("dotnet", ["10"], BOTH, ["docs-images"]),
    "ruby2.5": ("ruby", ["2.5"], X86, ["aws-base-images"]),
    "ruby2.7": ("ruby", ["2.7"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "ruby3.2": ("ruby", ["3.2"], BOTH, ["docs-images-ruby", "sam-build-images", "sam-cli-images", "aws-base-images"]),
    "ruby3.3": ("ruby", ["3.3"], BOTH, ["docs-images-ruby", "sam-build-images", "sam-cli-images", "aws-base-images"]),
    "ruby3.4": ("ruby", ["3.4"], BOTH, ["docs-images-ruby", "sam-build-images", "sam-cli-images"]),
    "ruby4.0": ("ruby", ["4.0"], BOTH, ["sam-build-images", "sam-cli-images"]),
    "go1.x": ("go", ["1"], X86, ["docs-images-2022", "aws-base-images"]),
    "provided": ("provided", ["alami"], X86, ["docs-images-2022", "aws-base-images"]),
    "provided.al2": ("provided", ["al2"], BOTH, ["docs-images-2022", "aws-base-images"]),
    "provided.al2023": (
        "provided", ["al2023"], BOTH,
        ["sam-cli-images", "sam-build-images", "base-images-issues", "aws-base-images"],
    ),
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
    for key in RETIRED:
        document["sources"].pop(key, None)
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
                    value = [k for k in value if k not in RETIRED] + [k for k in keys if k not in value]
                rebuilt[key] = value
            fields = rebuilt
        document["runtimes"][index] = fields
    CATALOG.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{CATALOG}: images set on {len(IMAGES)} runtimes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
