"""Strategy text rendering (issue 12): the renderer (cmark-gfm, then nh3; excellence/markdown.py)
on 100 KB of each hostile input known, beside python-markdown (the renderer the review found
quadratic) and markdown-it-py (the one used before cmark-gfm) on the same inputs, in the same run.

Inputs: a strategy written as people write them (headings, lists, a table, links, emphasis)
repeated to the size, and the pathological ones: "[a](b" (the review's), images, brackets,
mixed and nested emphasis, link reference definitions and chains of references, strikethrough,
entities, nested block quotes and lists, a table of 5,000 columns, raw HTML nested 12,500 deep,
unterminated attributes, backticks, soft breaks.

Each figure is the median of --runs runs in a fresh process per input and renderer: the CPU
time of that process (what the rendering costs, whatever else runs on the machine) and, for
ours at full size, the wall time too. Ours is timed whole (parse, depth check, sanitiser); the
others parse only. python-markdown takes time growing with the square of the size on several inputs
(14 s for 40 KB of "[a](b"), so it runs at --baseline-size characters and twice that, and ours
at the same sizes for the ratio; a process that exceeds --timeout seconds is stopped and shown
as "> timeout". The machine's load and free CPUs are measured before and after.

    .venv/bin/python bench/markdown_render.py                # about 5 minutes on 2 loaded cores
    .venv/bin/python bench/markdown_render.py --runs 3 --skip-baseline   # quick check

Prints a Markdown table; writes bench/results/markdown-<time>.json (git-ignored).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

PROSE = """# Smart textiles for mobility 2027

## Vision

The partnership helps **small and medium-sized enterprises** of four regions bring
*technical textiles* to car makers and rail operators: see [the roadmap](https://example.org/r).

## Actions

1. Matchmaking at the Techtextil fair, with 40 meetings.
2. Two ClusterXchange visits per year to the partner clusters.
   - Liberec to Zaragoza
   - Prato to Liberec
3. A joint benchmarking of the four cluster organisations.

| Target | 2025 | 2027 |
|---|---|---|
| SMEs supported | 120 | 300 |
| Exchanges | 4 | 12 |

> Internationalisation starts with people who have met.

"""


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _references(size: int) -> str:
    definitions = "".join(f"[r{i}]: /u{i}\n" for i in range(3000))[: size // 2]
    return definitions + _fill("[r1][r2]", size - len(definitions))


def _wide_table(size: int) -> str:
    columns = size // 20
    head = "|" + "a|" * columns + "\n" + "|" + "-|" * columns + "\n"
    return head + "|\n" * ((size - len(head)) // 2)


def _reused_reference(size: int) -> str:
    return "[a]: /u\n" + _fill("[a][a]", size - 8)


def _nested_lists(size: int) -> str:
    lines, total, depth = [], 0, 0
    while total < size:
        line = "  " * depth + "- a\n"
        lines.append(line)
        total += len(line)
        depth += 1
    return "".join(lines)[:size]


#: name -> (what it is, text of a given size)
INPUTS = {
    "prose": ("a strategy as people write them", lambda n: _fill(PROSE, n)),
    "link": ('"[a](b" (the review\'s)', lambda n: _fill("[a](b", n)),
    "image": ('"![a]("', lambda n: _fill("![a](", n)),
    "brackets": ('"[[["', lambda n: _fill("[[[", n)),
    "emphasis": ('"*a_" mixed emphasis', lambda n: _fill("*a_", n)),
    "nested-emphasis": ('"**_" nested emphasis', lambda n: _fill("**_", n)),
    "open-emphasis": ('"*a **b " never closed', lambda n: _fill("*a **b ", n)),
    "definitions": ('"[a]: b" definitions', lambda n: _fill("[a]: b\n", n)),
    "reference-chain": ("3,000 definitions, then [r1][r2]...", _references),
    "reference-reuse": ("one definition used 16,000 times", _reused_reference),
    "strikethrough": ('"~~a"', lambda n: _fill("~~a", n)),
    "entities": ('"&#"', lambda n: _fill("&#", n)),
    "block-quotes": ('"> " nested 50,000 deep', lambda n: _fill("> ", n)),
    "nested-lists": ("lists nested by indentation", _nested_lists),
    "wide-table": ("5,000 columns, rows of one cell", _wide_table),
    "raw-html": ('"<ul><li>" nested', lambda n: _fill("<ul><li>", n)),
    "attributes": ('"<a x=\'" never closed', lambda n: _fill("<a x='", n)),
    "backticks": ('"`a``"', lambda n: _fill("`a``", n)),
    "soft-breaks": ('"a" on 50,000 lines', lambda n: _fill("a\n", n)),
}


def _renderer(name: str):
    if name == "ours":
        from clusterloom.excellence.markdown import render_markdown

        return render_markdown
    if name == "python-markdown":
        import markdown

        return lambda text: markdown.markdown(text, extensions=["tables"])
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return parser.render


def _one(renderer: str, name: str, size: int, runs: int) -> dict:
    """In this process: render the input `runs` times; the times of each run."""
    render = _renderer(renderer)
    text = INPUTS[name][1](size)
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        html = render(text)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return {"chars": len(text), "html_chars": len(html), "wall": walls, "cpu": cpus}


def measure(renderer: str, name: str, size: int, runs: int, timeout: float) -> dict:
    """The median of `runs` renders in a fresh process, stopped after `timeout` seconds."""
    command = [sys.executable, __file__, "--one", renderer, name, str(size), str(runs)]
    try:
        done = subprocess.run(  # noqa: S603 - this script, fixed arguments
            command, capture_output=True, text=True, timeout=timeout, check=True, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return {"renderer": renderer, "input": name, "size": size, "timeout": timeout}
    result = json.loads(done.stdout)
    return {
        "renderer": renderer,
        "input": name,
        "size": size,
        "chars": result["chars"],
        "html_chars": result["html_chars"],
        "runs": runs,
        "median_ms": round(statistics.median(result["wall"]) * 1000, 1),
        "min_ms": round(min(result["wall"]) * 1000, 1),
        "cpu_median_ms": round(statistics.median(result["cpu"]) * 1000, 1),
    }


def _available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _cell(result: dict | None, key: str = "cpu_median_ms") -> str:
    if result is None:
        return "–"
    if "timeout" in result:
        return f"stopped at {result['timeout']:,.0f} s"
    return f"{result[key]:,.1f}"


def markdown(run: dict) -> str:
    """The report as a Markdown table: median milliseconds per input and renderer (CPU time of
    the rendering process; wall time too for ours at full size)."""
    by = {(r["renderer"], r["input"], r["size"]): r for r in run["results"]}
    size, small = run["config"]["size"], run["config"]["baseline_size"]
    k, s, s2 = f"{size // 1000} KB", f"{small // 1000} KB", f"{2 * small // 1000} KB"
    lines = [
        f"| input | ours {k} | ours {k}, wall | ours {s} | ours {s2} | python-markdown {s} | "
        f"python-markdown {s2} | markdown-it-py {k} |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, (what, _make) in INPUTS.items():
        ours = by.get(("ours", name, size))
        lines.append(
            f"| {what} | {_cell(ours)} | {_cell(ours, 'median_ms')} | "
            f"{_cell(by.get(('ours', name, small)))} | "
            f"{_cell(by.get(('ours', name, 2 * small)))} | "
            f"{_cell(by.get(('python-markdown', name, small)))} | "
            f"{_cell(by.get(('python-markdown', name, 2 * small)))} | "
            f"{_cell(by.get(('markdown-it-py', name, size)))} |"
        )
    full = [r for r in run["results"] if r["renderer"] == "ours" and r["size"] == size]
    stopped = [r["input"] for r in full if "timeout" in r]
    timed = [r for r in full if "timeout" not in r]
    lines.append("")
    if timed:
        cpu = max(timed, key=lambda r: r["cpu_median_ms"])
        wall = max(timed, key=lambda r: r["median_ms"])
        lines.append(
            f"Slowest input for ours at {k}: {cpu['input']}, median {cpu['cpu_median_ms']:,.1f} "
            f"ms CPU; slowest wall time: {wall['input']}, median {wall['median_ms']:,.1f} ms "
            "(goal: well under 1,000 ms)."
        )
    if stopped:
        lines.append(f"Stopped before the end (ours, {k}): {', '.join(stopped)}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="characters per input")
    parser.add_argument("--runs", type=int, default=5, help="runs per input and renderer")
    parser.add_argument("--baseline-size", type=int, default=10_000)
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per process")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        renderer, name, size, runs = args.one
        print(json.dumps(_one(renderer, name, int(size), int(runs))))
        return

    from run import cpu_available, log

    started = datetime.now(UTC)
    run = {
        "command": " ".join(sys.argv),
        "date": started.isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_before": cpu_available(),
        "git_commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "config": {
            "size": args.size,
            "runs": args.runs,
            "baseline_size": args.baseline_size,
            "baseline_runs": args.baseline_runs,
            "timeout": args.timeout,
        },
        "results": [],
    }
    plan = []
    for name in INPUTS:
        plan.append(("ours", name, args.size, args.runs))
        plan.append(("ours", name, args.baseline_size, args.runs))
        plan.append(("ours", name, 2 * args.baseline_size, args.runs))
        if not args.skip_baseline and _available("markdown"):
            plan.append(("python-markdown", name, args.baseline_size, args.baseline_runs))
            plan.append(("python-markdown", name, 2 * args.baseline_size, args.baseline_runs))
        if not args.skip_baseline and _available("markdown_it"):
            plan.append(("markdown-it-py", name, args.size, args.baseline_runs))
    for renderer, name, size, runs in plan:
        result = measure(renderer, name, size, runs, args.timeout)
        log(f"{renderer} {name} {size}: {_cell(result)} ms")
        run["results"].append(result)
    run["cpu_after"] = cpu_available()
    report = markdown(run)
    print(report)
    for key in ("cpu_before", "cpu_after"):
        cpu = run[key]
        print(f"{key}: load {' '.join(cpu['load_average'])}, {cpu['effective_cpus']} CPUs free")
    out = BENCH / "results"
    out.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M%S")
    (out / f"markdown-{stamp}.json").write_text(json.dumps(run, indent=2))


if __name__ == "__main__":
    main()
