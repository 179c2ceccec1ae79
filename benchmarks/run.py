"""The measurements. Everything is interleaved: each repeat measures every client once, in
an order rotated per repeat, and the figures are medians over the repeats.

Client CPU is `time.process_time()` in this process only; the canned server runs in
another process. Import time, cold start and memory are measured in fresh processes.
"""

import asyncio
import compileall
import functools
import gc
import importlib
import json
import os
import subprocess
import sys
import time
import timeit
from collections.abc import Callable, Generator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from benchmarks.drive import run_async, run_sync
from benchmarks.impls import (
    IMPLEMENTATIONS,
    V4_IMPLEMENTATIONS,
    Implementation,
    Workload,
    answer,
    workloads,
)
from benchmarks.payload import compact, run_status, run_summary, task_view_bytes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Settings:
    repeats: int = 5
    calls: int = 1000
    """Calls (v2: stops; v4: cancels, status polls) per CPU measurement."""
    concurrencies: tuple[int, ...] = (1, 16, 64)
    step_counts: tuple[int, ...] = (10, 100)
    latency_calls: int = 1000
    parse_loops: int = 200
    """Parses per timing (of a 100-step TaskView; ten times as many of 10 steps)."""
    process_runs: int = 9
    """Fresh processes per client for import time and cold start."""
    memory_concurrency: int = 256
    memory_calls: int = 1024
    memory_runs: int = 3


QUICK = Settings(
    repeats=1,
    calls=100,
    latency_calls=100,
    parse_loops=20,
    process_runs=1,
    memory_calls=256,
    memory_runs=1,
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def canned_server(step_counts: tuple[int, ...]) -> Generator[dict[str, str]]:
    """The canned server in its own process; yields the base URL of each of its ports: v2's
    by step count (`"10"`), v4's (`"v4"`)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.server", *map(str, step_counts)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        assert process.stdout is not None
        words = process.stdout.readline().split()
        if not words or words[0] != "ready":
            raise RuntimeError("the canned server did not start")
        ports = dict(word.split("=") for word in words[1:])
        yield {
            name: f"http://127.0.0.1:{port}/api/{'v4' if name == 'v4' else 'v2'}"
            for name, port in ports.items()
        }
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Driver:
    """One client per server port, kept for the whole run; async ones on their own loop.
    Each of `work` is one of its calls, by the workload's key."""

    def __init__(self, impl: Implementation, urls: dict[str, str], work: list[Workload]) -> None:
        self.impl = impl
        self._runner = asyncio.Runner() if impl.kind == "async" else None
        self._clients = {port: self._make(urls[port]) for port in {w.port for w in work}}
        self._work = {w.key: w for w in work}
        self._calls = {
            w.key: functools.partial(getattr(self._clients[w.port], w.method), w.ident)
            for w in work
        }

    async def _make_async(self, url: str) -> Any:
        return self.impl.make(url)

    def _make(self, url: str) -> Any:
        if self._runner is not None:
            return self._runner.run(self._make_async(url))
        return self.impl.make(url)

    def _drive(self, workload: str, calls: int, concurrency: int) -> Any:
        call = self._calls[workload]
        if self._runner is not None:
            return self._runner.run(run_async(call, calls, concurrency))
        return run_sync(call, calls, concurrency)

    def cpu(self, workload: str, calls: int, concurrency: int) -> float:
        """Client CPU seconds for `calls` calls, after a warm-up at the same concurrency
        (which also reopens connections a pool may have let go meanwhile)."""
        with self.impl.context():
            self._drive(workload, 2 * concurrency, concurrency)
            gc.collect()
            started = time.process_time()
            result = self._drive(workload, calls, concurrency)
            spent = time.process_time() - started
        if answer(result) != self._work[workload].expected:
            raise RuntimeError(f"{self.impl.key} answered {answer(result)}")
        return spent

    def latencies(self, workload: str, calls: int) -> list[float]:
        """Seconds each of `calls` sequential calls took, end to end."""
        with self.impl.context():
            return self._latencies(workload, calls)

    def _latencies(self, workload: str, calls: int) -> list[float]:
        call = self._calls[workload]
        self._drive(workload, 10, 1)
        gc.collect()
        if self._runner is not None:

            async def timed() -> list[float]:
                times: list[float] = []
                for _ in range(calls):
                    started = time.perf_counter()
                    await call()
                    times.append(time.perf_counter() - started)
                return times

            return self._runner.run(timed())
        times: list[float] = []
        for _ in range(calls):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        return times

    def close(self) -> None:
        for client in self._clients.values():
            if self._runner is not None:
                self._runner.run(client.close())
            else:
                client.close()
        if self._runner is not None:
            self._runner.close()


T = TypeVar("T")


def retried(
    failures: dict[str, list[str]],
    impl: Implementation,
    measure: Callable[..., T],
    *args: int | str,
    tries: int = 3,
) -> T:
    """`measure(*args)`, measured again (at most `tries` times in all) if a call in it
    raised; what was raised is kept in `failures` and shown under the tables."""
    for attempt in range(1, tries + 1):
        try:
            return measure(*args)
        except Exception as exc:
            failures.setdefault(impl.key, []).append(f"{type(exc).__module__}.{exc!r}")
            log(f"{impl.key}: {exc!r}" + (", measuring again" if attempt < tries else ""))
            if attempt == tries:
                raise
    raise AssertionError("unreachable")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- parsing: the bytes of a TaskView into what each library returns --------------------


def parsers(ours: type[Any], official: Any) -> dict[str, Callable[[bytes], Any]]:
    """How each library turns a response body into its result (our model `ours`, the
    official SDK's pydantic model `official`), as its call does."""
    import json as stdlib_json

    import orjson

    from browser_use_async._codec import decode

    return {
        "ours": lambda body: decode(body, ours),
        "floor": orjson.loads,
        "official": lambda body: official.model_validate(stdlib_json.loads(body)),
        "official_json": official.model_validate_json,
    }


def parse_cases(settings: Settings) -> list[tuple[str, bytes, int, dict[str, Callable[..., Any]]]]:
    """(workload key, body, parses per timing, parsers) for each body the server answers:
    a TaskView of each step count (ten times as many parses of 10 steps as of 100), a v4
    RunSummary and RunStatusResponse (as many as of 10 steps)."""
    from browser_use_async import TaskView
    from browser_use_async.v4 import models

    official: Any = importlib.import_module("browser_use_sdk")
    official_v4: Any = importlib.import_module("browser_use_sdk.generated.v4.models")
    cases = [
        (
            str(n),
            task_view_bytes(n),
            settings.parse_loops * (1000 // n),
            parsers(TaskView, official.TaskView),
        )
        for n in settings.step_counts
    ]
    loops = settings.parse_loops * 100
    return [
        *cases,
        (
            "cancel",
            compact(run_summary()),
            loops,
            parsers(models.RunSummary, official_v4.RunSummary),
        ),
        (
            "status",
            compact(run_status()),
            loops,
            parsers(models.RunStatusResponse, official_v4.RunStatusResponse),
        ),
    ]


def parse_seconds(parse: Callable[[bytes], Any], body: bytes, loops: int) -> float:
    """Seconds per parse: the best of five timings of `loops // 5` parses each, so that a
    burst of other work on the machine does not count."""
    parse(body)
    gc.collect()
    timings = timeit.repeat(lambda: parse(body), number=max(1, loops // 5), repeat=5)
    return min(timings) / max(1, loops // 5)


# --- fresh processes ----------------------------------------------------------------------


def compile_bytecode() -> None:
    """Write the bytecode of this repository's packages, as installing a wheel does.

    The libraries in the virtual environment were compiled when pip installed them, but
    browser-use-async is installed in editable mode, and where PYTHONDONTWRITEBYTECODE is
    set (as on the machine of the recorded run) no run writes its bytecode: every fresh
    process would compile it from source again (about 35 ms), which no installed copy does.
    """
    for package in ("browser_use_async", "benchmarks"):
        compileall.compile_dir(os.path.join(ROOT, package), quiet=1)


def _python(*args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    return done.stdout


def import_seconds(statement: str) -> float:
    """How long `statement` takes in a fresh interpreter (bytecode already compiled)."""
    code = f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
    return float(_python("-c", code))


def cold_start_seconds(impl: Implementation, url: str, expected: str) -> float:
    """From just before spawning a fresh process to its first completed call (v2: a stop,
    v4: a cancel), which must answer `expected`."""
    started = time.monotonic()
    report = json.loads(_python("-m", "benchmarks.child", "cold", impl.key, url))
    if report["answer"] != expected:
        raise RuntimeError(f"{impl.key} cold start answered {report['answer']}")
    return float(report["done"]) - started


def peak_memory(impl: Implementation, url: str, settings: Settings) -> dict[str, float]:
    """Max RSS in MiB after the calls at `memory_concurrency`, and its growth over the
    RSS after one warm-up call."""
    report = json.loads(
        _python(
            "-m",
            "benchmarks.child",
            "memory",
            impl.key,
            url,
            str(settings.memory_concurrency),
            str(settings.memory_calls),
        )
    )
    return {
        "peak_mib": report["after_kib"] / 1024,
        "growth_mib": (report["after_kib"] - report["before_kib"]) / 1024,
    }


# --- the run ------------------------------------------------------------------------------


def rotated(items: list[Implementation], by: int) -> list[Implementation]:
    by %= len(items)
    return items[by:] + items[:by]


def measure(settings: Settings) -> dict[str, Any]:
    """Every figure, raw: lists of per-repeat values (medians are taken by the report)."""
    everyone = IMPLEMENTATIONS + V4_IMPLEMENTATIONS
    suites = [
        ([impl for impl in impls if impl.available], workloads(api, settings.step_counts))
        for impls, api in ((IMPLEMENTATIONS, "v2"), (V4_IMPLEMENTATIONS, "v4"))
    ]
    results: dict[str, Any] = {
        "settings": settings.__dict__,
        "implementations": {
            impl.key: {
                "label": impl.label,
                "kind": impl.kind,
                "missing": impl.missing(),
                "diagnostic": impl.diagnostic,
                "api": impl.api,
            }
            for impl in everyone
        },
    }
    with canned_server(settings.step_counts) as urls:
        results.update(_in_process(settings, suites, urls))
        log("fresh processes: import time, cold start, memory")
        measured = [impl for impls, _ in suites for impl in impls if not impl.diagnostic]
        results.update(_fresh_processes(settings, measured, urls))
    return results


Suite = tuple[list[Implementation], list[Workload]]
"""An API's clients, and the calls each of them is measured making."""


def _in_process(settings: Settings, suites: list[Suite], urls: dict[str, str]) -> dict[str, Any]:
    """CPU per call, latency and parse cost, each client measured once per repeat."""
    cpu: dict[str, list[float]] = {}
    latency: dict[str, dict[str, list[float]]] = {}
    parse: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}
    cases = parse_cases(settings)
    drivers = {impl.key: Driver(impl, urls, work) for impls, work in suites for impl in impls}
    try:
        for impls, work in suites:  # warm-up: imports, pools, caches, code paths
            for impl in impls:
                for w in work:
                    retried(failures, impl, drivers[impl.key].cpu, w.key, 200, 16)
        # Every client's modules live in this process: freezing them keeps each full
        # collection from scanning the other libraries' objects on a client's behalf.
        gc.collect()
        gc.freeze()
        for repeat in range(settings.repeats):
            log(f"repeat {repeat + 1} of {settings.repeats}")
            for impls, work in suites:
                _repeat(
                    settings,
                    rotated(impls, repeat),
                    work,
                    drivers=drivers,
                    cpu=cpu,
                    latency=latency,
                    failures=failures,
                )
            for key, body, loops, parse_fns in cases:
                for name, parse_fn in parse_fns.items():
                    seconds = parse_seconds(parse_fn, body, loops)
                    parse.setdefault(f"{name}/{key}", []).append(seconds)
    finally:
        for driver in drivers.values():
            driver.close()
        gc.unfreeze()
    return {"cpu": cpu, "latency": latency, "parse": parse, "failures": failures}


def _repeat(
    settings: Settings,
    order: list[Implementation],
    work: list[Workload],
    *,
    drivers: dict[str, Driver],
    cpu: dict[str, list[float]],
    latency: dict[str, dict[str, list[float]]],
    failures: dict[str, list[str]],
) -> None:
    """One repeat of an API's clients (in `order`): CPU at each concurrency, then latency,
    for each of its workloads; the figures are added to `cpu` and `latency`."""
    for w in work:
        for c in settings.concurrencies:
            for impl in order:
                seconds = retried(failures, impl, drivers[impl.key].cpu, w.key, settings.calls, c)
                cpu.setdefault(f"{impl.key}/{w.key}/{c}", []).append(
                    seconds * 1000 / settings.calls
                )
        for impl in order:
            times = retried(
                failures, impl, drivers[impl.key].latencies, w.key, settings.latency_calls
            )
            figures = latency.setdefault(f"{impl.key}/{w.key}", {})
            figures.setdefault("p50", []).append(percentile(times, 0.5))
            figures.setdefault("p99", []).append(percentile(times, 0.99))


def _fresh_processes(
    settings: Settings, impls: list[Implementation], urls: dict[str, str]
) -> dict[str, Any]:
    """Import time and cold start, each in a new interpreter; peak memory of the v2 clients."""
    compile_bytecode()
    imports: dict[str, list[float]] = {}
    cold: dict[str, list[float]] = {}
    memory: dict[str, dict[str, list[float]]] = {}
    firsts = {impl.api: workloads(impl.api, settings.step_counts)[0] for impl in impls}
    for run in range(settings.process_runs):
        for impl in rotated(impls, run):
            imports.setdefault(impl.key, []).append(import_seconds(impl.import_statement))
            first = firsts[impl.api]
            seconds = cold_start_seconds(impl, urls[first.port], first.expected)
            cold.setdefault(impl.key, []).append(seconds)
    v2 = [impl for impl in impls if impl.api == "v2"]
    for run in range(settings.memory_runs):
        for impl in rotated(v2, run):
            figures = peak_memory(impl, urls[str(max(settings.step_counts))], settings)
            for name, value in figures.items():
                memory.setdefault(impl.key, {}).setdefault(name, []).append(value)
    return {"import": imports, "cold_start": cold, "memory": memory}
