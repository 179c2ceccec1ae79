"""Run the fake cloud as a process: `python -m browser_use_async.testing --port 8080`."""

import argparse
import asyncio
import contextlib
import math
import signal
import sys
from collections.abc import Callable
from typing import Any

import attrs

from browser_use_async.testing._clock import FakeClock
from browser_use_async.testing._fake import FakeBrowserUseCloud
from browser_use_async.testing._seed import SeedError, read_seed
from browser_use_async.testing._state import TaskScenario


def _at_least_zero(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: `kind` of the text, refused unless finite and >= 0."""

    def parse(text: str) -> Any:
        with contextlib.suppress(ValueError):
            value = kind(text)
            if 0 <= float(value) < math.inf:
                return value
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")

    return parse


# Flags that shape the default scenario (after any seed's): flag -> field, type, metavar, help.
SCENARIO_FLAGS: dict[str, tuple[str, Callable[[str], Any], str, str]] = {
    "--steps": ("steps", _at_least_zero(int), "N", "steps each task takes"),
    "--start-delay": ("start_delay", _at_least_zero(float), "SECONDS", "before a task starts"),
    "--step-interval": ("step_interval", _at_least_zero(float), "SECONDS", "between its steps"),
    "--cost-per-step": ("cost_per_step", _at_least_zero(str), "USD", "what each step costs"),
}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m browser_use_async.testing",
        description="Serve a fake Browser Use Cloud (API v2) from memory until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port (0 picks a free one)")
    parser.add_argument("--api-key", default="bu_fake_key", help="the key clients must send")
    parser.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="how fast the fake clock runs: 1 is real time, 0 stops it (default: 1)",
    )
    parser.add_argument(
        "--seed",
        metavar="FILE",
        help="a JSON file of state to start with: tasks, sessions, files... (see the README)",
    )
    parser.add_argument(
        "--max-active-sessions",
        type=_at_least_zero(int),
        metavar="N",
        help="beyond N active sessions and browsers, creating one answers 429",
    )
    defaults = TaskScenario()
    for flag, (field, kind, metavar, what) in SCENARIO_FLAGS.items():
        text = f"tasks: {what} (default: {getattr(defaults, field)})"
        parser.add_argument(flag, dest=field, type=kind, metavar=metavar, help=text)
    return parser.parse_args(argv)


def _configure(fake: FakeBrowserUseCloud, args: argparse.Namespace) -> None:
    """Apply the flags over what the seed set."""
    if args.max_active_sessions is not None:
        fake.max_active_sessions = args.max_active_sessions
    given = {
        field: value
        for field, *_ in SCENARIO_FLAGS.values()
        if (value := getattr(args, field)) is not None
    }
    fake.default_scenario = attrs.evolve(fake.default_scenario, **given)


async def serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    clock = FakeClock(speed=args.speed)
    # No one can read `fake.requests` of a process: keeping them would only take memory.
    fake = FakeBrowserUseCloud(
        api_key=args.api_key, host=args.host, port=args.port, clock=clock, record_requests=False
    )
    if args.seed is not None:
        fake.seed(read_seed(args.seed), source=args.seed)
    _configure(fake, args)
    async with fake:
        sys.stdout.write(f"Fake Browser Use Cloud on {fake.base_url}\n")
        sys.stdout.write(f"BROWSER_USE_BASE_URL={fake.base_url}\n")
        sys.stdout.write(f"BROWSER_USE_API_KEY={fake.api_key}\n")
        sys.stdout.write(f"Stats (JSON): {fake.stats_url}\n")
        sys.stdout.write(f"BROWSER_USE_V4_BASE_URL={fake.v4_base_url}\n")
        sys.stdout.flush()
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    args = _arguments(argv)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args))
    except SeedError as error:
        sys.stderr.write(f"{error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
