"""Drive a client: `calls` calls (a stop, a cancel, a status poll), `concurrency` of them in
flight at once."""

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any


async def run_async(call: Callable[[], Awaitable[Any]], calls: int, concurrency: int) -> Any:
    """`concurrency` tasks share the calls; returns one result, for checking."""
    todo = iter(range(calls))
    results: list[Any] = []

    async def worker() -> None:
        result = None
        for _ in todo:
            result = await call()
        results.append(result)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return next(r for r in results if r is not None)


def run_sync(call: Callable[[], Any], calls: int, concurrency: int) -> Any:
    """One thread at concurrency 1; else `concurrency` threads sharing the client."""
    if concurrency == 1:
        result = None
        for _ in range(calls):
            result = call()
        return result
    todo = iter(range(calls))
    lock = threading.Lock()
    results: list[Any] = []
    errors: list[BaseException] = []

    def worker() -> None:
        result = None
        try:
            while True:
                with lock:
                    if next(todo, None) is None:
                        break
                result = call()
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
        results.append(result)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return next(r for r in results if r is not None)
