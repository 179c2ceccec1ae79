"""`python -m benchmarks [--quick] [--readme PATH] [--json PATH]`: measure, then write the
tables into benchmarks/README.md and the raw figures into benchmarks/results.json.

`--quick` is a short smoke run: it prints the tables and writes files only when asked to.
"""

import argparse
import json
import os
import sys
import time

from benchmarks.report import render, update_readme
from benchmarks.run import QUICK, Settings, log, measure

HERE = os.path.dirname(os.path.abspath(__file__))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--readme", help="default: benchmarks/README.md (none with --quick)")
    parser.add_argument("--json", help="default: benchmarks/results.json (none with --quick)")
    parser.add_argument("--command", default="make bench", help="shown in the README")
    args = parser.parse_args()
    readme = args.readme or (None if args.quick else os.path.join(HERE, "README.md"))
    raw = args.json or (None if args.quick else os.path.join(HERE, "results.json"))
    started = time.monotonic()
    results = measure(QUICK if args.quick else Settings())
    section = render(results, "python -m benchmarks --quick" if args.quick else args.command)
    if raw:
        with open(raw, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=1)
    if readme:
        update_readme(readme, section)
    log(f"done in {time.monotonic() - started:.0f} s")
    sys.stdout.write(section + "\n")


if __name__ == "__main__":
    main()
