"""What runs in a fresh process, one client each; prints one JSON line for the parent.

python -m benchmarks.child cold KEY BASE_URL
    import the client, make it, make its first call (v2: stop a task, v4: cancel a run);
    print the monotonic time at the end (the parent noted the time just before it spawned
    this process) and what the call answered.
python -m benchmarks.child memory KEY BASE_URL CONCURRENCY CALLS
    after one warm-up stop, print max RSS (KiB) before and after CALLS stops at
    CONCURRENCY.
"""

import asyncio
import functools
import json
import sys
import time
from typing import Any

from benchmarks.drive import run_async, run_sync
from benchmarks.impls import BY_KEY, answer, workloads
from benchmarks.payload import TASK_ID


def _max_rss_kib() -> int:
    """Peak resident memory of this process so far (VmHWM; unlike getrusage's ru_maxrss,
    it does not carry over the parent's peak across fork and exec)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def cold(key: str, base_url: str) -> dict[str, Any]:
    impl = BY_KEY[key]
    first = workloads(impl.api, (10,))[0]
    if impl.kind == "sync":
        client = impl.make(base_url)
        result = getattr(client, first.method)(first.ident)
        done = time.monotonic()
        client.close()
    else:

        async def first_stop() -> tuple[Any, float]:
            client = impl.make(base_url)
            result = await getattr(client, first.method)(first.ident)
            done = time.monotonic()
            await client.close()
            return result, done

        result, done = asyncio.run(first_stop())
    return {"done": done, "answer": answer(result)}


def memory(key: str, base_url: str, concurrency: int, calls: int) -> dict[str, Any]:
    impl = BY_KEY[key]
    if impl.kind == "sync":
        client = impl.make(base_url)
        client.stop(TASK_ID)
        before = _max_rss_kib()
        result = run_sync(functools.partial(client.stop, TASK_ID), calls, concurrency)
        after = _max_rss_kib()
        client.close()
    else:

        async def measure() -> tuple[int, Any, int]:
            client = impl.make(base_url)
            await client.stop(TASK_ID)
            before = _max_rss_kib()
            result = await run_async(functools.partial(client.stop, TASK_ID), calls, concurrency)
            after = _max_rss_kib()
            await client.close()
            return before, result, after

        before, result, after = asyncio.run(measure())
    return {"before_kib": before, "after_kib": after, "answer": answer(result)}


def main() -> None:
    mode, key, base_url, *rest = sys.argv[1:]
    if mode == "cold":
        report = cold(key, base_url)
    elif mode == "memory":
        report = memory(key, base_url, int(rest[0]), int(rest[1]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
