"""The batch benchmark (`python -m benchmarks.batch`), run small: it reports every figure, the
fake's peak stays within its limit, and a run that broke a rule fails loudly."""

import asyncio
import json
from pathlib import Path
from typing import Any

from benchmarks.batch import END, START, problems
from tests.conftest import child_process

SMALL = ("--tasks", "50", "--limit", "10", "--poll-interval", "0.2")
FAST = ("--steps", "1", "--start-delay", "0", "--step-interval", "0.05")


async def test_a_small_run_reports_every_figure_within_the_limit(tmp_path: Path) -> None:
    out = tmp_path / "batch.json"
    async with child_process("-m", "benchmarks.batch", *SMALL, *FAST, "--json", str(out)) as run:
        async with asyncio.timeout(60):
            printed, errors = await run.communicate()
        assert run.returncode == 0, errors.decode()
    report: dict[str, Any] = json.loads(out.read_text())
    assert (report["ok"], report["failed"], report["problems"]) == (50, 0, [])
    assert report["fake_limit"] == 10
    assert 0 < report["fake_peak_active_sessions"] <= 10
    assert report["left_active"] == 0
    creates = report["requests_by_route"]["POST /tasks"]
    assert creates == 50 + report["answered_429"]  # a refused create made nothing
    assert report["requests_per_task"] == report["requests"] / 50 >= 2  # created, then read
    for figure in ("wall_s", "client_cpu_s", "client_cpu_ms_per_task", "client_peak_rss_mib"):
        assert report[figure] > 0, figure
    section = printed.decode()
    assert section.startswith(START)
    assert section.rstrip().endswith(END)
    assert "| the fake's peak active sessions |" in section


def _report(**changes: Any) -> dict[str, Any]:
    report: dict[str, Any] = {
        "settings": {"tasks": 5},
        "fake_peak_active_sessions": 2,
        "fake_limit": 2,
        "left_active": 0,
        "ok": 5,
        "failed": 0,
    }
    return {**report, **changes}


def test_a_run_that_broke_a_rule_says_which() -> None:
    assert problems(_report()) == []
    assert problems(_report(fake_peak_active_sessions=3)) == [
        "the fake saw 3 sessions active at once, past its limit of 2"
    ]
    assert problems(_report(ok=4, failed=1)) == ["of 5 tasks, 4 ended well and 1 not"]
    assert problems(_report(ok=4)) == ["of 5 tasks, 4 ended well and 0 not"]
    assert problems(_report(left_active=1)) == ["1 sessions were left active"]
