"""`browser-use-async tasks run-many`: a JSON-lines file of inputs, each checked (and named by
its line number when refused) before the first task is created, run by `tasks.run_many`,
and a JSON line for each result."""

import argparse
import contextlib
import decimal
import json
import sys
from collections.abc import Callable, Generator, Iterable, Mapping
from typing import Any, Literal, cast

import attrs

from browser_use_async._batch._result import TaskResult
from browser_use_async._codec import to_camel
from browser_use_async._exceptions import BrowserUseError, InvalidArgumentError
from browser_use_async._structured._schema import schema_text
from browser_use_async._validation import positive_seconds, usd_amount
from browser_use_async.models._shared import SessionSettings
from browser_use_async.models.tasks import CreateTaskRequest, TaskView
from browser_use_async.resources.tasks import AsyncTasks

__all__ = [
    "Batch",
    "Ran",
    "batch_arguments",
    "checked_batch",
    "read_inputs",
    "result_line",
    "run_batch",
]

Keywords = dict[str, Any]
"""Keywords of `CreateTaskRequest`, as JSON gave them (the model checks them)."""


def _names(model: type) -> dict[str, str]:
    """A model's field names by how an input may spell them: as Python does (`max_steps`) or
    as the API does (`maxSteps`)."""
    fields = [field.name for field in attrs.fields(model)]
    return {to_camel(name): name for name in fields} | {name: name for name in fields}


_TASK = _names(CreateTaskRequest)
_SESSION = _names(SessionSettings)


def _keywords(document: Mapping[str, object], names: Mapping[str, str]) -> Keywords:
    found: Keywords = {}
    for spelled, value in document.items():
        name = names.get(spelled)
        if name is None:
            raise InvalidArgumentError(f"unknown key {spelled!r}")
        if name in found:
            raise InvalidArgumentError(f"{name!r} is given twice ({spelled!r})")
        found[name] = value
    return found


_KINDS: dict[type, str] = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    list: "an array",
    type(None): "null",
}
"""What else a line of JSON can be."""


def _input(document: object, options: Mapping[str, Any]) -> tuple[str | None, Keywords]:
    """A line's key (if it names one) and its create keywords over the command's `options`."""
    if isinstance(document, str):
        document = {"task": document}
    if not isinstance(document, dict):
        raise InvalidArgumentError(
            "expected a JSON string (the prompt) or an object of create keywords, got "
            + _KINDS[type(document)]
        )
    given = dict(cast("Keywords", document))  # a JSON object: its keys are strings
    key = given.pop("key", None)
    if key is not None and not (isinstance(key, str) and key):
        raise InvalidArgumentError("'key' must be a non-empty string")
    keywords = {**options, **_keywords(given, _TASK)}
    settings = keywords.get("session_settings")
    if isinstance(settings, dict):
        keywords["session_settings"] = SessionSettings(
            **_keywords(cast("Keywords", settings), _SESSION)
        )
    if "task" not in keywords:
        raise InvalidArgumentError("an object needs 'task' (the prompt)")
    CreateTaskRequest(**keywords)
    return key, keywords


def read_inputs(lines: Iterable[bytes], options: Mapping[str, Any]) -> list[Keywords]:
    """Every input of a JSON-lines file, as `tasks.run_many` takes them; blank lines are
    skipped. Each line is a JSON string, the prompt, or an object of `tasks.create`'s
    keywords (`max_steps` or `maxSteps`) and optionally a "key" naming the input; its
    keywords win over the command's `options`. Raises `InvalidArgumentError` naming the
    first line refused, and a key that two inputs share (an input without one is keyed by
    its index)."""
    inputs: list[Keywords] = []
    lines_by_key: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            try:
                document = json.loads(line.decode())
            except UnicodeDecodeError:
                raise InvalidArgumentError("not UTF-8 text") from None
            except ValueError as error:
                raise InvalidArgumentError(f"not JSON ({error})") from None
            except RecursionError:
                raise InvalidArgumentError("not JSON we read (nested too deeply)") from None
            key, keywords = _input(document, options)
            key = str(len(inputs)) if key is None else key
            if key in lines_by_key:
                raise InvalidArgumentError(f"key {key!r} is line {lines_by_key[key]}'s too")
        except InvalidArgumentError as error:
            raise InvalidArgumentError(f"line {number}: {error}") from None
        lines_by_key[key] = number
        inputs.append({**keywords, "key": key})
    return inputs


def batch_arguments(many: argparse.ArgumentParser) -> None:
    """The arguments `run-many` has of its own (the create options it shares with `create`)."""
    many.add_argument(
        "file",
        metavar="FILE",
        help="JSON lines, each a prompt (a JSON string) or an object of create keywords "
        '(task, max_steps or maxSteps, ...) with an optional "key"; - reads stdin',
    )
    many.add_argument(
        "--concurrency",
        default="auto",
        help="tasks at once: a number, or auto (the account's free sessions, the default)",
    )
    many.add_argument(
        "--journal", metavar="PATH", help="record the batch in this SQLite file; rerun to resume"
    )
    many.add_argument(
        "--out", metavar="PATH", help="write each result as a JSON line here, not to stdout"
    )
    many.add_argument(
        "--output-schema", metavar="PATH", help="a JSON schema file: every task's structured output"
    )
    many.add_argument(
        "--wait-timeout", type=float, help="stop a task still running after this many s"
    )
    many.add_argument(
        "--poll-interval", type=float, default=5.0, help="seconds between a task's polls (5)"
    )
    many.add_argument("--max-cost", metavar="USD", help="stop a task whose cost passes this")
    many.add_argument(
        "--max-total-cost", metavar="USD", help="start no more tasks once the batch costs this"
    )


@attrs.frozen
class Batch:
    """A `run-many` command, checked: its inputs and how to run them."""

    inputs: list[Keywords]
    concurrency: int | Literal["auto"]
    journal: str | None
    out: str | None  # None: stdout
    timeout: float | None
    poll_interval: float
    max_cost: decimal.Decimal | None
    max_total_cost: decimal.Decimal | None


def _read(path: str, what: str) -> list[bytes]:
    try:
        if path == "-":
            return sys.stdin.buffer.readlines()
        with open(path, "rb") as file:
            return file.readlines()
    except OSError as error:
        raise InvalidArgumentError(f"cannot read {what} {path!r}: {error.strerror}") from None


def checked_batch(args: argparse.Namespace, options: Keywords) -> Batch:
    """Every argument of `run-many` and every line of its FILE checked, before anything is
    sent; `options` are the command's create options (`--llm`, ...)."""
    concurrency: int | Literal["auto"] = "auto"
    if args.concurrency != "auto":
        try:
            concurrency = int(args.concurrency)
        except ValueError:
            concurrency = 0
        if concurrency < 1:
            raise InvalidArgumentError(
                "--concurrency must be auto or a whole number of at least 1, "
                f"got {args.concurrency!r}"
            )
    if args.output_schema is not None:
        schema = b"".join(_read(args.output_schema, "--output-schema"))
        options["structured_output"] = schema_text(
            schema.decode(errors="replace"), "--output-schema"
        )
    CreateTaskRequest(task="-", **options)  # the command's own options, before any line's
    return Batch(
        inputs=read_inputs(_read(args.file, "FILE"), options),
        concurrency=concurrency,
        journal=args.journal,
        out=args.out,
        timeout=args.wait_timeout,
        poll_interval=positive_seconds(args.poll_interval, "--poll-interval"),
        max_cost=None if args.max_cost is None else usd_amount(args.max_cost, "--max-cost"),
        max_total_cost=None
        if args.max_total_cost is None
        else usd_amount(args.max_total_cost, "--max-total-cost"),
    )


def _no_constant(name: str) -> object:
    """NaN and the infinities are no JSON: an output holding one is given as text."""
    raise ValueError(name)


def result_line(result: TaskResult[TaskView], structured: bool) -> str:
    """One result as a JSON line: `output` is the task's output, read as JSON when the task
    was given a structured output (and it is JSON); `error` is the error's message; `cost` is
    the task's cost in USD, as text (exact, as the API gives it)."""
    task = result.task
    output: object = None if task is None else task.output
    if structured and isinstance(output, str):
        with contextlib.suppress(ValueError, RecursionError):  # not JSON: the text as it is
            output = json.loads(output, parse_constant=_no_constant)
    line = {
        "index": result.index,
        "key": result.key,
        "taskId": None if result.task_id is None else str(result.task_id),
        "status": None if task is None else str(task.status),
        "output": output,
        "error": None if result.error is None else str(result.error),
        "cost": None if result.cost is None else str(result.cost),
    }
    return json.dumps(line)


@attrs.frozen
class Ran:
    """What a `run-many` did: how many of its inputs did not finish."""

    failed: int


@contextlib.contextmanager
def _results(path: str | None) -> Generator[Callable[[str], None]]:
    """Writes a result's line: to stdout, or to `path` (rewritten from the start)."""
    stream = sys.stdout
    if path is not None:
        try:
            stream = open(path, "w", encoding="utf-8")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise InvalidArgumentError(f"cannot write --out {path!r}: {error.strerror}") from None

    def write(line: str) -> None:
        try:
            stream.write(line + "\n")
            stream.flush()
        except OSError as error:
            if path is None:
                raise  # a closed stdout: `main` ends quietly
            raise _unwritable(path, error) from None

    try:
        yield write
    except BaseException:
        if path is not None:
            with contextlib.suppress(OSError):  # what went wrong is said already
                stream.close()
        raise
    if path is not None:
        try:
            stream.close()
        except OSError as error:
            raise _unwritable(path, error) from None


def _unwritable(path: str, error: OSError) -> BrowserUseError:
    return BrowserUseError(f"cannot write --out {path!r}: {error.strerror or error}")


async def run_batch(tasks: AsyncTasks, batch: Batch) -> Ran:
    """Run the batch, writing each result's line as it comes (to `--out`, rewritten from the
    start: a resumed batch gives its journaled results again, so the file ends complete) and
    the progress to stderr; but not when the results go to a terminal: they would break
    the progress line, and they show the progress themselves. Leaving early (an error, a
    closed stdout, Ctrl-C) stops the batch's tasks."""
    failed = 0
    with _results(batch.out) as write:
        results = tasks.run_many(
            batch.inputs,
            concurrency=batch.concurrency,
            journal=batch.journal,
            timeout=batch.timeout,
            poll_interval=batch.poll_interval,
            max_cost=batch.max_cost,
            max_total_cost=batch.max_total_cost,
            progress=None if batch.out is None and sys.stdout.isatty() else sys.stderr,
        )
        async with contextlib.aclosing(results):  # closing it stops the batch's tasks
            async for result in results:
                structured = batch.inputs[result.index].get("structured_output") is not None
                write(result_line(result, structured))
                failed += not result.ok
    return Ran(failed)
