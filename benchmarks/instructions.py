"""Instructions per stop call, counted by valgrind's callgrind (which load does not move):

    python -m benchmarks.instructions [--impl ours_async] [--steps 10] [--concurrency 1]
        [--calls 200 1200]

runs the client twice under callgrind against the canned server (its own process, not
counted), with each number of calls after the same warm-up, and prints the difference in
instructions divided by the difference in calls: start-up, imports and warm-up cancel out.
"""

import argparse
import asyncio
import functools
import os
import re
import subprocess
import sys
import tempfile

from benchmarks.drive import run_async, run_sync
from benchmarks.impls import BY_KEY
from benchmarks.payload import TASK_ID
from benchmarks.run import canned_server

_TOTAL = re.compile(r"^summary: (\d+)", re.MULTILINE)


def _child(impl_key: str, steps: int, concurrency: int, calls: int) -> None:
    impl = BY_KEY[impl_key]
    with canned_server((steps,)) as urls, impl.context():
        url = urls[str(steps)]
        if impl.kind == "async":

            async def drive() -> None:
                client = impl.make(url)
                await run_async(functools.partial(client.stop, TASK_ID), 100, concurrency)
                await run_async(functools.partial(client.stop, TASK_ID), calls, concurrency)
                await client.close()

            asyncio.run(drive())
        else:
            client = impl.make(url)
            run_sync(functools.partial(client.stop, TASK_ID), 100, concurrency)
            run_sync(functools.partial(client.stop, TASK_ID), calls, concurrency)
            client.close()


def _count(impl_key: str, steps: int, concurrency: int, calls: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "callgrind.out")
        command = [
            *("valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"),
            *(sys.executable, "-m", "benchmarks.instructions", "--child"),
            *("--impl", impl_key, "--steps", str(steps), "--concurrency", str(concurrency)),
            *("--calls", str(calls)),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}  # the same hashing, run after run
        subprocess.run(command, check=True, capture_output=True, timeout=1800, env=env)
        with open(out) as profile:
            found = _TOTAL.search(profile.read())
    if found is None:
        raise RuntimeError("callgrind wrote no summary")
    return int(found[1])


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("--impl", default="ours_async", choices=sorted(BY_KEY))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--calls", type=int, nargs="+", default=[200, 1200])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.impl, args.steps, args.concurrency, args.calls[0])
        return
    few, many = args.calls
    low = _count(args.impl, args.steps, args.concurrency, few)
    high = _count(args.impl, args.steps, args.concurrency, many)
    per_call = (high - low) / (many - few)
    print(
        f"{args.impl} steps={args.steps} C={args.concurrency}: "
        f"{per_call:,.0f} instructions per call ({few} and {many} calls: {low:,} and {high:,})"
    )


if __name__ == "__main__":
    main()
