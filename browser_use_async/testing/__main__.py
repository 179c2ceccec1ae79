"""Run the fake cloud as a process: `python -m browser_use_async.testing --port 8080`."""

import argparse
import asyncio
import contextlib
import signal
import sys

from browser_use_async.testing._clock import FakeClock
from browser_use_async.testing._fake import FakeBrowserUseCloud


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
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(signum, stop.set)
    clock = FakeClock(speed=args.speed)
    async with FakeBrowserUseCloud(
        api_key=args.api_key, host=args.host, port=args.port, clock=clock
    ) as fake:
        sys.stdout.write(f"Fake Browser Use Cloud on {fake.base_url}\n")
        sys.stdout.write(f"BROWSER_USE_BASE_URL={fake.base_url}\n")
        sys.stdout.write(f"BROWSER_USE_API_KEY={fake.api_key}\n")
        sys.stdout.flush()
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(_arguments(argv)))


if __name__ == "__main__":
    main()
