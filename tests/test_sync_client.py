"""The generated client: plain iterators over pages, and copies made by with_options."""

import asyncio
import gc
import subprocess
import sys
import threading
import time

import pytest
from aiohttp import web

from browser_use_async import BrowserUse, ClientClosedError, TaskItemView
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import ServerThread
from tests.samples import TASK_ID


def test_iter_walks_every_page_from_blocking_code(threaded_fake: FakeBrowserUseCloud) -> None:
    made = {threaded_fake.create_task(f"task {n}") for n in range(23)}
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        seen = list(client.tasks.list(page_size=5))
    assert all(isinstance(task, TaskItemView) for task in seen)
    assert {task.id for task in seen} == made
    pages = [r for r in threaded_fake.requests if r.path == "/api/v2/tasks"]
    assert [r.query["pageNumber"] for r in pages] == ["1", "2", "3", "4", "5"]


def test_breaking_out_of_a_sync_iterator_stops_fetching(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    for n in range(30):
        threaded_fake.create_task(f"task {n}")
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        for number, _ in enumerate(client.tasks.list(page_size=10)):
            if number == 12:
                break
        assert client.tasks.get(next(iter(threaded_fake.tasks))).id
    pages = [r for r in threaded_fake.requests if r.path == "/api/v2/tasks"]
    assert len(pages) == 2


def test_closing_a_with_options_copy_leaves_the_client_open(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    task_id = threaded_fake.create_task()
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        with client.with_options(timeout=5) as quick:
            assert quick.timeout == 5
            assert quick.tasks.get(task_id).id == task_id
        assert client.tasks.stop(task_id).status == "stopped"
    with pytest.raises(ClientClosedError):
        client.tasks.get(task_id)


def test_a_client_dropped_without_close_stops_its_thread(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    before = threading.active_count()
    client = BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url)
    client.tasks.get(threaded_fake.create_task())
    assert threading.active_count() == before + 1
    with pytest.warns(ResourceWarning, match=r"^BrowserUse was never closed") as warned:
        del client  # nothing else holds it: collected at once
    gc.collect()
    assert threading.active_count() == before
    assert len(warned) == 1


def loop_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("BrowserUse-loop-")]


@pytest.mark.filterwarnings("ignore:BrowserUse was never closed:ResourceWarning")
def test_what_is_kept_of_a_client_keeps_it_alive(threaded_fake: FakeBrowserUseCloud) -> None:
    """A kept resource, `with_options` copy or iterator works after the client is dropped;
    once none of them is left, the loop thread stops."""
    task_id = threaded_fake.create_task()
    for n in range(5):
        threaded_fake.create_task(f"task {n}")
    before = loop_threads()

    def client() -> BrowserUse:
        return BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url)

    tasks = client().tasks
    quick = client().with_options(timeout=5)
    quick_tasks = client().with_options(timeout=5).tasks
    pages = iter(client().tasks.list(page_size=2))
    gc.collect()
    assert tasks.get(task_id).id == task_id
    assert quick.tasks.get(task_id).id == task_id
    assert quick.timeout == 5
    assert quick_tasks.get(task_id).id == task_id
    first = next(pages)
    assert len(loop_threads()) == len(before) + 4
    assert len([first, *pages]) == 6
    del tasks, quick, quick_tasks, pages
    gc.collect()
    assert loop_threads() == before


def test_a_kept_resource_fails_once_its_client_is_closed(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    task_id = threaded_fake.create_task()
    client = BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url)
    tasks, copy = client.tasks, client.with_options(timeout=5)
    assert tasks.get(task_id).id == task_id
    client.close()
    with pytest.raises(ClientClosedError, match="This client is closed"):
        tasks.get(task_id)
    with pytest.raises(ClientClosedError, match="This client is closed"):
        copy.tasks.get(task_id)
    assert len(threaded_fake.requests) == 1


def test_a_one_liner_works_in_a_script(threaded_fake: FakeBrowserUseCloud) -> None:
    script = """
import atexit, gc, sys, threading

def report():  # registered before the SDK's hook, so it runs after it
    names = [t.name for t in threading.enumerate() if t.name.startswith("BrowserUse-loop")]
    print("loop threads at exit:", names, flush=True)

atexit.register(report)
from browser_use_async import BrowserUse

key, url, task_id = sys.argv[1:]
print(BrowserUse(api_key=key, base_url=url).tasks.get(task_id).status.value, flush=True)
tasks = BrowserUse(api_key=key, base_url=url).tasks
gc.collect()
print(tasks.get(task_id).status.value, flush=True)
copy = BrowserUse(api_key=key, base_url=url).with_options(timeout=5)
gc.collect()
print(copy.tasks.get(task_id).status.value, flush=True)
"""
    arguments = [threaded_fake.api_key, threaded_fake.base_url, str(threaded_fake.create_task())]
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-c", script, *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["started"] * 3 + ["loop threads at exit: []"]
    # -X dev shows ResourceWarnings, each text once: the clients were dropped unclosed.
    warnings = [line for line in done.stderr.splitlines() if "ResourceWarning" in line]
    assert len(warnings) == 1, done.stderr
    assert all("ResourceWarning: BrowserUse was never closed" in line for line in warnings)


@pytest.mark.filterwarnings("ignore:BrowserUse was never closed:ResourceWarning")
def test_one_liners_survive_garbage_collection_at_every_allocation(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    """With the collector run at (nearly) every allocation, each one-liner's client is
    collected at whatever point it becomes unreachable: the call still succeeds."""
    task_id = threaded_fake.create_task()
    before = loop_threads()
    threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        for _ in range(20):
            # Not inside `assert`: pytest's rewriting would keep the temporaries alive.
            got = [
                BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url)
                .with_options(timeout=5)
                .tasks.get(task_id)
                .id,
                next(
                    iter(
                        BrowserUse(
                            api_key=threaded_fake.api_key, base_url=threaded_fake.base_url
                        ).tasks.list()
                    )
                ).id,
            ]
            assert got == [task_id, task_id]
    finally:
        gc.set_threshold(*threshold)
    gc.collect()
    assert loop_threads() == before
    assert len(threaded_fake.requests) == 40


@pytest.mark.filterwarnings("ignore:BrowserUse was never closed:ResourceWarning")
def test_a_client_collected_on_its_own_loop_thread_still_stops(
    threaded_fake: FakeBrowserUseCloud,
) -> None:
    """Cyclic garbage is collected on whichever thread allocates: here the loop's own."""
    task_id = threaded_fake.create_task()
    client = BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url)
    client.tasks.get(task_id)
    before = loop_threads()
    loop_thread = client._portal._loop_thread  # pyright: ignore[reportPrivateUsage]
    cycle: list[object] = [client]
    cycle.append(cycle)
    del client, cycle

    async def collect() -> int:
        return gc.collect()

    gc.disable()
    try:
        assert loop_thread.run(collect()) > 0
    finally:
        gc.enable()
    for _ in range(500):
        if len(loop_threads()) < len(before):
            break
        time.sleep(0.01)
    assert len(loop_threads()) == len(before) - 1


def test_close_while_threads_wait_for_the_pool(server_thread: ServerThread) -> None:
    """max_connections=1 and a slow server: the threads waiting for the connection, and the
    one using it, all get ClientClosedError when another thread closes the client."""
    started = threading.Event()

    async def slow(request: web.Request) -> web.Response:
        started.set()
        await asyncio.sleep(30)
        return web.Response()

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", slow)
    url = server_thread.serve(app, handler_cancellation=True)
    client = BrowserUse(api_key="bu_key", base_url=url, max_connections=1)
    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.tasks.get(TASK_ID)
        except BaseException as exc:
            errors.append(exc)

    callers = [threading.Thread(target=call) for _ in range(6)]
    for caller in callers:
        caller.start()
    assert started.wait(10)
    client.close()
    for caller in callers:
        caller.join(10)
    assert [type(e).__name__ for e in errors] == ["ClientClosedError"] * 6
