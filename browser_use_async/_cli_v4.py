"""`browser-use-async --api v4 ...`: API v4's runs from a shell. Create one (and follow it to
its end with `--wait`), show, list and cancel runs, and read or follow a run's events."""
# ruff: noqa: T201 (a command line prints)

import argparse
import json
from typing import cast

from browser_use_async._cli_format import fields, shown, usd, when
from browser_use_async._cli_shell import (
    Command,
    aftermath,
    check_common,
    common_options,
    connected,
    execute,
    trap_signals,
)
from browser_use_async._codec import to_json
from browser_use_async._exceptions import InvalidArgumentError, TaskTimeoutError
from browser_use_async._launch import Launch
from browser_use_async._types import NOT_GIVEN
from browser_use_async._validation import parse_uuid, positive_int, positive_seconds
from browser_use_async._version import __version__
from browser_use_async.v4._client import AsyncBrowserUse
from browser_use_async.v4.models import (
    RunCreateRequest,
    RunCreateResponse,
    RunEvent,
    RunEventsResponse,
    RunListResponse,
    RunStatus,
    RunSummary,
    is_final,
)
from browser_use_async.v4.resources.runs import RUN, AsyncRuns

__all__ = ["main"]

PROG = "browser-use-async --api v4"

Shown = RunSummary | RunCreateResponse | RunListResponse | RunEventsResponse
Result = Shown | None
"""What a command gives to print (None: it printed as it went)."""


def _parser() -> argparse.ArgumentParser:
    common = common_options("BROWSER_USE_V4_BASE_URL")
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="API v4: create, watch and cancel runs (agent turns in a session), "
        "and read their events.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    groups = parser.add_subparsers(dest="group", required=True)
    commands = groups.add_parser("runs", help="agent runs").add_subparsers(
        dest="command", required=True
    )
    create = commands.add_parser("create", parents=[common], help="create and start a run")
    create.add_argument("prompt")
    create.add_argument("--wait", action="store_true", help="wait until it ends; Ctrl-C cancels it")
    create.add_argument(
        "--wait-timeout", type=float, help="with --wait: cancel it after this many s"
    )
    create.add_argument("--model", help="the model id, such as claude-sonnet-5")
    create.add_argument("--session-id", help="a follow-up run in this session")
    create.add_argument("--max-cost-usd", help="the session's budget in US dollars")
    for name, about in (("get", "show a run"), ("cancel", "cancel a run")):
        commands.add_parser(name, parents=[common], help=about).add_argument("id", metavar="run_id")
    listing = commands.add_parser("list", parents=[common], help="list runs, newest first")
    listing.add_argument("--limit", type=int, help="runs on the page (default: the API's, 50)")
    listing.add_argument("--cursor", help="where the page starts: a list's next cursor")
    listing.add_argument("--session-id", help="only the runs of this session")
    events = commands.add_parser("events", parents=[common], help="a run's events")
    events.add_argument("id", metavar="run_id")
    events.add_argument("--after", type=int, default=0, help="only events after this id")
    events.add_argument(
        "--follow", action="store_true", help="print each event as it comes, until the run ends"
    )
    return parser


class _Runs(Command):
    """A `runs` command of API v4."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.launch = Launch(RUN)  # the run `runs create` started

    def check(self) -> None:
        args = self.args
        check_common(args)
        if args.command in ("get", "cancel", "events"):
            parse_uuid(args.id, "run_id")
        if args.command == "events" and args.after < 0:
            raise InvalidArgumentError(f"--after must be 0 or more, got {args.after}")
        if args.command == "list":
            if args.limit is not None:
                positive_int(args.limit, "--limit")
            if args.session_id is not None:
                parse_uuid(args.session_id, "--session-id")
        if args.command != "create":
            return
        if args.wait_timeout is not None:
            if not args.wait:
                raise InvalidArgumentError("--wait-timeout goes with --wait")
            positive_seconds(args.wait_timeout, "--wait-timeout")
        if args.session_id is not None:
            parse_uuid(args.session_id, "--session-id")
        args.body = RunCreateRequest(  # checked here, before anything is sent
            task=args.prompt,
            model=NOT_GIVEN if args.model is None else args.model,
            session_id=NOT_GIVEN if args.session_id is None else args.session_id,
            max_cost_usd=NOT_GIVEN if args.max_cost_usd is None else args.max_cost_usd,
        )

    async def run(self) -> Result:
        args = self.args
        trap_signals(args)
        async with connected(args, AsyncBrowserUse, lambda fake: fake.v4_base_url) as client:
            runs = client.runs
            if args.command == "get":
                return await runs.get(args.id)
            if args.command == "cancel":
                return await runs.cancel(args.id)
            if args.command == "list":
                limit = NOT_GIVEN if args.limit is None else args.limit
                cursor = NOT_GIVEN if args.cursor is None else args.cursor
                session = NOT_GIVEN if args.session_id is None else args.session_id
                return await runs.list(limit=limit, cursor=cursor, session_id=session)
            if args.command == "events":
                if not args.follow:
                    return await runs.events(args.id, after=args.after)
                async for event in runs.stream(args.id, after=args.after):
                    print(to_json(event).decode() if args.json else _event(event), flush=True)
                return None
            return await self._create(runs)

    async def _create(self, runs: AsyncRuns) -> RunSummary | RunCreateResponse:
        """Create the run; with --wait, wait for its end. The guard `runs.run` uses: an
        interrupt (or --wait-timeout) at any point after the create was sent still learns the
        run's id and, with --wait, cancels it, once."""
        args, launch = self.args, self.launch
        guard = runs._launched(args.body, launch, cancel_on_exit=args.wait)  # pyright: ignore[reportPrivateUsage]
        try:
            async with guard as created:
                if not args.wait:
                    return created
                if not args.json:
                    print(_readable(created), flush=True)
                return await runs.wait(created.id, timeout=args.wait_timeout)
        except TaskTimeoutError as error:
            raise launch.timed_out(error) from launch.stop_error

    def show(self, result: object) -> str | None:
        if result is None:
            return None
        if isinstance(result, RunSummary) and is_final(result.status):
            self.launch.id = None  # it has ended: whatever happens next leaves nothing running
        if self.args.json:
            return to_json(result).decode()
        return _readable(cast("Shown", result))

    def aftermath(self) -> str | None:
        return aftermath(self.launch, f"{PROG} runs")

    def status(self, result: object) -> int:
        failed = isinstance(result, RunSummary) and result.status == RunStatus.FAILED
        return 8 if failed and self.args.command == "create" else 0


def _summary(run: RunSummary) -> str:
    """A run as a few readable lines: ids, task, status, times, cost, result or error."""
    tokens = f"{run.total_input_tokens} in, {run.total_output_tokens} out"
    lines = fields(
        ("run", run.id),
        ("session", run.session_id),
        ("workspace", run.workspace_id),
        ("task", run.task),
        ("title", run.title),
        ("model", run.model),
        ("status", run.status),
        ("created", when(run.created_at)),
        ("updated", when(run.updated_at)),
        ("cost", f"{usd(run.total_cost_usd)} ({tokens} tokens)"),
    )
    lines += fields(
        *(
            (label, value)
            for label, value in (("result", run.result), ("error", run.error))
            if value is not None
        )
    )
    return "\n".join(lines)


def _event(event: RunEvent) -> str:
    """One line an event: its id, time, type and data (as JSON)."""
    data = json.dumps(event.data, ensure_ascii=False, separators=(",", ":"))
    return f"{event.id:>5}  {when(event.ts)}  {shown(event.type)}  {shown(data)}"


def _readable(result: Shown) -> str:
    match result:
        case RunSummary():
            return _summary(result)
        case RunCreateResponse():
            return f"created run {result.id} in session {result.session_id} ({result.status})"
        case RunListResponse():
            lines = [
                f"{run.id}  {run.status!s:<11} {when(run.created_at):<25} "
                f"{usd(run.total_cost_usd):<9} {shown(run.task[:60])}"
                for run in result.runs
            ]
            more = f"; next page: --cursor {shown(result.next_cursor)}" if result.has_more else ""
            return "\n".join([*lines, f"({len(lines)} runs{more})"])
        case RunEventsResponse():
            lines = [_event(event) for event in result.events]
            more = f"; more: --after {result.next_after}" if result.has_more else ""
            return "\n".join([*lines, f"({len(lines)} events{more})"])


def main(argv: list[str]) -> int:
    """Run a command line that starts with `--api v4` (or `--api=v4`); the exit status. `argv`
    is emptied once parsed: it may hold --api-key in the clear, and the caller's traceback
    locals must not show it either."""
    parser = _parser()
    rest = argv[1:] if argv[0] == "--api=v4" else argv[2:]
    if not rest:
        parser.print_help()
        return 0
    args = parser.parse_args(rest)
    argv.clear()
    rest.clear()
    return execute(_Runs(args))
