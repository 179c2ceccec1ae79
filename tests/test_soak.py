"""A small soak in every test run; `make soak` runs the large one."""

from tests.soak import cancel_sweep, soak


async def test_soak_loses_nothing_and_leaves_nothing_behind() -> None:
    report = await soak(calls=1500, concurrency=32, sync_calls=400)
    assert report.unexpected == []
    assert report.calls == report.succeeded + report.failed_after_retries
    assert report.faults_injected > 20
    assert report.retries > 0
    assert report.succeeded > 0.9 * report.calls
    assert report.outcomes["sync stop ok"] > 0
    assert report.creates > 0
    assert report.duplicate_creates == 0
    assert report.open_connections_after == 0
    assert report.leaked_fds == 0
    assert report.leaked_threads == 0
    assert report.leaked_tasks == 0
    assert report.rss_after_kib - report.rss_after_warmup_kib < 4 * 1024


async def test_cancelled_runs_leave_no_task_running() -> None:
    """Cancellation at every loop iteration of the create window, `asyncio.timeout` and
    SIGINT to a sync client, against creates that commit before they answer."""
    report = await cancel_sweep(iterations=200, timeouts=30, sigints=4)
    assert report.unexpected == []
    assert report.points["iterations"] > 20
    assert report.points["SIGINT"] == 4
    assert report.creates > 40
    assert report.orphans == []
    assert report.duplicates == 0
    assert report.slowest_exit < 10
