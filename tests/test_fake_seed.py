"""`python -m browser_use_async.testing --seed FILE`: every resource seeded, read back over
HTTP with our client; bad seeds are refused with exit code 2 and the bad place named."""

import asyncio
import copy
import datetime as dt
import io
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from browser_use_async import AsyncBrowserUse, RetryPolicy, TooManyConcurrentActiveSessionsError
from browser_use_async.testing import FakeBrowserUseCloud, SeedError
from browser_use_async.testing._seed import read_seed
from tests.conftest import child_process

SAMPLE = Path(__file__).parent.parent / "examples" / "seed.json"
SEED: dict[str, Any] = json.loads(SAMPLE.read_text())
TASK, SESSION = SEED["tasks"][0], SEED["sessions"][0]
BROWSER, SKILL = SEED["browsers"][0], SEED["skills"][0]


@pytest.fixture
async def served() -> AsyncIterator[AsyncBrowserUse]:
    """The sample seed, served by the fake as a process (its clock 20 times as fast)."""
    args = ("-m", "browser_use_async.testing", "--port", "0", "--speed", "20")
    async with child_process(*args, "--seed", str(SAMPLE)) as process:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            banner = (await process.stdout.readline()).decode()
        assert banner.startswith("Fake Browser Use Cloud on http://127.0.0.1:"), banner
        async with AsyncBrowserUse(api_key="bu_fake_key", base_url=banner.split()[-1]) as client:
            yield client
        process.terminate()
        async with asyncio.timeout(20):
            assert await process.wait() == 0


@attrs.frozen
class Row:
    id: int
    total: float


async def _download(client: AsyncBrowserUse, url: str) -> bytes:
    import aiohttp  # noqa: PLC0415 (the tests' own raw reads of download links)

    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return await answer.read()


async def test_every_read_returns_what_was_seeded(served: AsyncBrowserUse) -> None:
    client = served
    async with asyncio.timeout(30):
        account = await client.billing.account()
        assert account.name == "Acme QA"
        assert float(account.total_credits_balance_usd) == 42.5
        parts = account.monthly_credits_balance_usd + account.additional_credits_balance_usd
        assert parts == account.total_credits_balance_usd  # the seed's balances add up
        assert account.plan_info.plan_name == "Pro"

        profile = await client.profiles.get(SEED["profiles"][0]["id"])
        assert (profile.name, profile.user_id, profile.cookie_domains) == (
            "Work",
            "user-1",
            ["example.com"],
        )
        assert [p.id for p in (await client.profiles.list()).items] == [profile.id]

        session = await client.sessions.get(SESSION["id"])
        assert (session.status, session.keep_alive) == ("active", True)
        assert session.public_share_url == "https://share.example.com/tok-1"
        assert [str(t.id) for t in session.tasks] == [TASK["id"]]
        share = await client.sessions.get_share(SESSION["id"])
        assert (share.share_token, share.view_count) == ("tok-1", 3)
        listed_sessions = (await client.sessions.list()).items
        assert len(listed_sessions) == 2  # the second task's own session, stopped

        task = await client.tasks.get(TASK["id"])
        assert (task.status, task.output, task.metadata) == (
            "finished",
            "CHF 89 on 3 March",
            {"ticket": "QA-7"},
        )
        assert str(task.cost) == "0.03"
        assert [s.next_goal for s in task.steps] == [s["nextGoal"] for s in TASK["steps"]]
        assert [s.number for s in task.steps] == [1, 2]
        assert task.steps[1].url == "https://flights.example.com/zrh-lis"
        status = await client.tasks.status(TASK["id"])
        assert (status.status, status.is_success) == ("finished", True)
        logs = await client.tasks.logs(TASK["id"])
        assert TASK["task"].encode() in await _download(client, logs.download_url)
        failed = [t for t in (await client.tasks.list()).items if t.status == "failed"]
        assert [(t.task, t.output) for t in failed] == [
            ("Book a table for two", "No table was free.")
        ]

        file = TASK["outputFiles"][0]
        output = await client.files.task_output(TASK["id"], file["id"])
        assert output.file_name == "prices.csv"
        sink = io.BytesIO()
        await client.files.download_output(TASK["id"], file["id"], sink)
        assert sink.getvalue() == file["content"].encode()

        browser = await client.browsers.get(BROWSER["id"])
        assert (browser.status, browser.timeout_at.year) == ("active", 2099)
        assert [b.id for b in (await client.browsers.list()).items] == [browser.id]
        page = await client.browsers.downloads(BROWSER["id"], include_urls=True)
        assert [(f.path, f.size) for f in page.files] == [
            ("downloads/invoice.pdf", 9),
            ("downloads/notes.txt", 5),
        ]
        assert page.files[0].url is not None
        assert await _download(client, page.files[0].url) == b"%PDF-1.4\n"
        walked = [f.path async for f in client.browsers.downloads(BROWSER["id"], limit=1)]
        assert walked == ["downloads/invoice.pdf", "downloads/notes.txt"]

        skill = await client.skills.get(SKILL["id"])
        assert (skill.title, skill.status, skill.categories) == (
            "Flight prices",
            "finished",
            ["travel"],
        )
        assert [s.id for s in (await client.skills.list()).items] == [skill.id]
        run = SKILL["executions"][0]
        executions = (await client.skills.executions(SKILL["id"])).items
        assert [(str(e.id), e.has_output) for e in executions] == [(run["id"], True)]
        result = await client.skills.execution_output(SKILL["id"], run["id"])
        assert json.loads(await _download(client, result.download_url)) == run["output"]

        market = (await client.marketplace.list()).items
        assert [m.slug for m in market] == ["job-listings"]
        assert (await client.marketplace.get("job-listings")).title == "Job listings"

        # scenarios: by prompt, and the default one (the clock runs 20 times as fast)
        created = await client.tasks.create("Export the report")
        done = await client.tasks.wait(created.id, poll_interval=0.1)
        assert [f.file_name for f in done.output_files] == ["report.csv"]
        sink = io.BytesIO()
        await client.files.download_output(created.id, done.output_files[0].id, sink)
        assert sink.getvalue() == b"id,total\n1,42\n"
        broken = await client.tasks.wait((await client.tasks.create("Break the site")).id)
        assert (broken.status, broken.output) == ("failed", "The site is down.")
        assert done.output == "Exported 1 row."
        other = await client.tasks.wait((await client.tasks.create("Anything")).id)
        assert (other.output, len(other.steps)) == ("Done: Anything", 2)
        # the default scenario gives no output, so README's output types work on this seed
        rows = await client.tasks.run("Two rows", output_type=list[Row], poll_interval=0.1)
        assert all(isinstance(row, Row) for row in rows)


def _with(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """The sample seed with the value at `path` replaced (`...`: the key removed)."""
    seed = copy.deepcopy(SEED)
    target: Any = seed
    for part in path[:-1]:
        target = target[part]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return seed


BAD: list[tuple[tuple[str | int, ...], object, str]] = [
    (("tasks", 0, "status"), "runing", "tasks[0].status: Input should be"),
    (("tasks", 0, "task"), ..., "tasks[0].task: Field required"),
    (("tasks", 0, "colour"), "red", "tasks[0].colour: unknown field"),
    (("tasks", 0, "sessionId"), "5f0c2f7e-1c1b-4a36-8a53-000000000000", "tasks[0].sessionId: no"),
    (("tasks", 0, "id"), "not-a-uuid", "tasks[0].id: Input should be a valid UUID"),
    (("tasks", 0, "steps", 1, "number"), "two", "tasks[0].steps[1].number: Input should be"),
    (("tasks", 0, "outputFiles", 0, "content"), 7, "tasks[0].outputFiles[0].content"),
    (("tasks", 0, "outputFiles", 0, "content"), {"base64": "***"}, "not valid base64"),
    (("tasks", 0, "cost"), "a lot", "tasks[0].cost: String should match pattern"),
    (("tasks", 1), "a task", "tasks[1]: should be an object"),
    (("tasks",), {}, "tasks: should be a list"),
    (("sessions", 0, "status"), "sleeping", "sessions[0].status: Input should be"),
    (("sessions", 0, "publicShare", "viewCount"), -1.5, "sessions[0].publicShare.viewCount"),
    (("profiles", 0, "cookieDomains"), "example.com", "profiles[0].cookieDomains"),
    (("profiles", 0, "id"), SEED["sessions"][0]["id"], "used twice"),
    (("browsers", 0, "timeoutAt"), "tomorrow", "browsers[0].timeoutAt: Input should be"),
    (("browsers", 0, "downloads", 1, "content"), ..., "browsers[0].downloads[1]: a download"),
    (("browsers", 0, "downloads", 0, "size"), "big", "browsers[0].downloads[0].size"),
    (("skills", 0, "categories", 0), "cooking", "skills[0].categories[0]: Input should be"),
    (("skills", 0, "executions", 0, "skillId"), TASK["id"], "executions[0].skillId"),
    (("skills", 0, "executions", 0, "success"), "yes", "executions[0].success"),
    (("marketplace", 0, "cloneCount"), "many", "marketplace[0].cloneCount"),
    (("account", "rateLimit"), "fast", "account.rateLimit: Input should be a valid integer"),
    (("account", "planInfo", "planName"), None, "account.planInfo.planName"),
    (("settings", "maxActiveSessions"), -1, "settings.maxActiveSessions"),
    (("settings", "speed"), 3, "settings.speed: Extra inputs are not permitted"),
    (("defaultScenario", "steps"), "three", "defaultScenario.steps"),
    (("scenarios", "Break the site", "fial"), True, "scenarios.Break the site.fial"),
    (("scenarios",), [], "scenarios: should be an object"),
    (("users",), [], "users: unknown part of a seed"),
]


@pytest.mark.parametrize(("path", "value", "expected"), BAD)
def test_a_bad_seed_names_the_bad_place_and_changes_nothing(
    path: tuple[str | int, ...], value: object, expected: str
) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    before = (dict(fake.tasks), dict(fake.marketplace), dict(fake.account))
    with pytest.raises(SeedError) as caught:
        fake.seed(_with(path, value), source="seed.json")
    assert expected in str(caught.value)
    assert "seed.json: " in str(caught.value)
    assert (fake.tasks, fake.marketplace, fake.account) == before
    assert (fake.sessions, fake.profiles, fake.browsers, fake.skills) == ({}, {}, {}, {})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"tasks": [', "seed.json: not JSON (line 1, column 12)"),
        ("[]", "seed.json: a seed is a JSON object (got list)"),
        ('{"tasks": [{"status": 1}]}', "seed.json: tasks[0].status: Input should be"),
        (
            '{"account": {"totalCreditsBalanceUsd": NaN}}',
            "seed.json: account.totalCreditsBalanceUsd: not a finite number",
        ),
        (
            '{"defaultScenario": {"startDelay": 1e400}, "tasks": [{"metadata": {"a": -Infinity}}]}',
            "seed.json: tasks[0].metadata.a: not a finite number",
        ),
    ],
)
async def test_the_process_refuses_a_bad_seed_with_exit_code_2(
    tmp_path: Path, content: str, expected: str
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(content)
    async with child_process("-m", "browser_use_async.testing", "--seed", str(seed)) as process:
        async with asyncio.timeout(20):
            out, err = await process.communicate()
    assert process.returncode == 2
    assert expected in err.decode().replace(str(tmp_path) + "/", "")
    assert "Traceback" not in err.decode()
    assert out == b""


async def test_a_missing_seed_file_is_exit_code_2(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    async with child_process("-m", "browser_use_async.testing", "--seed", missing) as process:
        async with asyncio.timeout(20):
            _, err = await process.communicate()
    assert process.returncode == 2
    assert f"{missing}: cannot read the seed file" in err.decode()
    assert "Traceback" not in err.decode()


def test_python_objects_in_a_seed_are_named_not_crashed_on() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    moment = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    with pytest.raises(SeedError, match=r"tasks\[0\]\.createdAt: Input should be a valid string"):
        fake.seed({"tasks": [{"task": "x", "createdAt": moment}], "profiles": [object()]})
    assert fake.tasks == {}


def test_the_sample_seed_in_process() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    fake.seed(SEED)
    assert len(fake.tasks) == 2
    assert len(fake.sessions) == 2
    assert sys.getrefcount(fake) > 0


async def test_a_seeded_session_limit_is_the_fakes_limit() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    fake.seed({"account": {"concurrentSessionLimit": 1}})
    async with (
        asyncio.timeout(10),
        fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client,
    ):
        account = await client.billing.account()
        assert (account.concurrent_session_limit, account.active_session_count) == (1, 0)
        await client.sessions.create()
        with pytest.raises(TooManyConcurrentActiveSessionsError):
            await client.with_options(retry=RetryPolicy(max_retries=0)).sessions.create()
        assert (await client.billing.account()).active_session_count == 1


def test_the_active_session_count_cannot_be_seeded() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    with pytest.raises(SeedError, match=r"account\.activeSessionCount: counted from"):
        fake.seed({"account": {"activeSessionCount": 3, "name": "x"}})
    assert fake.account["name"] != "x"


def test_an_id_seeded_twice_in_other_spellings_is_refused() -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    lower = SESSION["id"]
    for other in (lower.upper(), lower.replace("-", ""), "{" + lower + "}"):
        with pytest.raises(SeedError, match=r"sessions\[1\]\.id: the id .* is used twice"):
            fake.seed({"sessions": [{"id": lower}, {"id": other}]})
    assert fake.sessions == {}


async def test_seeded_date_times_are_written_in_utc_with_an_offset() -> None:
    import aiohttp  # noqa: PLC0415 (bytes on the wire)

    fake = FakeBrowserUseCloud(manual_time=True)
    fake.seed(
        {
            "tasks": [
                {
                    "id": TASK["id"],
                    "task": "x",
                    "status": "finished",
                    "createdAt": "2026-01-01T00:00:00",
                    "finishedAt": "2026-01-01T00:00:05+05:00",
                }
            ],
            "browsers": [{"id": BROWSER["id"], "timeoutAt": "2099-01-01T00:00:00.5"}],
        }
    )
    headers = {"X-Browser-Use-API-Key": fake.api_key}
    async with (
        asyncio.timeout(10),
        fake,
        aiohttp.ClientSession(headers=headers) as session,
    ):
        async with session.get(f"{fake.base_url}/tasks/{TASK['id']}") as answer:
            task = await answer.json()
        async with session.get(f"{fake.base_url}/browsers/{BROWSER['id']}") as answer:
            browser = await answer.json()
    assert task["createdAt"] == "2026-01-01T00:00:00.000000Z"
    assert task["finishedAt"] == "2025-12-31T19:00:05.000000Z"
    assert browser["timeoutAt"] == "2099-01-01T00:00:00.500000Z"


def test_a_seed_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_bytes(b"\xef\xbb\xbf" + json.dumps({"account": {"name": "BOM"}}).encode())
    fake = FakeBrowserUseCloud(manual_time=True)
    fake.seed(read_seed(seed))
    assert fake.account["name"] == "BOM"


async def test_a_seeded_browser_records_only_when_told_as_a_created_one() -> None:
    # A field left out gets what a new row would: a browser created without enableRecording
    # has no recording, so a seeded one that does not say `recordingAvailable` has none either
    # (it got the spec's default, true, and handed out a recordingUrl once stopped).
    fake = FakeBrowserUseCloud(manual_time=True)
    plain, recorded = "7c6b5a49-2e3d-4f50-9a1b-0c2d3e4f5a05", "8d7c6b5a-3f4e-4a61-8b2c-1d3e4f5a6b07"
    fake.seed({"browsers": [{"id": plain}, {"id": recorded, "recordingAvailable": True}]})
    async with (
        asyncio.timeout(10),
        fake,
        AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client,
    ):
        created = await client.browsers.create()
        for browser_id, records in ((created.id, False), (plain, False), (recorded, True)):
            await client.browsers.stop(browser_id)
            browser = await client.browsers.get(browser_id)
            assert browser.recording_available is records, browser_id
            assert (browser.recording_url is not None) is records, browser_id
