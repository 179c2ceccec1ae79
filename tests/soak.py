"""Soak: thousands of mixed calls through the fake cloud with faults injected, then
`tasks.run` cancelled and interrupted at hundreds of points.

`make soak` runs it large and prints the figures; tests/test_soak.py runs it small in
`make test`. The calls come from the async client, then from the sync client shared by
8 threads. About 10% of answers are 503, 3% of connections are dropped and 2% of
answers come slower than the timeout. The fake cloud runs here and counts what reached
it (so a create sent twice shows); the client load runs in a child process, which
reports its own memory and whatever it left behind (connections, file descriptors,
threads, tasks), so that the fake's own state does not blur those figures.
"""

import argparse
import asyncio
import collections
import contextlib
import json
import logging
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs
from aiohttp import web
from aiohttp.typedefs import Handler

from browser_use_async import AsyncBrowserUse, BrowserUse, BrowserUseError, RetryPolicy
from browser_use_async.testing import FakeBrowserUseCloud, Fault

POLICY = RetryPolicy(initial_delay=0.005, max_delay=0.05, max_retries=4)
TIMEOUT = 0.25


@attrs.define
class SoakReport:
    """What the client saw (from the child) and what the server saw (from the fake)."""

    calls: int = 0
    succeeded: int = 0
    failed_after_retries: int = 0
    unexpected: list[str] = attrs.field(factory=lambda: [])
    outcomes: dict[str, int] = attrs.field(factory=lambda: {})
    leaked_fds: int = 0
    leaked_threads: int = 0
    leaked_tasks: int = 0
    rss_after_warmup_kib: int = 0
    rss_after_kib: int = 0
    faults_injected: int = 0
    requests_seen: int = 0
    creates: int = 0
    duplicate_creates: int = 0
    open_connections_after: int = 0

    @property
    def retries(self) -> int:
        return self.requests_seen - self.calls

    def lines(self) -> list[str]:
        growth = self.rss_after_kib - self.rss_after_warmup_kib
        return [
            f"calls {self.calls}: {self.succeeded} succeeded, "
            f"{self.failed_after_retries} failed after their retries, "
            f"{len(self.unexpected)} unexpected",
            f"faults injected {self.faults_injected}; requests seen {self.requests_seen} "
            f"(retries {self.retries})",
            f"creates reaching the server {self.creates}, duplicates {self.duplicate_creates}",
            f"left behind: connections {self.open_connections_after}, fds {self.leaked_fds}, "
            f"threads {self.leaked_threads}, tasks {self.leaked_tasks}",
            f"client RSS after warm-up {self.rss_after_warmup_kib} KiB, at the end "
            f"{self.rss_after_kib} KiB ({growth:+d} KiB)",
            "by call: " + ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items())),
        ]


def rss_kib() -> int:
    """The resident set size now (not the peak), from /proc."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


class Tally:
    """Outcomes by call kind; anything but a result or a BrowserUseError is unexpected."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.unexpected: list[str] = []
        self._lock = threading.Lock()

    def record(self, kind: str, error: BaseException | None) -> None:
        with self._lock:
            if error is None:
                self.outcomes[f"{self.prefix}{kind} ok"] += 1
            elif isinstance(error, BrowserUseError):
                self.outcomes[f"{self.prefix}{kind} {type(error).__name__}"] += 1
            else:
                self.unexpected.append(f"{self.prefix}{kind}: {error!r}")


def _calls(
    client: Any, rng: random.Random, task_ids: list[str]
) -> list[tuple[str, Callable[[int], Any]]]:
    """The mix, for either client: `client.tasks` methods are awaitable or blocking alike."""
    return [
        ("stop", lambda n: client.tasks.stop(rng.choice(task_ids))),
        ("get", lambda n: client.tasks.get(rng.choice(task_ids))),
        ("status", lambda n: client.tasks.status(rng.choice(task_ids))),
        ("list", lambda n: client.tasks.list(page_size=5)),
        ("create", lambda n: client.tasks.create(f"soak {n}")),
    ]


def load_sync(config: dict[str, Any], tally: Tally) -> None:
    """Blocking calls: one BrowserUse shared by 8 threads."""
    rng = random.Random(config["seed"] + 1)  # noqa: S311 (a test workload)
    with BrowserUse(
        api_key=config["api_key"], base_url=config["base_url"], timeout=TIMEOUT, retry=POLICY
    ) as client:
        kinds = _calls(client, rng, config["task_ids"])
        shared = iter(range(config["calls"], config["calls"] + config["sync_calls"]))

        def worker() -> None:
            for number in shared:
                kind, call = kinds[number % len(kinds)]
                try:
                    call(number)
                    tally.record(kind, None)
                except Exception as error:
                    tally.record(kind, error)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


async def load(config: dict[str, Any], tally: Tally) -> int:
    """Awaited calls, `concurrency` at a time; returns the RSS after warm-up, in KiB."""
    rng = random.Random(config["seed"])  # noqa: S311 (a test workload)
    client = AsyncBrowserUse(
        api_key=config["api_key"], base_url=config["base_url"], timeout=TIMEOUT, retry=POLICY
    )
    kinds = _calls(client, rng, config["task_ids"])

    async def worker(numbers: Iterator[int]) -> None:
        for number in numbers:
            kind, call = kinds[number % len(kinds)]
            try:
                await call(number)
                tally.record(kind, None)
            except Exception as error:
                tally.record(kind, error)

    async def run(numbers: range) -> None:
        shared = iter(numbers)
        await asyncio.gather(*(worker(shared) for _ in range(config["concurrency"])))

    calls = config["calls"]
    warmup = min(calls // 5, 1000)
    await run(range(warmup))
    rss_after_warmup = rss_kib()
    await run(range(warmup, calls))
    await client.close()
    await asyncio.sleep(0.05)
    return rss_after_warmup


def client_side(config: dict[str, Any]) -> dict[str, Any]:
    """The child's whole run: async, then sync; then what is left behind."""
    base_fds, base_threads = open_fds(), threading.active_count()
    tally = Tally("")
    leaked_tasks = 0

    async def run_async() -> int:
        nonlocal leaked_tasks
        rss = await load(config, tally)
        leaked_tasks = len(asyncio.all_tasks()) - 1
        return rss

    rss_after_warmup = asyncio.run(run_async())
    load_sync(config, tally_sync := Tally("sync "))
    outcomes = tally.outcomes + tally_sync.outcomes
    return {
        "calls": config["calls"] + config["sync_calls"],
        "succeeded": sum(v for k, v in outcomes.items() if k.endswith(" ok")),
        "failed_after_retries": sum(v for k, v in outcomes.items() if not k.endswith(" ok")),
        "unexpected": tally.unexpected + tally_sync.unexpected,
        "outcomes": dict(outcomes),
        "leaked_fds": max(0, open_fds() - base_fds),
        "leaked_threads": max(0, threading.active_count() - base_threads),
        "leaked_tasks": leaked_tasks,
        "rss_after_warmup_kib": rss_after_warmup,
        "rss_after_kib": rss_kib(),
    }


async def soak(calls: int, concurrency: int, sync_calls: int, seed: int = 7) -> SoakReport:
    """Serve the fake with faults here, drive it from a child process, and report."""
    async with FakeBrowserUseCloud(manual_time=True) as fake:
        task_ids = [str(fake.create_task(f"seed {n}", steps=2)) for n in range(20)]
        fake.faults.reseed(seed)
        fake.faults.add("*", Fault(status=503, headers={"Retry-After": "0"}), times=None, rate=0.1)
        fake.faults.add("*", Fault(disconnect="before_response"), times=None, rate=0.033)
        fake.faults.add("*", Fault(delay=TIMEOUT * 2), times=None, rate=0.022)
        config = {
            "base_url": fake.base_url,
            "api_key": fake.api_key,
            "task_ids": task_ids,
            "calls": calls,
            "concurrency": concurrency,
            "sync_calls": sync_calls,
            "seed": seed,
        }
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.soak",
            "--client",
            json.dumps(config),
            stdout=asyncio.subprocess.PIPE,
        )
        output, _ = await child.communicate()
        if child.returncode != 0:
            raise RuntimeError(f"the soak client failed with exit status {child.returncode}")
        report = SoakReport(**json.loads(output))
        for _ in range(100):  # handlers still sleeping on a slow fault hold their connection
            if fake.open_connections == 0:
                break
            await asyncio.sleep(0.02)
        report.open_connections_after = fake.open_connections
        report.faults_injected = fake.faults.injected
        report.requests_seen = sum(1 for r in fake.requests if r.path.startswith("/api/v2/"))
        prompts = collections.Counter(
            r.json()["task"] for r in fake.requests if r.method == "POST" and r.body
        )
        report.creates = sum(prompts.values())
        report.duplicate_creates = sum(count - 1 for count in prompts.values())
    return report


# -- tasks.run cancelled at every point -------------------------------------------------------

FINAL = frozenset({"finished", "failed", "stopped"})


class LateCreates:
    """Makes a fake commit each created task (or what `POST path` creates: "/api/v4/runs")
    first and answer `seconds` later, as a real server may: a client that gives up in between
    has a task it was never told about. Install it before the fake starts."""

    def __init__(self, fake: FakeBrowserUseCloud, path: str = "/api/v2/tasks") -> None:
        self.seconds = 0.0
        self.drop = False  # then close the connection instead of answering
        self.path = path
        fake.app.middlewares.append(self._late)  # innermost: after the task is stored

    @web.middleware
    async def _late(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if request.method == "POST" and request.path == self.path:
            if self.seconds:
                await asyncio.sleep(self.seconds)
            if self.drop and request.transport is not None:
                request.transport.abort()
        return response


@attrs.define
class CancelReport:
    """Points tried, and what the server holds afterwards."""

    points: collections.Counter[str] = attrs.field(factory=collections.Counter[str])
    creates: int = 0
    orphans: list[str] = attrs.field(factory=lambda: [])
    duplicates: int = 0
    unexpected: list[str] = attrs.field(factory=lambda: [])
    slowest_exit: float = 0.0

    def lines(self) -> list[str]:
        tried = ", ".join(f"{kind} {n}" for kind, n in sorted(self.points.items()))
        return [
            f"tasks.run cancelled at {sum(self.points.values())} points ({tried})",
            f"creates reaching the server {self.creates}: tasks left running "
            f"{len(self.orphans)}, duplicate creates {self.duplicates}, "
            f"{len(self.unexpected)} unexpected; slowest exit {self.slowest_exit:.2f} s",
            *self.unexpected[:5],
        ]

    def audit(self, fake: FakeBrowserUseCloud) -> None:
        prompts = collections.Counter(
            r.json()["task"]
            for r in fake.requests
            if r.method == "POST" and r.path == "/api/v2/tasks"
        )
        self.creates = sum(prompts.values())
        self.duplicates = sum(count - 1 for count in prompts.values())
        self.orphans = [t["task"] for t in fake.tasks.values() if t["status"] not in FINAL]


async def _cancelled_run(report: CancelReport, run: "asyncio.Task[Any]", kind: str) -> None:
    started = time.monotonic()
    try:
        async with asyncio.timeout(30):
            await run
        report.unexpected.append(f"{kind}: run returned")
    except (asyncio.CancelledError, TimeoutError) as error:
        if isinstance(error, TimeoutError) and kind == "iterations":
            report.unexpected.append(f"{kind}: timed out")
    except Exception as error:
        report.unexpected.append(f"{kind}: {error!r}")
    report.points[kind] += 1
    report.slowest_exit = max(report.slowest_exit, time.monotonic() - started)


async def sweep_iterations(
    client: AsyncBrowserUse, fake: FakeBrowserUseCloud, report: CancelReport, most: int
) -> None:
    """Cancel after N loop iterations, N = 0, 1, ..., until well into the polling."""
    polling_for = 0
    for n in range(most):
        seen = len(fake.requests)
        run = asyncio.create_task(client.tasks.run(f"iterations {n}", poll_interval=0.05))
        for _ in range(n):
            await asyncio.sleep(0)
        polling_for += any(r.method == "GET" for r in fake.requests[seen:])
        run.cancel()
        await _cancelled_run(report, run, "iterations")
        if polling_for > 20:
            return


async def sweep_timeouts(
    client: AsyncBrowserUse, report: CancelReport, values: list[float]
) -> None:
    """`asyncio.timeout(value)` around the whole run."""
    for n, value in enumerate(values):

        async def bounded(prompt: str, value: float) -> None:
            async with asyncio.timeout(value):
                await client.tasks.run(prompt, poll_interval=0.05)

        await _cancelled_run(
            report, asyncio.create_task(bounded(f"timeout {n}", value)), "asyncio.timeout"
        )


def sigint_child(config: dict[str, Any]) -> None:
    """In a child: a blocking `tasks.run` until the parent's SIGINT."""
    with BrowserUse(api_key=config["api_key"], base_url=config["base_url"]) as client:
        try:
            print("ready", flush=True)  # noqa: T201 (to the parent)
            client.tasks.run(config["prompt"], poll_interval=0.05)
        except KeyboardInterrupt:
            raise SystemExit(130) from None
    raise SystemExit(3)  # the run ended by itself: it must not have


async def sweep_sigint(
    fake: FakeBrowserUseCloud, report: CancelReport, count: int, window: float, seed: int
) -> None:
    """SIGINT to child processes blocked in `BrowserUse(...).tasks.run`, at random moments
    from just before the create is sent to well into the polling, and to every other child
    a second one soon after; four at a time."""
    rng = random.Random(seed)  # noqa: S311 (a test workload)

    async def one(n: int) -> None:
        config = {"api_key": fake.api_key, "base_url": fake.base_url, "prompt": f"sigint {n}"}
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.soak",
            "--sigint-child",
            json.dumps(config),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert child.stdout is not None
        try:
            async with asyncio.timeout(60):
                await child.stdout.readline()
                await asyncio.sleep(rng.uniform(0, window))
                child.send_signal(signal.SIGINT)
                started = time.monotonic()
                if n % 2:  # a second Ctrl-C while the first one's clean-up runs
                    await asyncio.sleep(rng.uniform(0, window))
                    with contextlib.suppress(ProcessLookupError):
                        child.send_signal(signal.SIGINT)
                _, err = await child.communicate()
        except TimeoutError:
            child.kill()
            await child.wait()
            report.unexpected.append(f"sigint {n}: the child hung")
            return
        report.slowest_exit = max(report.slowest_exit, time.monotonic() - started)
        report.points["SIGINT"] += 1
        # A second SIGINT may land while the child exits: Python's exit status then varies
        # (-2, 1, 255); what counts is that nothing but the interrupt went wrong.
        interrupted = b"Traceback" not in err or b"KeyboardInterrupt" in err
        if child.returncode != 130 and not (n % 2 and child.returncode and interrupted):
            report.unexpected.append(f"sigint {n}: exit {child.returncode}: {err.decode()[-300:]}")

    numbers = iter(range(count))

    async def worker() -> None:
        for n in numbers:
            await one(n)

    await asyncio.gather(*(worker() for _ in range(4)))


async def cancel_sweep(
    *, iterations: int, timeouts: int, sigints: int, create_delay: float = 0.03, seed: int = 11
) -> CancelReport:
    """Every sweep against one fake whose creates commit before they answer."""
    report = CancelReport()
    # The outcome of each stop is logged as a warning: thousands of them here, all expected.
    logging.getLogger("browser_use_async").addHandler(logging.NullHandler())
    fake = FakeBrowserUseCloud(manual_time=True)
    late = LateCreates(fake)  # before the server starts, which freezes its middlewares
    async with fake:
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            await sweep_iterations(client, fake, report, iterations)
            late.seconds = create_delay
            span = 3 * create_delay + 0.02
            await sweep_timeouts(client, report, [span * i / timeouts for i in range(timeouts)])
        await sweep_sigint(fake, report, sigints, span + 0.05, seed)
        report.audit(fake)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--sync-calls", type=int, default=2000, help="from 8 threads")
    parser.add_argument("--cancel-iterations", type=int, default=400, help="at most")
    parser.add_argument("--cancel-timeouts", type=int, default=200)
    parser.add_argument("--sigints", type=int, default=40)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--sigint-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        print(json.dumps(client_side(json.loads(args.client))))  # noqa: T201 (to the parent)
        return
    if args.sigint_child:
        sigint_child(json.loads(args.sigint_child))
    report = asyncio.run(soak(args.calls, args.concurrency, args.sync_calls))
    print("\n".join(report.lines()))  # noqa: T201 (a command's output)
    cancels = asyncio.run(
        cancel_sweep(
            iterations=args.cancel_iterations, timeouts=args.cancel_timeouts, sigints=args.sigints
        )
    )
    print("\n".join(cancels.lines()))  # noqa: T201 (a command's output)
    bad = report.unexpected or report.duplicate_creates or report.open_connections_after
    bad = bad or cancels.orphans or cancels.duplicates or cancels.unexpected
    if bad or report.leaked_fds or report.leaked_threads or report.leaked_tasks:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
