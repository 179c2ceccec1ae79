"""The `browser-use-async` command: start, watch and stop tasks, find and stop the sessions and
browsers still running (and billing), and read the account's credits, from a shell."""
# ruff: noqa: T201 (a command line prints)

import argparse
import enum
import sys
from collections.abc import Sequence
from typing import TextIO, cast

from browser_use_async._cli_batch import Ran, batch_arguments, checked_batch, run_batch
from browser_use_async._cli_format import Result, Stopped, format_task, render, shown
from browser_use_async._cli_shell import (
    EXIT_CODES,
    Command,
    aftermath,
    check_common,
    common_options,
    connected,
    execute,
    prepare_streams,
    trap_signals,
)
from browser_use_async._client import AsyncBrowserUse
from browser_use_async._exceptions import InvalidArgumentError, NotFoundError, TaskTimeoutError
from browser_use_async._launch import Launch
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
    common = common_options("BROWSER_USE_BASE_URL")
    parser = argparse.ArgumentParser(
        prog="browser-use-async",
        description="Start, watch and stop Browser Use Cloud tasks; find and stop the "
        "sessions and browsers still running; see the account's credits.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--api",
        choices=("v2", "v4"),
        default="v2",
        help="the API: v2 (the default, these commands) or v4 (runs: see --api v4 --help)",
    )
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
    check_common(args)
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
    trap_signals(args)
    async with connected(args, AsyncBrowserUse, lambda fake: fake.base_url) as client:
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


class _Tasks(Command):
    """A command of API v2's: tasks, sessions, browsers and billing."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.launch = Launch(TASK)  # the task this command started or follows

    def check(self) -> None:
        _check(self.args)

    async def run(self) -> Result | Ran:
        return await _run(self.args, self.launch)

    def show(self, result: object) -> str | None:
        if isinstance(result, TaskView) and is_final(result.status):
            self.launch.id = None  # it has ended: whatever happens next leaves nothing running
        if isinstance(result, Ran):
            return None
        return render(cast("Result", result), self.args.json)

    def aftermath(self) -> str | None:
        return aftermath(self.launch, "browser-use-async tasks")

    def status(self, result: object) -> int:
        if isinstance(result, Ran):
            return 8 if result.failed else 0
        failed = isinstance(result, TaskView) and result.status == TaskStatus.FAILED
        return 8 if failed and self.args.command in ("create", "wait") else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see `EXIT_CODES`)."""
    prepare_streams()
    arguments = list(sys.argv[1:] if argv is None else argv)
    del argv  # it may hold --api-key in the clear; traceback locals must not show it
    if arguments[:2] == ["--api", "v4"] or arguments[:1] == ["--api=v4"]:
        from browser_use_async._cli_v4 import main as v4  # noqa: PLC0415 (v4 only when asked)

        return v4(arguments)
    parser = _parser()
    if not arguments:  # a first try: say what there is to do
        parser.print_help()
        return 0
    args = parser.parse_args(arguments)
    del arguments
    if args.api == "v4":  # after another option: `--api v4` leads the command line
        parser.error("--api v4 goes first: browser-use-async --api v4 runs ...")
    return execute(_Tasks(args), hold=args.command == "run-many")
