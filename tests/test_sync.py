"""The blocking client `BrowserUse`, against servers running in their own thread."""

import asyncio
import gc
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
import uuid
import warnings
from typing import Any

import pytest
from aiohttp import web

from browser_use_async import (
    APIConnectionError,
    APITimeoutError,
    AsyncBrowserUse,
    BrowserUse,
    BrowserUseError,
    ClientClosedError,
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
    TaskStatus,
    TaskUpdateAction,
    TaskView,
)
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer, ServerThread, ctrl_c_once
from tests.samples import TASK_ID, task_bytes

KEY = "bu_test_key"
TASK_UUID = uuid.UUID(TASK_ID)
posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and signals")


def client_for(fake: FakeBrowserUseCloud, **kwargs: Any) -> BrowserUse:
    return BrowserUse(api_key=fake.api_key, base_url=fake.base_url, **kwargs)


def loop_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("BrowserUse-loop-")]


# -- calls ---------------------------------------------------------------------------------


def test_stop_sends_what_the_async_client_sends(threaded_fake: FakeBrowserUseCloud) -> None:
    task_id = threaded_fake.create_task("Book a table", steps=3)
    with client_for(threaded_fake) as client:
        task = client.tasks.stop(task_id)
    assert isinstance(task, TaskView)
    assert (task.id, task.status, len(task.steps)) == (task_id, TaskStatus.STOPPED, 3)
    [request] = threaded_fake.requests
    assert (request.method, request.path) == ("PATCH", f"/api/v2/tasks/{task_id}")
    assert request.body == b'{"action":"stop"}'
    assert request.headers["X-Browser-Use-API-Key"] == threaded_fake.api_key


def test_update_and_stop_task_and_session(threaded_fake: FakeBrowserUseCloud) -> None:
    first, second = threaded_fake.create_task(), threaded_fake.create_task()
    with client_for(threaded_fake) as client:
        assert client.tasks.update(str(first), action=TaskUpdateAction.STOP).id == first
        task = client.tasks.stop_task_and_session(second)
    assert threaded_fake.sessions[task.session_id]["status"] == "stopped"
    assert [r.json() for r in threaded_fake.requests] == [
        {"action": "stop"},
        {"action": "stop_task_and_session"},
    ]


def test_bad_arguments_fail_before_anything_is_sent(threaded_fake: FakeBrowserUseCloud) -> None:
    with client_for(threaded_fake) as client, pytest.raises(InvalidArgumentError, match="task_id"):
        client.tasks.stop("not-a-uuid")
    assert threaded_fake.requests == []
    with pytest.raises(InvalidArgumentError, match="BROWSER_USE_API_KEY"):
        BrowserUse()


def test_settings_and_repr_come_from_the_async_client() -> None:
    client = BrowserUse("bu_secret", base_url="https://example.com/api/v2/", timeout=5)
    assert (client.base_url, client.timeout) == ("https://example.com/api/v2", 5.0)
    assert repr(client) == "BrowserUse(base_url='https://example.com/api/v2')"
    client.close()


# -- errors --------------------------------------------------------------------------------


def facts(exc: BaseException) -> dict[str, Any]:
    """What a caller can see of an exception, minus the Date header."""
    seen = {k: v for k, v in vars(exc).items() if k != "headers"}
    headers = getattr(exc, "headers", None)
    if headers is not None:
        seen["headers"] = {k: v for k, v in headers.items() if k.lower() != "date"}
    return {"type": type(exc), "str": str(exc), "args": exc.args, **seen}


QUICK_RETRIES = RetryPolicy(initial_delay=0, max_delay=0, jitter=0, max_retry_after=1)
"""Retries still happen (and `attempts` is compared) but nobody waits for them."""


def both_clients_fail(base_url: str, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    kwargs.setdefault("retry", QUICK_RETRIES)

    async def via_async() -> BaseException:
        async with AsyncBrowserUse(api_key=KEY, base_url=base_url, **kwargs) as client:
            with pytest.raises(BrowserUseError) as info:
                await client.tasks.stop(TASK_ID)
        return info.value

    expected = asyncio.run(via_async())
    with (
        BrowserUse(api_key=KEY, base_url=base_url, **kwargs) as client,
        pytest.raises(BrowserUseError) as info,
    ):
        client.tasks.stop(TASK_ID)
    return facts(info.value), facts(expected)


@pytest.mark.parametrize(
    ("status", "body", "headers"),
    [
        (400, b'{"detail":"Bad request"}', {}),
        (401, b'{"detail":"Invalid or missing API key"}', {}),
        (404, b'{"detail":"Task not found"}', {}),
        (409, b'{"detail":"Task is busy"}', {}),
        (422, b'{"detail":[{"loc":["body","action"],"msg":"Bad","type":"enum"}]}', {}),
        (429, b'{"detail":"Too many concurrent sessions"}', {"Retry-After": "7"}),
        (500, b"Internal Server Error", {"Content-Type": "text/plain"}),
        (503, b'{"detail":"Down for maintenance"}', {}),
        (200, b'{"id": "not-a-task"}', {}),
    ],
)
def test_errors_are_the_async_clients(
    threaded_canned: CannedServer, status: int, body: bytes, headers: dict[str, str]
) -> None:
    threaded_canned.respond(status, body, {"Content-Type": "application/json", **headers})
    got, expected = both_clients_fail(threaded_canned.base_url)
    assert got == expected
    assert got["attempts"] == expected["attempts"]  # as many tries: the same retries
    assert issubclass(got["type"], BrowserUseError)


def test_connection_errors_are_the_async_clients(server_thread: ServerThread) -> None:
    gone = FakeBrowserUseCloud(manual_time=True)
    server_thread.run(gone.start())
    base_url = gone.base_url
    server_thread.run(gone.close())
    got, expected = both_clients_fail(base_url)
    assert got == expected
    assert got["type"] is APIConnectionError
    assert got["reached_server"] is False


def test_timeouts_are_the_async_clients(threaded_canned: CannedServer) -> None:
    threaded_canned.respond(200, task_bytes())
    threaded_canned.canned.delay = 0.5
    got, expected = both_clients_fail(threaded_canned.base_url, timeout=0.1)
    assert got == expected
    assert got["type"] is APITimeoutError


def test_tracebacks_show_the_call_and_the_async_frames(threaded_fake: FakeBrowserUseCloud) -> None:
    with client_for(threaded_fake) as client, pytest.raises(NotFoundError) as info:
        client.tasks.stop(TASK_ID)
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert frames[0] == "test_tracebacks_show_the_call_and_the_async_frames"
    assert frames[1] == "stop"  # the sync method
    assert "_request" in frames  # where the async client raised


# -- threads, loops and lifecycle ----------------------------------------------------------


def test_eight_threads_share_one_client(threaded_fake: FakeBrowserUseCloud) -> None:
    ids = [[threaded_fake.create_task() for _ in range(25)] for _ in range(8)]
    results: dict[int, list[uuid.UUID]] = {}
    failures: list[BaseException] = []
    start = threading.Barrier(8)
    baseline = threading.active_count()
    client = client_for(threaded_fake)

    def work(n: int) -> None:
        start.wait()
        try:
            results[n] = [client.tasks.stop(task_id).id for task_id in ids[n]]
        except BaseException as exc:  # recorded for the assertion below
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert failures == []
    assert results == dict(enumerate(ids))
    assert len(threaded_fake.requests) == 200
    assert len(loop_threads()) == 1  # all of them on the one private loop
    client.close()
    assert threading.active_count() == baseline


def test_threads_sharing_a_client_are_in_flight_together(server_thread: ServerThread) -> None:
    together = asyncio.Barrier(8)

    async def handle(request: web.Request) -> web.Response:
        async with asyncio.timeout(5):  # only reached if the calls were serialized
            await together.wait()
        return web.Response(body=task_bytes(), content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    outcomes: list[object] = []
    with BrowserUse(api_key=KEY, base_url=server_thread.serve(app)) as client:

        def call() -> None:
            try:
                outcomes.append(client.tasks.stop(TASK_ID).id)
            except BaseException as exc:  # recorded for the assertion below
                outcomes.append(exc)

        callers = [threading.Thread(target=call) for _ in range(8)]
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join(30)
    assert outcomes == [TASK_UUID] * 8


def test_calls_work_inside_a_running_event_loop(threaded_fake: FakeBrowserUseCloud) -> None:
    task_id = threaded_fake.create_task()

    async def notebook_cell() -> TaskView:
        asyncio.get_running_loop()  # there is one, as in Jupyter
        with client_for(threaded_fake) as client:
            return client.tasks.stop(task_id)

    assert asyncio.run(notebook_cell()).id == task_id


@posix_only
@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_cancels_the_request_and_the_server_sees_it_dropped(
    server_thread: ServerThread,
) -> None:
    main = threading.main_thread().ident
    assert main is not None
    arrivals: list[str] = []
    dropped = threading.Event()

    async def handle(request: web.Request) -> web.Response:
        arrivals.append(request.path)
        if len(arrivals) == 1:
            signal.pthread_kill(main, signal.SIGINT)  # the user presses Ctrl-C now
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:  # aiohttp cancels us when the client hangs up
                dropped.set()
                raise
        return web.Response(body=task_bytes(), content_type="application/json")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    base_url = server_thread.serve(app, handler_cancellation=True)
    baseline = threading.active_count()
    client = BrowserUse(api_key=KEY, base_url=base_url)
    with pytest.raises(KeyboardInterrupt):
        client.tasks.stop(TASK_ID)
    assert dropped.wait(5), "the server never saw the connection dropped"
    assert client.tasks.stop(TASK_ID).id == TASK_UUID  # the client is still usable
    client.close()
    assert len(arrivals) == 2
    assert threading.active_count() == baseline


@posix_only
@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_during_run_stops_the_task(threaded_fake: FakeBrowserUseCloud) -> None:
    """The main thread runs the client's loop itself: Ctrl-C still cancels `tasks.run`,
    which stops the billable task before KeyboardInterrupt reaches the caller."""
    created = threading.Event()

    def watch() -> None:  # the task exists once the create was answered and polled
        for _ in range(1000):
            if any(r.method == "GET" for r in threaded_fake.requests):
                created.set()
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    presser = ctrl_c_once(created)
    with client_for(threaded_fake) as client:
        with pytest.raises(KeyboardInterrupt):
            client.tasks.run("Never finishes", poll_interval=0.05)
        assert presser.join()  # the first Ctrl-C was enough
        watcher.join(10)
        [task_id] = threaded_fake.tasks
        assert threaded_fake.tasks[task_id]["status"] == "stopped"
        assert [r.json() for r in threaded_fake.requests if r.method == "PATCH"] == [
            {"action": "stop"}
        ]
        assert client.tasks.get(task_id).status == TaskStatus.STOPPED  # still usable


def test_close_joins_the_thread_and_is_idempotent(threaded_fake: FakeBrowserUseCloud) -> None:
    task_id = threaded_fake.create_task()
    baseline = threading.active_count()
    client = client_for(threaded_fake)
    assert threading.active_count() == baseline  # started lazily
    client.tasks.stop(task_id)
    assert threading.active_count() == baseline + 1
    client.close()
    assert threading.active_count() == baseline
    client.close()
    with pytest.raises(ClientClosedError, match="This client is closed; create a new one"):
        client.tasks.stop(task_id)
    assert len(threaded_fake.requests) == 1


def test_with_closes_and_leaves_no_warnings(threaded_fake: FakeBrowserUseCloud) -> None:
    baseline = threading.active_count()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with client_for(threaded_fake) as client:
            client.tasks.stop(threaded_fake.create_task())
        assert threading.active_count() == baseline
        del client
        gc.collect()
    assert [str(w.message) for w in caught] == []


def test_a_client_never_used_starts_no_thread() -> None:
    baseline = threading.active_count()
    with BrowserUse(api_key=KEY, base_url="http://127.0.0.1:9/api/v2") as client:
        assert client.base_url == "http://127.0.0.1:9/api/v2"
    assert threading.active_count() == baseline


@posix_only
def test_a_fork_child_gets_a_fresh_loop(threaded_fake: FakeBrowserUseCloud) -> None:
    task_id = threaded_fake.create_task()
    with client_for(threaded_fake) as client:
        client.tasks.stop(task_id)  # the parent's loop and pool are in use
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded fork"
            pid = os.fork()
        if pid == 0:  # the child: report through the exit code only
            code = 10
            try:
                code = 11 if loop_threads() else 12  # the parent's thread is not here
                if client.tasks.stop(task_id).id == task_id and len(loop_threads()) == 1:
                    client.close()
                    code = 0 if loop_threads() == [] else 13
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        assert len(threaded_fake.requests) == 2  # the child's request arrived
        assert client.tasks.stop(task_id).id == task_id  # the parent is unaffected
    assert len(threaded_fake.requests) == 3


def test_atexit_closes_a_client_nobody_closed(threaded_fake: FakeBrowserUseCloud) -> None:
    script = """
import atexit, sys, threading

def report():  # registered before the SDK's hook, so it runs after it
    names = [t.name for t in threading.enumerate() if t.name.startswith("BrowserUse-loop")]
    print("loop threads at exit:", names, flush=True)

atexit.register(report)
from browser_use_async import BrowserUse

client = BrowserUse(api_key=sys.argv[1], base_url=sys.argv[2])
print(client.tasks.stop(sys.argv[3]).status.value, flush=True)
# no close(), no `with`
"""
    task_id = threaded_fake.create_task()
    fake_key, fake_url = threaded_fake.api_key, threaded_fake.base_url
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-c", script, *[fake_key, fake_url, str(task_id)]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["stopped", "loop threads at exit: []"]
    assert "nclosed" not in done.stderr  # no "Unclosed client session" either
