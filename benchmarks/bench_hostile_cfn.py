"""cfn-lint with and without the pack, and ``check``, on a generated hostile template (issue 15 item 2).

The template holds a Mapping of KEYS x KEYS number leaves reached through ``Fn::FindInMap`` with parameter keys,
fanned out by LEVELS of ``Fn::If`` over YAML aliases, in FUNCTIONS functions: every property can take
KEYS^2 x 2^LEVELS values. Before values of every type counted against the 256 cap, ``check`` did not finish
and the pack added minutes to cfn-lint. Goal: the pack adds at most 3% to cfn-lint's own time, and ``check``
takes well under a second. cfn-lint itself spends tens of seconds on such a file, so the default is one round.

    python benchmarks/bench_hostile_cfn.py [--keys 100] [--levels 10] [--functions 4] [--rounds 1]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACK = "lambda_runtime_rules.cfn_lint"


def hostile_template(keys: int = 100, levels: int = 10, functions: int = 4) -> str:
    rows = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Parameters:",
        "  P: {Type: String}",
        "  Q: {Type: String}",
        "Conditions:",
        "  C: !Equals [!Ref P, x]",
        "Mappings:",
        "  M:",
    ]
    rows += [f"    k{i}: {{" + ", ".join(f"j{j}: {j}" for j in range(keys)) + "}" for i in range(keys)]
    rows.append("Resources:")
    for f in range(functions):
        rows += [
            f"  Fn{f}:",
            "    Type: AWS::Lambda::Function",
            "    Properties:",
            "      Handler: h",
            "      Role: arn:aws:iam::123456789012:role/r",
            "      Code: {ZipFile: x}",
            f"      Description: &f{f}l0 !FindInMap [M, !Ref P, !Ref Q]",
        ]
        rows += [f"      Timeout{n}: &f{f}l{n} !If [C, *f{f}l{n - 1}, *f{f}l{n - 1}]" for n in range(1, levels + 1)]
        rows += [f"      Runtime: *f{f}l{levels}", f"      Architectures: [*f{f}l{levels}]"]
    return "\n".join(rows) + "\n"


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100)
    parser.add_argument("--levels", type=int, default=10)
    parser.add_argument("--functions", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args(argv)
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "hostile.yaml").write_text(hostile_template(args.keys, args.levels, args.functions), encoding="utf-8")
        size = (cwd / "hostile.yaml").stat().st_size
        bare = [str(bin_dir / "cfn-lint"), "hostile.yaml"]
        pack = [str(bin_dir / "cfn-lint"), f"--append-rules={PACK}", "hostile.yaml"]
        check = [str(bin_dir / "lambda-runtime-rules"), "check", "--no-cache", "--as-of", "2026-11-23", "hostile.yaml"]
        without, with_pack, ours = [], [], []
        for _ in range(args.rounds):  # alternating, so drift in machine load hits both alike
            without.append(timed(bare, cwd))
            with_pack.append(timed(pack, cwd))
            ours.append(timed(check, cwd))
    base, packed = min(without), min(with_pack)
    shape = f"{args.keys}x{args.keys} leaves, {args.levels} levels, {args.functions} functions"
    print(f"hostile template: {size} bytes, {shape}")
    print(f"cfn-lint alone        {base:8.2f} s")
    print(f"cfn-lint + pack       {packed:8.2f} s  ({(packed - base) / base:+.1%}; goal <= +3%)")
    print(f"lambda-runtime-rules  {min(ours):8.2f} s  (check, one process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
