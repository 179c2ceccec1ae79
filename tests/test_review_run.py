"""Review of tasks.run and the CLI ending early: what each leaves on the server and says."""

import asyncio
import signal
import subprocess
import sys

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from browser_use_async import (
    APIResponseValidationError,
    AsyncBrowserUse,
    InternalServerError,
    RetryPolicy,
    _cli_shell,
)
from browser_use_async.cli import main
from browser_use_async.testing import FakeBrowserUseCloud, FakeClock, Fault
from tests.conftest import child_process
from tests.soak import LateCreates

CLI = ["-m", "browser_use_async", "tasks", "create"]


def answer_creates_with(fake: FakeBrowserUseCloud, status: int, body: bytes) -> None:
    """The fake stores each created task, then answers the create with `status` and `body`."""

    @web.middleware
    async def replace(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if request.method == "POST" and request.path == "/api/v2/tasks":
            return web.Response(status=status, body=body, content_type="application/json")
        return response

    fake.app.middlewares.append(replace)


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (500, b'{"detail": "oops"}', InternalServerError),
        (504, b"", InternalServerError),
        (202, b'{"id": "3c90c3cc', APIResponseValidationError),
    ],
)
async def test_a_create_that_fails_after_committing_says_a_task_may_be_running(
    caplog: pytest.LogCaptureFixture, status: int, body: bytes, error: type[Exception]
) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    answer_creates_with(fake, status, body)
    async with fake, AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        async with asyncio.timeout(10):
            with pytest.raises(error) as info:
                await client.tasks.run("Find a flight", poll_interval=0.05)
    assert len(fake.tasks) == 1  # made on the server: the user must not be told "try again"
    assert [r.method for r in fake.requests] == ["POST"]
    assert "trying again later may work" not in str(info.value)
    assert "a task it made may be running: look for it with tasks.list" in caplog.text


async def test_stop_on_exit_false_cancelled_during_the_create_tells_the_task_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    LateCreates(fake).seconds = 0.3
    async with fake, AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        run = asyncio.create_task(client.tasks.run("Find a flight", stop_on_exit=False))
        async with asyncio.timeout(10):
            while not fake.tasks:  # noqa: ASYNC110 (the server's state, not an event)
                await asyncio.sleep(0.005)
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
        [task] = fake.tasks.values()
    assert task["status"] != "stopped"
    assert [r.method for r in fake.requests] == ["POST"]  # never a stop
    assert f"tasks.stop('{task['id']}')" in caplog.text


def test_cli_wait_timeout_does_not_say_a_stopped_task_keeps_running(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        on = ["--api-key", fake.api_key, "--base-url", fake.base_url, "--max-retries", "0"]
        code = main(["tasks", "create", *on, "Find", "--wait", "--wait-timeout", "0.2"])
        [task] = fake.tasks.values()
    err = capsys.readouterr().err
    assert code == 8
    assert task["status"] == "stopped"
    assert "keeps running" not in err
    assert err.splitlines()[-1] == f"stopped task {task['id']}"


async def signalled_during_create(
    fake: FakeBrowserUseCloud, signals: list[signal.Signals], *options: str
) -> tuple[int, str]:
    """`tasks create --wait` in a child, sent `signals` while its create is in flight (the
    fake commits the task and answers it 1 s later)."""
    key_and_url = ["--api-key", fake.api_key, "--base-url", fake.base_url]
    async with child_process(*CLI, "Find", "--wait", *options, *key_and_url) as child:
        async with asyncio.timeout(60):
            while not fake.tasks:  # noqa: ASYNC110 (the server's state, not an event)
                await asyncio.sleep(0.005)
            for signum in signals:
                child.send_signal(signum)
                await asyncio.sleep(0.05)
            _, err = await child.communicate()
    assert child.returncode is not None
    return child.returncode, err.decode()


@pytest.mark.parametrize(
    ("signals", "code", "said"),
    [
        ([signal.SIGTERM], 143, "terminated"),
        ([signal.SIGINT, signal.SIGINT], 130, "interrupted"),
        ([signal.SIGINT, signal.SIGINT, signal.SIGTERM], 130, "interrupted"),
    ],
)
async def test_cli_signals_during_the_create_still_stop_the_task(
    signals: list[signal.Signals], code: int, said: str
) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    LateCreates(fake).seconds = 1.0
    async with fake:
        status, err = await signalled_during_create(fake, signals)
        [task] = fake.tasks.values()
    assert task["status"] == "stopped"
    assert status == code
    assert err.splitlines() == [said, f"stopped task {task['id']}"]


async def test_cli_keep_running_interrupted_during_the_create_says_how_to_stop_it() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    LateCreates(fake).seconds = 1.0
    async with fake:
        status, err = await signalled_during_create(fake, [signal.SIGINT], "--keep-running")
        [task] = fake.tasks.values()
    assert status == 130
    assert task["status"] != "stopped"
    assert not any(r.method == "PATCH" for r in fake.requests)
    assert f"stop it with: browser-use-async tasks stop {task['id']}" in err


def test_cli_closed_pipe_with_keep_running_says_how_to_stop_the_task() -> None:
    # Real time: the task's steps make the CLI write again after the pipe is closed.
    with FakeBrowserUseCloud() as fake:
        command = [*CLI, "Find", "--wait", "--keep-running"]
        on = ["--api-key", fake.api_key, "--base-url", fake.base_url]
        child = subprocess.Popen(
            [sys.executable, *command, *on], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            assert child.stdout is not None
            child.stdout.read(10)
            child.stdout.close()
            _, err = child.communicate(timeout=60)
        finally:
            child.kill()  # a hang fails the test instead of stalling it
            child.wait(10)
        [task] = fake.tasks.values()
    assert child.returncode == 141
    assert task["status"] != "stopped"
    assert f"browser-use-async tasks stop {task['id']}" in err.decode()


async def test_a_posted_5xx_does_not_invite_a_blind_retry() -> None:
    """A create is not retried on a 5xx because the server may have acted on it: the
    message must not advise trying again; a failed GET may say so."""
    fake = FakeBrowserUseCloud(manual_time=True)
    answer_creates_with(fake, 502, b"bad gateway")
    no_retries = RetryPolicy(max_retries=0)
    async with (
        fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, retry=no_retries) as client,
    ):
        with pytest.raises(InternalServerError, match="check before sending it again"):
            await client.tasks.create("Find a flight")
        fake.faults.add("GET /tasks", Fault(status=500))
        with pytest.raises(InternalServerError, match="trying again later may work"):
            await client.tasks.list()


def test_cli_wait_on_a_task_that_does_not_exist_does_not_say_it_keeps_running(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        on = ["--api-key", fake.api_key, "--base-url", fake.base_url, "--max-retries", "0"]
        code = main(["tasks", "wait", *on, "3c90c3cc-0d44-4b50-8888-8dd25736052a"])
    err = capsys.readouterr().err
    assert code == 4
    assert err.count("\n") == 1
    assert "Task not found" in err
    assert "keeps running" not in err


def test_cli_key_is_not_in_the_locals_of_a_handled_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "bu_review_secret_key_42"
    seen: list[BaseException | None] = []

    def say(*lines: str | None) -> None:
        seen.append(sys.exc_info()[1])

    monkeypatch.setattr(_cli_shell, "say", say)
    argv = ["tasks", "list", "--api-key", key, "--base-url", "http://127.0.0.1:9"]
    assert main([*argv, "--max-retries", "0"]) == 5
    [error] = seen
    assert error is not None
    shown: list[str] = []
    tb = error.__traceback__
    while tb is not None:
        shown += [repr(value) for value in tb.tb_frame.f_locals.values()]
        tb = tb.tb_next
    assert shown
    assert not [text for text in shown if key in text]
    assert key not in capsys.readouterr().err


SYNC_CHILD = """
import sys
from browser_use_async import BrowserUse
with BrowserUse(api_key=sys.argv[1], base_url=sys.argv[2]) as client:
    print("ready", flush=True)
    client.tasks.run("Find", poll_interval=0.05)
"""


async def test_sync_run_interrupted_four_times_still_stops_the_task_at_exit() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    LateCreates(fake).seconds = 1.5  # the clean-up outlasts four quick Ctrl-C's
    async with fake:
        async with child_process("-c", SYNC_CHILD, fake.api_key, fake.base_url) as child:
            assert child.stdout is not None
            async with asyncio.timeout(60):
                await child.stdout.readline()
                while not fake.tasks:  # noqa: ASYNC110 (the server's state, not an event)
                    await asyncio.sleep(0.005)
                for _ in range(4):  # run's wait, its cancellation, close(), its join
                    child.send_signal(signal.SIGINT)
                    await asyncio.sleep(0.1)
                await child.communicate()
        [task] = fake.tasks.values()
    assert task["status"] == "stopped"


def final_get_sent(fake: FakeBrowserUseCloud) -> bool:
    return any(r.path == f"/api/v2/tasks/{t}" for r in fake.requests for t in fake.tasks)


async def test_a_task_that_ended_before_the_stop_is_not_said_to_be_stopped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with (
        FakeBrowserUseCloud(clock=FakeClock(speed=50)) as fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client,
    ):
        fake.faults.add("GET /tasks/{task_id}", Fault(delay=0.5), times=None)  # the final get
        run = asyncio.create_task(client.tasks.run("Find", poll_interval=0.05))
        async with asyncio.timeout(10):
            while not final_get_sent(fake):  # noqa: ASYNC110 (the server's state)
                await asyncio.sleep(0.005)
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
        [task] = fake.tasks.values()
    assert task["status"] == "finished"
    assert [r.method for r in fake.requests][-1] == "PATCH"
    assert f"task {task['id']} had already ended (finished)" in caplog.text
    assert "was stopped" not in caplog.text
