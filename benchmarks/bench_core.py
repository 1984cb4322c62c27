"""Cold-process cost of the core: `import lambda_runtime_rules`, and catalog load + validation.

Each figure is the median of N fresh interpreters (imports are cached per process, so only a new process
measures what a pre-commit hook or a cfn-lint run pays). Goals: import < 100 ms, catalog load < 50 ms.
Run: python benchmarks/bench_core.py [N]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

PROBE = r"""
import json, time
t0 = time.perf_counter()
import lambda_runtime_rules
t1 = time.perf_counter()
from lambda_runtime_rules import catalog
t2 = time.perf_counter()
catalog.default_catalog()          # stamped bundled catalog (the path every run takes)
t3 = time.perf_counter()
catalog.validate_bundled()         # full JSON Schema validation, including importing jsonschema
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "catalog_module": t2 - t1, "load": t3 - t2, "full_validation": t4 - t3}))
"""


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    samples: dict[str, list[float]] = {}
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, cwd="/")
        for key, value in json.loads(out.stdout).items():
            samples.setdefault(key, []).append(value * 1000)
    print(f"median of {runs} fresh processes, milliseconds")
    for key, values in samples.items():
        print(f"  {key:16s} {statistics.median(values):7.1f}   (min {min(values):.1f}, max {max(values):.1f})")
    load = statistics.median(samples["catalog_module"]) + statistics.median(samples["load"])
    print(f"  import lambda_runtime_rules: {statistics.median(samples['import']):.1f} ms (goal < 100)")
    print(f"  catalog load (module + stamped load): {load:.1f} ms (goal < 50)")
    print(f"  catalog load with full validation: {load + statistics.median(samples['full_validation']):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
