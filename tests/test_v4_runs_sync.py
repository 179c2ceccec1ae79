"""The blocking v4 client's runs: the same operations, `stream` as a plain iterator, and Ctrl-C
during `run` cancelling the run before KeyboardInterrupt reaches the caller."""

import threading
import time
from collections.abc import Iterator

import pytest

from browser_use_async.testing import FakeBrowserUseCloud, RunScenario
from browser_use_async.v4 import BrowserUse
from browser_use_async.v4.models.runs import RunCreateResponse, RunStatus, RunSummary
from tests.conftest import RecordingClock, ctrl_c_once, link

QUICK = RunScenario(steps=3, queue_delay=0.25, dispatch_delay=0.25, step_interval=1.0)


def linked_client(fake: FakeBrowserUseCloud) -> BrowserUse:
    """A blocking v4 client whose waits move `fake`'s clock by as much."""
    clock = link(fake, RecordingClock())
    return BrowserUse(api_key=fake.api_key, base_url=fake.v4_base_url, clock=clock)


def test_blocking_runs(threaded_fake: FakeBrowserUseCloud) -> None:
    threaded_fake.default_run_scenario = QUICK
    with linked_client(threaded_fake) as client:
        created = client.runs.create("Find", max_cost_usd=2)
        assert isinstance(created, RunCreateResponse)
        assert client.runs.status(created.id).status is RunStatus.QUEUED
        url = client.runs.live_url(created.id)
        assert url.startswith("https://")
        done = client.runs.wait(created.id)
        assert isinstance(done, RunSummary)
        assert done.status is RunStatus.COMPLETED
        events = client.runs.stream(created.id, after=2)
        assert isinstance(events, Iterator)
        ids = [event.id for event in events]
        assert ids == list(range(3, len(threaded_fake.run_events(created.id)) + 1))
        run = client.runs.run("Again")
        assert (run.status, run.result) == (RunStatus.COMPLETED, "Done: Again")
        assert [r.id for r in client.runs.list(limit=1)] == [run.id, created.id]
        assert client.runs.cancel(run.id).status is RunStatus.COMPLETED  # ended: left as it is
        assert client.runs.with_raw_response.get(run.id).status_code == 200


@pytest.mark.usefixtures("sigint_raises_keyboard_interrupt")
def test_ctrl_c_during_run_cancels_the_run(threaded_fake: FakeBrowserUseCloud) -> None:
    polled = threading.Event()

    def watch() -> None:  # the run exists once the create was answered and polled
        for _ in range(1000):
            if any(r.path.endswith("/status") for r in threaded_fake.requests):
                polled.set()
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    presser = ctrl_c_once(polled)
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.v4_base_url) as client:
        with pytest.raises(KeyboardInterrupt):
            client.runs.run("Never ends", poll_interval=0.05)
        assert presser.join()  # the first Ctrl-C was enough
        watcher.join(10)
        [run_id] = threaded_fake.runs
        assert threaded_fake.runs[run_id]["status"] == "cancelled"
        cancels = [r for r in threaded_fake.requests if r.path.endswith("/cancel")]
        assert len(cancels) == 1
        posts = [r for r in threaded_fake.requests if r.path == "/api/v4/runs"]
        assert len(posts) == 1
        assert client.runs.get(run_id).status is RunStatus.CANCELLED  # still usable
