"""What the pytest plugin adds to the start-up of every pytest run where we are installed.

    .venv/bin/python benchmarks/plugin_startup.py [--runs 15]

Runs `pytest --collect-only -q` in an empty directory, alternately with the plugin and with
`-p no:browser_use_async`, and prints the median wall time of each and their difference;
then the import time of the plugin module alone (`python -X importtime`). Not a test:
nothing here is asserted.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

PLUGIN = "browser_use_async.testing.pytest_plugin"
PYTEST = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]


def once(extra: list[str], cwd: str) -> float:
    started = time.perf_counter()
    subprocess.run([*PYTEST, *extra], cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - started


def plugin_import_us() -> int:
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "import pytest, " + PLUGIN,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    # After pytest: what the plugin adds (its cumulative line, packages included).
    [line] = [row for row in done.stderr.splitlines() if row.endswith("| " + PLUGIN)]
    return int(line.split("|")[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as empty:
        once([], empty)  # warm the file cache
        times: dict[str, list[float]] = {"with the plugin": [], "-p no:browser_use_async": []}
        for _ in range(args.runs):
            times["with the plugin"].append(once([], empty))
            times["-p no:browser_use_async"].append(once(["-p", "no:browser_use_async"], empty))
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    for name, value in medians.items():
        fastest = min(times[name]) * 1000
        print(f"pytest --co, {name}: median {value:.1f} ms, min {fastest:.1f} ms")
    difference = medians["with the plugin"] - medians["-p no:browser_use_async"]
    print(f"difference: {difference:+.1f} ms")
    print(f"import of the plugin module alone: {plugin_import_us() / 1000:.1f} ms")


if __name__ == "__main__":
    main()
