"""Set the ``cdk`` field of every runtime in rules_data/catalog.json: aws-cdk-lib's ``Runtime`` constant name.

The table below is copied from aws-cdk-lib's ``packages/aws-cdk-lib/aws-lambda/lib/runtime.ts`` (class
``Runtime``, ``public static readonly NAME = new Runtime('identifier', ...)``); the catalog's ``sources`` entry
``aws-cdk-lib`` names the commits. ``NODEJS_LATEST`` (``isVariable``: the region decides at synth time) and
``FROM_IMAGE`` (no runtime) are not runtimes and stay out. Only the constant name is stored: every language's
spelling derives from it (``lambda_runtime_rules.sources.cdk.spelling``).

The script only sets this one field and writes the file back in its own format (``json.dumps(indent=2)``),
so other fields (and other engineers' edits) are kept; run ``scripts/stamp_catalog.py`` afterwards.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

CATALOG = Path(__file__).resolve().parent.parent / "rules_data" / "catalog.json"
SOURCE_KEY = "aws-cdk-lib"
SOURCE = (
    "aws/aws-cdk packages/aws-cdk-lib/aws-lambda/lib/runtime.ts, class Runtime static constants (field cdk): "
    "commit bea61a9f2ce326851ba50f48ea1a2116354345dd for every constant up to NODEJS_22_X, PYTHON_3_13, JAVA_21, "
    "DOTNET_8, RUBY_3_3, PROVIDED_AL2023; NODEJS_24_X, PYTHON_3_14, JAVA_25, JAVA_8/11/17_AL2023, DOTNET_9, "
    "DOTNET_10, RUBY_3_4, RUBY_4_0 from a newer stored version of the same file (code search id 61850594450, "
    "commit not recorded by the index). NODEJS_LATEST (isVariable) and FROM_IMAGE are not runtimes."
)

CONSTANTS = {
    "nodejs": "NODEJS",
    "nodejs4.3": "NODEJS_4_3",
    "nodejs6.10": "NODEJS_6_10",
    "nodejs8.10": "NODEJS_8_10",
    "nodejs10.x": "NODEJS_10_X",
    "nodejs12.x": "NODEJS_12_X",
    "nodejs14.x": "NODEJS_14_X",
    "nodejs16.x": "NODEJS_16_X",
    "nodejs18.x": "NODEJS_18_X",
    "nodejs20.x": "NODEJS_20_X",
    "nodejs22.x": "NODEJS_22_X",
    "nodejs24.x": "NODEJS_24_X",
    "python2.7": "PYTHON_2_7",
    "python3.6": "PYTHON_3_6",
    "python3.7": "PYTHON_3_7",
    "python3.8": "PYTHON_3_8",
    "python3.9": "PYTHON_3_9",
    "python3.10": "PYTHON_3_10",
    "python3.11": "PYTHON_3_11",
    "python3.12": "PYTHON_3_12",
    "python3.13": "PYTHON_3_13",
    "python3.14": "PYTHON_3_14",
    "java8": "JAVA_8",
    "java8.al2": "JAVA_8_CORRETTO",
    "java8.al2023": "JAVA_8_AL2023",
    "java11": "JAVA_11",
    "java11.al2023": "JAVA_11_AL2023",
    "java17": "JAVA_17",
    "java17.al2023": "JAVA_17_AL2023",
    "java21": "JAVA_21",
    "java25": "JAVA_25",
    "dotnetcore1.0": "DOTNET_CORE_1",
    "dotnetcore2.0": "DOTNET_CORE_2",
    "dotnetcore2.1": "DOTNET_CORE_2_1",
    "dotnetcore3.1": "DOTNET_CORE_3_1",
    "dotnet6": "DOTNET_6",
    "dotnet8": "DOTNET_8",
    "dotnet9": "DOTNET_9",
    "dotnet10": "DOTNET_10",
    "ruby2.5": "RUBY_2_5",
    "ruby2.7": "RUBY_2_7",
    "ruby3.2": "RUBY_3_2",
    "ruby3.3": "RUBY_3_3",
    "ruby3.4": "RUBY_3_4",
    "ruby4.0": "RUBY_4_0",
    "go1.x": "GO_1_X",
    "provided": "PROVIDED",
    "provided.al2": "PROVIDED_AL2",
    "provided.al2023": "PROVIDED_AL2023",
}


def main() -> int:
    text = CATALOG.read_text(encoding="utf-8")
    document = json.loads(text)
    if json.dumps(document, indent=2, ensure_ascii=False) + "\n" != text:
        print(f"{CATALOG}: not in json.dumps(indent=2) form; refusing to reformat it", file=sys.stderr)
        return 2
    known = {entry["identifier"] for entry in document["runtimes"]}
    missing = sorted(set(CONSTANTS) - known)
    if missing:
        print(f"{CATALOG}: no runtime {', '.join(missing)}", file=sys.stderr)
        return 2
    document.setdefault("sources", {})[SOURCE_KEY] = SOURCE
    document["sources"] = dict(sorted(document["sources"].items()))
    for index, entry in enumerate(document["runtimes"]):
        constant = CONSTANTS.get(entry["identifier"])
        if constant is not None and "cdk" in entry:  # in place: a re-run moves nothing
            entry["cdk"] = constant
            continue
        fields = {key: value for key, value in entry.items() if key != "cdk"}
        if constant is not None:  # placed before "sources": the facts first, then where they came from
            rebuilt: dict[str, object] = {}
            for key, value in fields.items():
                if key == "sources":
                    rebuilt["cdk"] = constant
                rebuilt[key] = value
            fields = rebuilt
        document["runtimes"][index] = fields
    CATALOG.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{CATALOG}: cdk set on {len(CONSTANTS)} runtimes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
