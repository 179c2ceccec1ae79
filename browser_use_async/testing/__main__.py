"""Run the fake cloud as a process: `python -m browser_use_async.testing --port 8080`."""

import argparse
import asyncio
import contextlib
import signal
import sys

from browser_use_async.testing._clock import FakeClock
from browser_use_async.testing._fake import FakeBrowserUseCloud
from browser_use_async.testing._seed import SeedError, read_seed


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
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    clock = FakeClock(speed=args.speed)
    fake = FakeBrowserUseCloud(api_key=args.api_key, host=args.host, port=args.port, clock=clock)
    if args.seed is not None:
        fake.seed(read_seed(args.seed), source=args.seed)
    async with fake:
        sys.stdout.write(f"Fake Browser Use Cloud on {fake.base_url}\n")
        sys.stdout.write(f"BROWSER_USE_BASE_URL={fake.base_url}\n")
        sys.stdout.write(f"BROWSER_USE_API_KEY={fake.api_key}\n")
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
