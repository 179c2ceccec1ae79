"""What the `browser-use-async` command line is for every API version: the options each command
takes, their checks, the client (or the embedded fake), signals, and how a command ends (what
it prints, what it says it leaves behind on stderr, its exit status)."""
# ruff: noqa: T201 (a command line prints)

import abc
import argparse
import asyncio
import contextlib
import io
import logging
import math
import os
import signal
import sys
from collections.abc import AsyncGenerator, Callable
from typing import TYPE_CHECKING, TypeVar

from browser_use_async._cli_format import shown
from browser_use_async._core import ClientCore
from browser_use_async._exceptions import (
    APIConnectionError,
    APIError,
    AuthenticationError,
    BrowserUseError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    TaskFailedError,
    TaskTimeoutError,
)
from browser_use_async._launch import Launch
from browser_use_async._protocol import redacted
from browser_use_async._retry import RetryPolicy
from browser_use_async._validation import positive_seconds

if TYPE_CHECKING:
    from browser_use_async.testing import FakeBrowserUseCloud

__all__ = [
    "EXIT_CODES",
    "Command",
    "aftermath",
    "check_common",
    "common_options",
    "connected",
    "execute",
    "prepare_streams",
    "say",
    "trap_signals",
]

EXIT_CODES: list[tuple[type[BaseException], int]] = [
    (InvalidArgumentError, 2),
    (AuthenticationError, 3),
    (PermissionDeniedError, 3),
    (NotFoundError, 4),
    (APIConnectionError, 5),
    (RateLimitError, 6),
    (TaskTimeoutError, 8),
    (TaskFailedError, 8),
    (APIError, 7),
    (BrowserUseError, 1),
]
"""Exit status by error class, first match wins; 0 is success, 130 an interrupt (143 SIGTERM), and 8
also when a task followed with --wait (or `tasks wait`) ended failed."""

Client = TypeVar("Client", bound=ClientCore)


def common_options(base_url_env: str) -> argparse.ArgumentParser:
    """The options every command takes (a parent parser); `base_url_env` names where the
    API's base URL is read from."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    # Kept as a SecretStr: the parsed arguments (and traceback locals) show '<redacted>'.
    common.add_argument("--api-key", type=redacted, help="default: $BROWSER_USE_API_KEY")
    common.add_argument("--base-url", help=f"default: ${base_url_env}, then production")
    common.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    common.add_argument(
        "--max-retries", type=int, default=3, help="retries of a failed request (default 3)"
    )
    common.add_argument(
        "--fake", action="store_true", help="run against an embedded fake cloud (offline)"
    )
    common.add_argument("--fake-speed", default="4", help="how fast the fake's clock runs")
    return common


def check_common(args: argparse.Namespace) -> None:
    """Check the options `common_options` adds (InvalidArgumentError)."""
    args.signal = None  # the first SIGINT or SIGTERM received
    positive_seconds(args.timeout, "--timeout")
    args.retry = RetryPolicy(max_retries=args.max_retries)
    try:
        args.speed = float(args.fake_speed)
    except ValueError:
        args.speed = math.nan
    if not (math.isfinite(args.speed) and args.speed > 0):
        raise InvalidArgumentError(
            f"--fake-speed must be a positive number, got {args.fake_speed!r}"
        )
    if not (args.fake or args.api_key or os.environ.get("BROWSER_USE_API_KEY")):
        raise InvalidArgumentError(
            "No API key: set BROWSER_USE_API_KEY or pass --api-key (or try it offline: --fake)"
        )


@contextlib.asynccontextmanager
async def connected(
    args: argparse.Namespace,
    client_class: type[Client],
    fake_url: Callable[["FakeBrowserUseCloud"], str],
) -> AsyncGenerator[Client]:
    """A `client_class` client as the options say, or on an embedded fake cloud (`--fake`) at
    the URL `fake_url` gives."""
    retry: RetryPolicy = args.retry
    if not args.fake:
        async with client_class(
            args.api_key, base_url=args.base_url, timeout=args.timeout, retry=retry
        ) as client:
            yield client
        return
    from browser_use_async.testing import (  # noqa: PLC0415 (aiohttp.web only when asked)
        FakeBrowserUseCloud,
        FakeClock,
    )

    async with (
        FakeBrowserUseCloud(clock=FakeClock(speed=args.speed)) as fake,
        client_class(fake.api_key, base_url=fake_url(fake), timeout=args.timeout, retry=retry) as (
            client
        ),
    ):
        yield client


def trap_signals(args: argparse.Namespace) -> None:
    """SIGINT and SIGTERM cancel the command, once: a second Ctrl-C must not cut short the
    (bounded) stop of a task, and SIGTERM must not leave one running unsaid."""
    main_task = asyncio.current_task()
    assert main_task is not None
    loop = asyncio.get_running_loop()

    def interrupt(signum: int) -> None:
        if args.signal is None:
            args.signal = signum
            main_task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # Windows
            loop.add_signal_handler(signum, interrupt, signum)


class Command(abc.ABC):
    """One command as `execute` carries it out: each API version's command line says how to
    check it, run it, show its result, what it leaves behind and its exit status."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    @abc.abstractmethod
    def check(self) -> None:
        """Check every argument before anything is started or sent (InvalidArgumentError)."""

    @abc.abstractmethod
    async def run(self) -> object:
        """Carry out the command (`trap_signals` first); its result is what gets shown."""

    @abc.abstractmethod
    def show(self, result: object) -> str | None:
        """What to print on stdout for `result` (None: nothing, it printed its own)."""

    @abc.abstractmethod
    def aftermath(self) -> str | None:
        """What to say on stderr about what the command leaves behind, if anything."""

    @abc.abstractmethod
    def status(self, result: object) -> int:
        """The exit status of a command that ended with `result`."""


def aftermath(launch: Launch, group: str) -> str | None:
    """What to say on stderr about the task or run (`launch`) a command started or follows,
    if it leaves one behind; `group` is the command line of its commands
    (`browser-use-async tasks`)."""
    kind, made = launch.kind, launch.id
    noun = kind.noun
    if launch.unanswered:
        return (
            f"no answer to the create came back that names the {noun}, so a {noun} it made may "
            f"be running: look with `{group} list`"
        )
    if made is None:
        return None
    if launch.ended_before_stop:
        return f"{noun} {made} had already ended ({launch.ended})"
    if launch.stopped:
        return f"{kind.stopped} {noun} {made}"
    command = f"{group} {kind.stop} {made}"
    if launch.stopped is False:
        failed = f"{kind.stopping} {noun} {made} failed ({launch.stop_error})"
        return f"{failed}; {kind.stop} it with: {command}"
    return f"{noun} {made} keeps running; {kind.stop} it with: {command}"


def prepare_streams() -> None:
    """stdout and stderr as a command prints on them: present, and never failing to encode."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # started with it closed (`>&-`): print to nothing, as print() does
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 (until exit)
        elif isinstance(stream, io.TextIOWrapper):  # any prompt, on any console or file
            stream.reconfigure(errors="backslashreplace")


def execute(command: Command, *, hold: bool = False) -> int:
    """Run `command` and give its exit status. What happens to a task is said on stderr here;
    the library's warnings would repeat it, so they are dropped, or with `hold` kept to say at
    the end (a batch's: how many tasks it stopped, once its progress line is done)."""
    logger = logging.getLogger("browser_use_async")
    logger.addHandler(_QUIET)
    held = _Held()
    if hold:
        logger.addHandler(held)
    try:
        return _outcome(command, held.lines)
    finally:
        logger.removeHandler(held)


def _outcome(command: Command, held: list[str]) -> int:
    """Check the arguments, run the command, print what it gives and say what it leaves
    behind (and `held`, the library's warnings); the exit status."""
    try:
        command.check()
        result = asyncio.run(command.run())
        shown_result = command.show(result)
        if shown_result is not None:
            print(shown_result)
    except (KeyboardInterrupt, asyncio.CancelledError):
        terminated = getattr(command.args, "signal", None) == signal.SIGTERM
        print("terminated" if terminated else "interrupted", file=sys.stderr)
        say(command.aftermath(), *held)
        return 143 if terminated else 130
    except BrowserUseError as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        say(command.aftermath(), *held)
        return next(code for cls, code in EXIT_CODES if isinstance(error, cls))
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        say(command.aftermath(), *held)
        return 141
    say(command.aftermath(), *held)
    return command.status(result)


_QUIET = logging.NullHandler()


class _Held(logging.Handler):
    """Keeps the library's warnings (a batch's: how many tasks it stopped, or left running)
    to say on stderr at the end, below the batch's progress line."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def say(*lines: str | None) -> None:
    """Each line given on stderr, its control characters escaped."""
    for line in lines:
        if line is not None:
            print(shown(line), file=sys.stderr)
