"""What one blocking `BrowserUse` call costs over one `AsyncBrowserUse` call.

    .venv/bin/python benchmarks/sync_overhead.py [--calls 500] [--repeats 9]

Both clients send sequential `tasks.stop` calls to the fake cloud, which runs on its own
loop in its own thread (so the server's work is the same for both). Rounds alternate
between the clients, so drift affects both alike; each figure is the median over the
rounds of the mean time per call. The bare portal round trip (`LoopThread.run` of a
coroutine that returns at once) is measured too: run on the calling thread, as the blocking
client's is when no other thread is in its loop, and handed to the loop's own thread, as
under contention. Not a test: nothing here is asserted.
"""

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from importlib.metadata import version

from browser_use_async import AsyncBrowserUse, BrowserUse
from browser_use_async._loop_thread import LoopThread
from browser_use_async.testing import FakeBrowserUseCloud


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


async def noop() -> None:
    return None


def timed(round_: Callable[[], None], calls: int) -> float:
    """Microseconds per call of one round of `calls` calls."""
    start = time.perf_counter()
    round_()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calls", type=int, default=500, help="calls per round")
    parser.add_argument("--repeats", type=int, default=9, help="rounds per client")
    options = parser.parse_args()
    calls: int = options.calls
    repeats: int = options.repeats

    fake = FakeBrowserUseCloud().start_in_thread()
    task_id: uuid.UUID = fake.create_task(steps=3)  # stopping it again returns it unchanged

    async def async_round(client: AsyncBrowserUse) -> None:
        for _ in range(calls):
            await client.tasks.stop(task_id)

    def sync_round(client: BrowserUse) -> None:
        for _ in range(calls):
            client.tasks.stop(task_id)

    portals = {
        "portal": LoopThread(name="bench", caller_runs=True),
        "handed": LoopThread(name="bench"),
    }

    def portal_round(name: str) -> Callable[[], None]:
        def round_() -> None:
            for _ in range(calls):
                portals[name].run(noop())

        return round_

    results: dict[str, list[float]] = {"async": [], "sync": [], "portal": [], "handed": []}
    with (
        asyncio.Runner() as runner,
        BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as sync_client,
    ):
        async_client = AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url)
        runner.run(async_round(async_client))  # warm up: pools, code paths
        sync_round(sync_client)
        for name in portals:
            portal_round(name)()
        for _ in range(repeats):
            results["async"].append(timed(lambda: runner.run(async_round(async_client)), calls))
            results["sync"].append(timed(lambda: sync_round(sync_client), calls))
            for name in portals:
                results[name].append(timed(portal_round(name), calls))
            fake.requests.clear()
        runner.run(async_client.close())
    for portal in portals.values():
        portal.close()
    fake.stop_thread()

    median = {name: statistics.median(values) for name, values in results.items()}
    spread = {name: (min(values), max(values)) for name, values in results.items()}
    print(f"command : {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"python  : {platform.python_implementation()} {platform.python_version()}")
    print(f"aiohttp : {version('aiohttp')}")
    print(f"machine : {cpu_model()}, {os.cpu_count()} CPUs, {platform.system()}")
    print(f"rounds  : {repeats} x {calls} sequential tasks.stop calls per client\n")
    print("| per call | median (us) | min - max (us) |")
    print("| --- | ---: | ---: |")
    for name, label in [
        ("async", "`await AsyncBrowserUse().tasks.stop()`"),
        ("sync", "`BrowserUse().tasks.stop()`"),
        ("portal", "`LoopThread.run(<no-op coroutine>)`, run on the caller"),
        ("handed", "`LoopThread.run(<no-op coroutine>)`, handed to the loop thread"),
    ]:
        low, high = spread[name]
        print(f"| {label} | {median[name]:.1f} | {low:.1f} - {high:.1f} |")
    extra = median["sync"] - median["async"]
    print(
        f"\nsync over async: +{extra:.1f} us per call "
        f"({median['sync'] / median['async']:.2f}x the async call)"
    )


if __name__ == "__main__":
    main()
