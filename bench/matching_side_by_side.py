"""Partner-search latency of two checkouts side by side, in one run on the same machine.

    .venv/bin/python bench/matching_side_by_side.py OTHER_CHECKOUT [N]

Builds the index of N (default 10,000) synthetic organisations of `matching_latency.generate`
with each checkout's own code (each in a fresh interpreter) and times 100 short needs with 20
explained results: on a shared, noisy machine the ratio of the two is what can be trusted.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import statistics, sys, time
sys.path.insert(0, {root!r}); sys.path.insert(0, {root!r} + "/bench")
from matching_latency import generate, queries
from clusterloom.matching.index import PartnerIndex
profiles = generate({n}); short, _long = queries(100)
t = time.perf_counter(); ix = PartnerIndex(profiles); ix.search(short[0])
build = time.perf_counter() - t
ts = []
for q in short:
    t = time.perf_counter(); ix.search(q, 20); ts.append((time.perf_counter() - t) * 1000)
ts.sort()
print(f"{{build:.1f}} {{statistics.median(ts):.1f}} {{ts[94]:.1f}}")
"""


def main() -> int:
    other = Path(sys.argv[1]).resolve()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    print(f"{n} organisations, 100 short needs, 20 results each")
    print("| checkout | build s | median ms | p95 ms |\n|---|---:|---:|---:|")
    for root in (other, ROOT):
        out = subprocess.run(  # noqa: S603 - our own interpreter on our own probe
            [sys.executable, "-c", PROBE.format(root=str(root), n=n)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(f"| {root} | {out[0]} | {out[1]} | {out[2]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
