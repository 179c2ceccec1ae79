"""`tasks.run_many` at scale: thousands of tasks on one event loop, against the fake cloud.

    .venv/bin/python -m benchmarks.batch [--tasks 10000] [--limit 500] [--concurrency auto]
        [--poll-interval 0.5] [--json PATH] [--readme PATH]

The fake runs as a process of its own (`python -m browser_use_async.testing`) with a session
limit (`--max-active-sessions`) and a fast task scenario, so this process's CPU time
(`time.process_time`) is the client's alone. One `run_many` call runs every task; the fake's
counts (`GET /fake/stats`) then give the requests per task and the most sessions that were
active at once. The run fails (exit status 1, nothing written) if that peak passed the
limit, if a task did not end well, or if a session was left active. Not a test: speed is
not asserted.
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request
from collections.abc import Generator
from typing import Any, Literal

import attrs

from benchmarks.report import machine, update_readme
from browser_use_async import AsyncBrowserUse

START = "<!-- bench:batch:start -->"
END = "<!-- bench:batch:end -->"
API_KEY = "bu_batch_bench"


@attrs.frozen
class Settings:
    tasks: int = 10_000
    limit: int = 500  # the fake's --max-active-sessions
    concurrency: int | Literal["auto"] = "auto"
    poll_interval: float = 0.5
    # The fake's task scenario: a task starts after `start_delay` and ends one interval after
    # its last step (0.9 s in all by default).
    steps: int = 3
    start_delay: float = 0.1
    step_interval: float = 0.2


@attrs.frozen
class Fake:
    base_url: str
    stats_url: str
    pid: int


@contextlib.contextmanager
def fake_process(settings: Settings) -> Generator[Fake]:
    """The fake cloud as a process, stopped on the way out."""
    command = [sys.executable, "-m", "browser_use_async.testing", "--port", "0"]
    command += ["--api-key", API_KEY, "--max-active-sessions", str(settings.limit)]
    command += ["--steps", str(settings.steps), "--start-delay", str(settings.start_delay)]
    command += ["--step-interval", str(settings.step_interval), "--cost-per-step", "0.001"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline() for _ in range(4)]
            if not lines[3].startswith("Stats (JSON): "):
                raise RuntimeError(f"the fake cloud did not start: {lines}")
            yield Fake(lines[0].split()[-1], lines[3].split()[-1], process.pid)
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def read_stats(fake: Fake) -> Any:
    with urllib.request.urlopen(fake.stats_url, timeout=30) as answer:  # noqa: S310 (127.0.0.1)
        return json.load(answer)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process (Linux's /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def measure(settings: Settings) -> dict[str, Any]:
    """Run the batch; its figures, and what went wrong (`problems`, empty when nothing)."""
    prompts = [f"Check the price of item {n}" for n in range(settings.tasks)]
    with fake_process(settings) as fake:
        async with AsyncBrowserUse(api_key=API_KEY, base_url=fake.base_url) as client:
            await client.billing.account()  # imported, connected and warm before the clock
            before, rss_before = read_stats(fake), peak_rss_mib()
            fake_cpu, cpu, wall = cpu_seconds(fake.pid), time.process_time(), time.perf_counter()
            ok = failed = 0
            batch = client.tasks.run_many(
                prompts, concurrency=settings.concurrency, poll_interval=settings.poll_interval
            )
            async for result in batch:
                ok += result.ok
                failed += not result.ok
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            fake_cpu = cpu_seconds(fake.pid) - fake_cpu
        stats = read_stats(fake)
    counted = before["requestsByRoute"]
    requests = {k: n - counted.get(k, 0) for k, n in stats["requestsByRoute"].items()}
    report: dict[str, Any] = {
        "settings": attrs.asdict(settings),
        "wall_s": wall,
        "client_cpu_s": cpu,
        "client_cpu_ms_per_task": cpu / settings.tasks * 1000,
        "requests": sum(requests.values()),
        "requests_per_task": sum(requests.values()) / settings.tasks,
        "requests_by_route": dict(sorted(requests.items(), key=lambda item: -item[1])),
        "answered_429": stats["responsesByStatus"].get("429", 0),
        "client_peak_rss_mib": peak_rss_mib(),
        "client_rss_before_mib": rss_before,
        "fake_cpu_s": fake_cpu,
        "fake_peak_active_sessions": stats["peakActiveSessions"],
        "fake_limit": stats["maxActiveSessions"],
        "left_active": stats["activeSessions"],
        "ok": ok,
        "failed": failed,
    }
    report["problems"] = problems(report)
    return report


def problems(report: dict[str, Any]) -> list[str]:
    """What makes the run a failure, whatever its speed."""
    found: list[str] = []
    peak, limit = report["fake_peak_active_sessions"], report["fake_limit"]
    if limit is None or peak > limit:
        found.append(f"the fake saw {peak} sessions active at once, past its limit of {limit}")
    tasks = report["settings"]["tasks"]
    if (report["ok"], report["failed"]) != (tasks, 0):
        found.append(f"of {tasks} tasks, {report['ok']} ended well and {report['failed']} not")
    if report["left_active"]:
        found.append(f"{report['left_active']} sessions were left active")
    return found


def render(report: dict[str, Any], command: str) -> str:
    """The README's section: what ran, and each figure."""
    r, s = report, report["settings"]
    routes = ", ".join(f"{n:,} `{route}`" for route, n in r["requests_by_route"].items())
    fake = f"--steps {s['steps']} --start-delay {s['start_delay']}"
    fake += f" --step-interval {s['step_interval']}"
    rows = {
        "tasks; concurrency; the fake's session limit": (
            f"{s['tasks']:,}; `{s['concurrency']}`; {r['fake_limit']}"
        ),
        "the fake's task scenario; poll interval": f"`{fake}`; `{s['poll_interval']}` s",
        "wall time": f"{r['wall_s']:.1f} s ({s['tasks'] / r['wall_s']:.0f} tasks a second)",
        "client CPU": f"{r['client_cpu_s']:.1f} s, **{r['client_cpu_ms_per_task']:.2f} ms a task**",
        "requests": f"{r['requests']:,}, **{r['requests_per_task']:.2f} a task**: {routes}",
        "creates answered 429 (no free session)": f"{r['answered_429']:,}",
        "client peak RSS": (
            f"**{r['client_peak_rss_mib']:.0f} MiB** ({r['client_rss_before_mib']:.0f} MiB "
            "before the batch)"
        ),
        "the fake's peak active sessions": f"**{r['fake_peak_active_sessions']}**",
        "the fake's CPU, in its own process": f"{r['fake_cpu_s']:.1f} s",
    }
    return "\n".join(
        [
            START,
            f"Measured {dt.date.today().isoformat()} with `{command}` on: {machine()}",
            "",
            "| figure | measured |",
            "| --- | --- |",
            *(f"| {name} | {value} |" for name, value in rows.items()),
            "",
            END,
        ]
    )


def _concurrency(text: str) -> int | Literal["auto"]:
    return "auto" if text == "auto" else int(text)


def main() -> None:
    default = Settings()
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.batch",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tasks", type=int, default=default.tasks)
    parser.add_argument("--limit", type=int, default=default.limit, help="the fake's")
    parser.add_argument("--concurrency", type=_concurrency, default=default.concurrency)
    parser.add_argument("--poll-interval", type=float, default=default.poll_interval)
    parser.add_argument("--steps", type=int, default=default.steps)
    parser.add_argument("--start-delay", type=float, default=default.start_delay)
    parser.add_argument("--step-interval", type=float, default=default.step_interval)
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--readme", help="rewrite the batch section of this README")
    parser.add_argument("--command", default="make bench", help="shown in the README")
    args = parser.parse_args()
    settings = Settings(
        tasks=args.tasks,
        limit=args.limit,
        concurrency=args.concurrency,
        poll_interval=args.poll_interval,
        steps=args.steps,
        start_delay=args.start_delay,
        step_interval=args.step_interval,
    )
    report = asyncio.run(measure(settings))
    if report["problems"]:
        sys.stderr.write(json.dumps(report, indent=1) + "\n")
        sys.exit("the batch benchmark FAILED: " + "; ".join(report["problems"]))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=1)
    section = render(report, args.command)
    if args.readme:
        update_readme(args.readme, section, START, END)
    sys.stdout.write(section + "\n")


if __name__ == "__main__":
    main()
