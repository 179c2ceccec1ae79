"""The blocking client's speed targets alone, in a minute instead of all of `make bench`:

    .venv/bin/python -m benchmarks.sync_targets [--repeats 7] [--steps 10] [--threads 16]

The same canned server, clients and measurements as `make bench` (`run.Driver`): p50 of
sequential stops and client CPU per sequential stop for the floor (async), our
`AsyncBrowserUse` and `BrowserUse` and the official `BrowserUse`, and client CPU per stop
with `--threads` threads sharing one blocking client. Repeats are interleaved, the order
rotated; figures are medians over them. CPU moves less than latency on a busy machine.
"""

import argparse
import gc
import statistics

from benchmarks.impls import BY_KEY, workloads
from benchmarks.run import Driver, canned_server, percentile, rotated

LATENCY = ("floor", "ours_async", "ours_sync", "official_sync")
THREADED = ("ours_sync", "official_sync")


def row(label: str, values: list[float]) -> str:
    return f"| {label} | {statistics.median(values):.0f} | {min(values):.0f} - {max(values):.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync_targets")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--calls", type=int, default=1000, help="stops per measurement")
    parser.add_argument("--steps", type=int, default=10, help="steps in the TaskView")
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    p50: dict[str, list[float]] = {key: [] for key in LATENCY}
    sequential: dict[str, list[float]] = {key: [] for key in LATENCY}
    cpu: dict[str, list[float]] = {key: [] for key in THREADED}
    impls = [BY_KEY[key] for key in LATENCY]
    with canned_server((args.steps,)) as urls:
        work = workloads("v2", (args.steps,))
        drivers = {impl.key: Driver(impl, urls, work) for impl in impls}
        try:
            for driver in drivers.values():  # warm-up
                driver.cpu(str(args.steps), 200, args.threads if driver.impl.kind == "sync" else 1)
            gc.collect()
            gc.freeze()
            for repeat in range(args.repeats):
                for impl in rotated(impls, repeat):
                    times = drivers[impl.key].latencies(str(args.steps), args.calls)
                    p50[impl.key].append(percentile(times, 0.5) * 1e6)
                    seconds = drivers[impl.key].cpu(str(args.steps), args.calls, 1)
                    sequential[impl.key].append(seconds / args.calls * 1e6)
                    if impl.key in cpu:
                        seconds = drivers[impl.key].cpu(str(args.steps), args.calls, args.threads)
                        cpu[impl.key].append(seconds / args.calls * 1e6)
        finally:
            for driver in drivers.values():
                driver.close()
            gc.unfreeze()
    median = {key: statistics.median(values) for key, values in p50.items()}
    per_call = {key: statistics.median(values) for key, values in cpu.items()}
    print(f"{args.repeats} interleaved repeats of {args.calls} stops, {args.steps} steps")
    for title, figures in [
        ("p50 (us)", p50),
        ("CPU per sequential stop (us)", sequential),
        (f"CPU per stop, {args.threads} threads (us)", cpu),
    ]:
        print(f"\n| client | {title} | min - max |\n| --- | ---: | ---: |")
        for key, values in figures.items():
            print(row(BY_KEY[key].label, values))
    print(
        f"\nsync p50: {median['ours_sync'] / median['floor']:.2f}x the floor's async p50 "
        f"(target <= 1.5x), {median['ours_sync'] / median['official_sync']:.2f}x the official "
        f"sync client's (target <= 0.6x); CPU per stop at {args.threads} threads: "
        f"{per_call['ours_sync'] / per_call['official_sync']:.2f}x the official's (target <= 0.5x)"
    )


if __name__ == "__main__":
    main()
