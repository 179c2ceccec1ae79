"""Profile one client against the canned server with cProfile:

    python -m benchmarks.profile [--impl ours_async] [--steps 10] [--concurrency 64]
        [--calls 3000] [--top 25] [--sort tottime]

prints the functions that took the most time, for the notes in benchmarks/README.md.
"""

import argparse
import asyncio
import cProfile
import functools
import io
import pstats

from benchmarks.drive import run_async, run_sync
from benchmarks.impls import BY_KEY
from benchmarks.payload import TASK_ID
from benchmarks.run import canned_server


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile")
    parser.add_argument("--impl", default="ours_async", choices=sorted(BY_KEY))
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    impl = BY_KEY[args.impl]
    profiler = cProfile.Profile()
    with canned_server((args.steps,)) as urls, impl.context():
        url = urls[str(args.steps)]
        if impl.kind == "async":

            async def drive() -> None:
                client = impl.make(url)
                await run_async(
                    functools.partial(client.stop, TASK_ID), 200, args.concurrency
                )  # warm-up
                profiler.enable()
                await run_async(
                    functools.partial(client.stop, TASK_ID), args.calls, args.concurrency
                )
                profiler.disable()
                await client.close()

            asyncio.run(drive())
        else:
            client = impl.make(url)
            run_sync(functools.partial(client.stop, TASK_ID), 200, args.concurrency)
            profiler.enable()
            run_sync(functools.partial(client.stop, TASK_ID), args.calls, args.concurrency)
            profiler.disable()
            client.close()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
