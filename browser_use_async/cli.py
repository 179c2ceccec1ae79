"""The `browser-use-async` command: start, watch and stop tasks, find and stop the sessions and
browsers still running (and billing), and read the account's credits, from a shell."""
# ruff: noqa: T201 (a command line prints)

import argparse
import asyncio
import contextlib
import enum
import io
import logging
import math
import os
import signal
import sys
from collections.abc import AsyncGenerator, Sequence
from typing import TextIO

from browser_use_async._cli_batch import Ran, batch_arguments, checked_batch, run_batch
from browser_use_async._cli_format import Result, Stopped, format_task, render, shown
from browser_use_async._client import AsyncBrowserUse
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
from browser_use_async._validation import parse_uuid, positive_seconds
from browser_use_async._version import __version__
from browser_use_async.models.browsers import BrowserSessionStatus
from browser_use_async.models.sessions import SessionStatus
from browser_use_async.models.tasks import (
    CreateTaskRequest,
    TaskEvent,
    TaskStatus,
    TaskView,
    is_final,
)
from browser_use_async.resources.browsers import AsyncBrowsers
from browser_use_async.resources.sessions import AsyncSessions
from browser_use_async.resources.tasks import TASK, AsyncTasks

__all__ = ["EXIT_CODES", "format_task", "main"]

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


_LISTED = {
    "tasks": ("task", "agent tasks", "created, started, finished, failed or stopped"),
    "sessions": ("session", "agent sessions (each task runs in one)", "active or stopped"),
    "browsers": ("browser", "bare cloud browsers, driven over CDP", "active or stopped"),
}
"""The groups that have `list`, `get` and `stop`: their noun, help and statuses."""
_STATUSES: dict[str, type[enum.StrEnum]] = {
    "tasks": TaskStatus,
    "sessions": SessionStatus,
    "browsers": BrowserSessionStatus,
}


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON for scripts")
    # Kept as a SecretStr: the parsed arguments (and traceback locals) show '<redacted>'.
    common.add_argument("--api-key", type=redacted, help="default: $BROWSER_USE_API_KEY")
    common.add_argument("--base-url", help="default: $BROWSER_USE_BASE_URL, then production")
    common.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    common.add_argument(
        "--max-retries", type=int, default=3, help="retries of a failed request (default 3)"
    )
    common.add_argument(
        "--fake", action="store_true", help="run against an embedded fake cloud (offline)"
    )
    common.add_argument("--fake-speed", default="4", help="how fast the fake's clock runs")
    parser = argparse.ArgumentParser(
        prog="browser-use-async",
        description="Start, watch and stop Browser Use Cloud tasks; find and stop the "
        "sessions and browsers still running; see the account's credits.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    groups = parser.add_subparsers(dest="group", required=True)
    for group, (noun, about, statuses) in _LISTED.items():
        commands = groups.add_parser(group, help=about).add_subparsers(
            dest="command", required=True
        )
        listing = commands.add_parser("list", parents=[common], help=f"list {group}, newest first")
        listing.add_argument("--page-size", type=int, default=10)
        listing.add_argument("--page", type=int, default=1)
        listing.add_argument("--status", help=f"only {group} with this status: {statuses}")
        get = commands.add_parser("get", parents=[common], help=f"show a {noun}")
        stop = commands.add_parser("stop", parents=[common], help=f"stop a {noun}")
        for one in (get, stop):
            one.add_argument("id", metavar=f"{noun}_id")
        if group == "tasks":
            stop.add_argument("--and-session", action="store_true", help="stop its session too")
            create = commands.add_parser("create", parents=[common], help="create and start a task")
            wait = commands.add_parser("wait", parents=[common], help="follow a task until it ends")
            many = commands.add_parser(
                "run-many",
                parents=[common],
                help="run the tasks a JSON-lines file lists, many at once; resumable",
            )
            _task_runs(create, wait, many)
    billing = groups.add_parser(
        "billing", parents=[common], help="credits, and concurrent sessions in use of the limit"
    )
    billing.set_defaults(command="billing")
    return parser


def _task_runs(
    create: argparse.ArgumentParser,
    wait: argparse.ArgumentParser,
    many: argparse.ArgumentParser,
) -> None:
    create.add_argument("prompt")
    create.add_argument(
        "--wait",
        action="store_true",
        help="follow it until it ends; Ctrl-C or --wait-timeout stops it",
    )
    create.add_argument(
        "--keep-running", action="store_true", help="with --wait: leave the task running on exit"
    )
    batch_arguments(many)
    for creating in (create, many):
        creating.add_argument("--max-steps", type=int)
        creating.add_argument("--llm")
        creating.add_argument("--thinking-level", help="disabled, low, medium or high")
        creating.add_argument("--start-url")
    wait.add_argument("id", metavar="task_id")
    for follower in (create, wait):
        follower.add_argument("--wait-timeout", type=float, help="give up after this many s")


@contextlib.asynccontextmanager
async def _client(args: argparse.Namespace) -> AsyncGenerator[AsyncBrowserUse]:
    retry: RetryPolicy = args.retry
    if not args.fake:
        async with AsyncBrowserUse(
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
        AsyncBrowserUse(
            fake.api_key, base_url=fake.base_url, timeout=args.timeout, retry=retry
        ) as client,
    ):
        yield client


class _Progress:
    """Steps as lines; on a terminal, also a status line that is rewritten in place."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._live = out.isatty()
        self._shown = False

    def show(self, event: TaskEvent) -> None:
        if self._shown:
            self._out.write("\r\033[K")
        if (step := event.step) is not None:
            self._out.write(f"step {step.number}: {shown(step.next_goal)} ({shown(step.url)})\n")
        elif not self._live:
            self._out.write(f"status: {event.status}\n")
        if self._live:
            self._out.write(f"[{event.status}] {len(event.task.steps)} steps")
            self._shown = True
        self._out.flush()

    def close(self) -> None:
        if self._shown:
            self._out.write("\r\033[K")
            self._out.flush()


async def _follow(client: AsyncBrowserUse, task_id: str, args: argparse.Namespace) -> TaskView:
    if args.json:
        return await client.tasks.wait(task_id, timeout=args.wait_timeout)
    progress = _Progress(sys.stdout)
    try:
        async for event in client.tasks.stream(task_id, timeout=args.wait_timeout):
            progress.show(event)
    finally:
        progress.close()
    return await client.tasks.get(task_id)


def _check(args: argparse.Namespace) -> None:
    """Check every argument before anything is started or sent (InvalidArgumentError)."""
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
    if args.command == "list" and args.status is not None:
        allowed = [str(status) for status in _STATUSES[args.group]]
        if args.status not in allowed:
            raise InvalidArgumentError(
                f"--status must be one of {', '.join(allowed)}; got {args.status!r}"
            )
    if args.command == "wait":
        parse_uuid(args.id, "task_id")
    if getattr(args, "wait_timeout", None) is not None:
        positive_seconds(args.wait_timeout, "--wait-timeout")
    if args.command not in ("create", "run-many"):
        return
    options = {
        "max_steps": args.max_steps,
        "llm": args.llm,
        "thinking_level": args.thinking_level,
        "start_url": args.start_url,
    }
    given = {name: value for name, value in options.items() if value is not None}
    if args.command == "run-many":
        args.batch = checked_batch(args, given)
        return
    if args.keep_running and not args.wait:
        raise InvalidArgumentError("--keep-running goes with --wait")
    args.body = CreateTaskRequest(task=args.prompt, **given)


async def _run(args: argparse.Namespace, launch: Launch) -> Result | Ran:
    """Carry out the command; the result is what gets printed (a batch prints its own).
    `launch` records the task this command started or follows, for what is said about it on
    the way out."""
    _trap_signals(args)
    async with _client(args) as client:
        tasks = client.tasks
        if args.command == "billing":
            return await client.billing.account()
        if args.command == "run-many":
            return await run_batch(tasks, args.batch)
        if args.command in ("list", "get", "stop"):
            return await _listed(client, args)
        if args.command == "wait":
            launch.id = parse_uuid(args.id, "task_id")
            try:
                return await _follow(client, args.id, args)
            except NotFoundError:
                launch.id = None  # no such task: nothing to stop
                raise
        stop_on_exit = args.wait and not args.keep_running
        # The same guard as tasks.run: an interrupt at any point after the create was sent
        # still learns the task's id and stops it.
        guard = tasks._launched(args.body, launch, stop_on_exit=stop_on_exit)  # pyright: ignore[reportPrivateUsage]
        try:
            async with guard as created:
                if not args.wait:
                    return created
                if not args.json:
                    print(render(created, as_json=False))
                return await _follow(client, str(created.id), args)
        except TaskTimeoutError as error:
            raise launch.timed_out(error) from launch.stop_error


async def _listed(client: AsyncBrowserUse, args: argparse.Namespace) -> Result:
    """`list`, `get` or `stop` of a task, session or browser."""
    resources: dict[str, AsyncTasks | AsyncSessions | AsyncBrowsers] = {
        "tasks": client.tasks,
        "sessions": client.sessions,
        "browsers": client.browsers,
    }
    chosen = resources[args.group]
    if args.command == "list":
        return await chosen.list(
            page_size=args.page_size, page_number=args.page, filter_by=args.status
        )
    if args.command == "get":
        return await chosen.get(args.id)
    if isinstance(chosen, AsyncSessions | AsyncBrowsers):
        return await _stop(chosen, args.id, _LISTED[args.group][0])
    stop = chosen.stop_task_and_session if args.and_session else chosen.stop
    return await stop(args.id)  # a task that has already ended is answered as it is


async def _stop(resource: AsyncSessions | AsyncBrowsers, id_: str, noun: str) -> Stopped:
    """Stop a session or browser unless it has already stopped: the API's answer to a stop
    does not say whether this stop ended it, a look first does."""
    before = await resource.get(id_)
    if before.status == "stopped":
        return Stopped(noun, before, was_running=False)
    return Stopped(noun, await resource.stop(id_), was_running=True)


def _trap_signals(args: argparse.Namespace) -> None:
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


def _aftermath(launch: Launch) -> str | None:
    """What to say on stderr about a task this command leaves behind, if anything."""
    if launch.unanswered:
        return (
            "no answer to the create came back that names the task, so a task it made may be "
            "running: look with `browser-use-async tasks list`"
        )
    if launch.id is None:
        return None
    if launch.ended_before_stop:
        return f"task {launch.id} had already ended ({launch.ended})"
    if launch.stopped:
        return f"stopped task {launch.id}"
    command = f"browser-use-async tasks stop {launch.id}"
    if launch.stopped is False:
        return f"stopping task {launch.id} failed ({launch.stop_error}); stop it with: {command}"
    return f"task {launch.id} keeps running; stop it with: {command}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see `EXIT_CODES`)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:  # started with it closed (`>&-`): print to nothing, as print() does
            setattr(sys, name, open(os.devnull, "w"))  # noqa: SIM115 (until exit)
        elif isinstance(stream, io.TextIOWrapper):  # any prompt, on any console or file
            stream.reconfigure(errors="backslashreplace")
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):  # a first try: say what there is to do
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    del argv  # it may hold --api-key in the clear; traceback locals must not show it
    # What happens to a task is said on stderr below; the library's warning would repeat it.
    # A batch's (how many tasks it stopped) are said too, once its progress line is done.
    logger = logging.getLogger("browser_use_async")
    logger.addHandler(_QUIET)
    held = _Held()
    if args.command == "run-many":
        logger.addHandler(held)
    try:
        return _outcome(args, held.lines)
    finally:
        logger.removeHandler(held)


def _outcome(args: argparse.Namespace, held: list[str]) -> int:
    """Check the arguments, run the command, print what it gives and say what it leaves
    behind (and `held`, the library's warnings); the exit status."""
    launch = Launch(TASK)
    try:
        _check(args)
        result = asyncio.run(_run(args, launch))
        if isinstance(result, TaskView) and is_final(result.status):
            launch.id = None  # it has ended: whatever happens next leaves nothing running
        if not isinstance(result, Ran):
            print(render(result, args.json))
    except (KeyboardInterrupt, asyncio.CancelledError):
        terminated = getattr(args, "signal", None) == signal.SIGTERM
        print("terminated" if terminated else "interrupted", file=sys.stderr)
        _say(_aftermath(launch), *held)
        return 143 if terminated else 130
    except BrowserUseError as error:
        print(f"error: {shown(error)}", file=sys.stderr)
        _say(_aftermath(launch), *held)
        return next(code for cls, code in EXIT_CODES if isinstance(error, cls))
    except BrokenPipeError:  # the reader went away (`| head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _say(_aftermath(launch), *held)
        return 141
    _say(_aftermath(launch), *held)
    if isinstance(result, Ran):
        return 8 if result.failed else 0
    failed = isinstance(result, TaskView) and result.status == TaskStatus.FAILED
    return 8 if failed and args.command in ("create", "wait") else 0


_QUIET = logging.NullHandler()


class _Held(logging.Handler):
    """Keeps the library's warnings (a batch's: how many tasks it stopped, or left running)
    to say on stderr at the end, below the batch's progress line."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _say(*lines: str | None) -> None:
    for line in lines:
        if line is not None:
            print(shown(line), file=sys.stderr)
