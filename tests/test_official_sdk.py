"""The official `browser-use-sdk` (v2 client) against our fake: every method it exposes, sync
and async, against the fake run as a process and served from a thread.

The methods are enumerated from the clients themselves, so one added in a later release fails
here until the scenario calls it. The fake's clock runs 100 times real speed: a task takes
about 0.1 s, and the official `run`/`stream`, which poll every 2 s, are run side by side.
"""

import asyncio
import contextlib
import functools
import inspect
import json
import re
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import attrs
import pytest

from browser_use_async.testing import FakeBrowserUseCloud, FakeClock, TaskScenario
from browser_use_async.testing._spec import operations, validator
from tests.conftest import child_process

v2 = pytest.importorskip("browser_use_sdk.v2")

SPEED = 100.0
STOPPED = ("Stop me", "Stop me too", "And me", "The last one")
SLOW = 3600.0
"""The tasks the scenario stops start after an hour of fake time (36 s): under any load they
are still running when stopped (the default scenario's end after 45 ms raced the stop)."""
BOUND = 60.0  # seconds a whole flavor may take before the test fails as hung
EXTENSION = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
SCHEMA = json.dumps({"type": "object", "properties": {"title": {"type": "string"}}})


def exposed(client: Any, prefix: str = "") -> set[str]:
    """Every public method of the client and of its resources, as "resource.method": any
    public attribute of the SDK's own types is a resource, however it is defined (attribute,
    property, nested), and is walked too."""
    names: set[str] = set()
    for name in dir(client):
        if name.startswith("_"):
            continue
        value = getattr(client, name)
        if callable(value):
            names.add(prefix + name)
        elif type(value).__module__.startswith("browser_use_sdk"):
            names |= exposed(value, f"{prefix}{name}.")
    return names


class Caller:
    """Calls "resource.method" on an official client, awaiting it for the async one, and
    remembers what it called."""

    def __init__(self, client: Any, loop: asyncio.AbstractEventLoop | None) -> None:
        self.client, self.loop = client, loop
        self.called: set[str] = set()
        self.lock = threading.Lock()

    def method(self, dotted: str) -> Any:
        with self.lock:
            self.called.add(dotted)
        target = self.client
        for part in dotted.split("."):
            target = getattr(target, part)
        return target

    def __call__(self, dotted: str, *args: Any, **kwargs: Any) -> Any:
        result = self.method(dotted)(*args, **kwargs)
        if self.loop is not None and inspect.isawaitable(result):
            return self.loop.run_until_complete(asyncio.wait_for(result, 30))
        return result


def wait(seconds: float) -> None:
    """Let `seconds` of fake time pass."""
    time.sleep(seconds / SPEED)


def gone(call: Caller, dotted: str, *args: str) -> None:
    """What was deleted answers 404 now: the deleting call had its effect."""
    with pytest.raises(v2.BrowserUseError) as info:
        call(dotted, *args)
    assert info.value.status_code == 404, info.value


def scenario(call: Caller, *, output_files: bool) -> None:
    """Every v2 method but `run`, `stream` and `close`, with realistic arguments."""
    account = call("billing.account")
    assert account.concurrent_session_limit >= account.active_session_count >= 0
    assert account.api_key_id is not None

    profile = call("profiles.create", name="Shopping", user_id="user-1")
    other = call("profiles.create_profile", name="Work")
    assert call("profiles.list", page_size=5, page_number=1, query="Shop").total_items >= 1
    assert call("profiles.list_profiles").total_items >= 2
    assert call("profiles.get", str(profile.id)).name == "Shopping"
    assert call("profiles.get_profile", str(other.id)).id == other.id
    assert call("profiles.update", str(profile.id), name="Home").name == "Home"
    assert call("profiles.update_profile", str(other.id), user_id="user-2").user_id == "user-2"

    proxy = v2.CustomProxy(host="proxy.example.com", port=8080, username="u", password="p")
    session = call(
        "sessions.create",
        profile_id=str(profile.id),
        proxy_country_code="de",
        start_url="https://example.com",
        browser_screen_width=1280,
        browser_screen_height=800,
        persist_memory=True,
        keep_alive=True,
        custom_proxy=proxy,
    )
    spare = call("sessions.create_session", keep_alive=True, proxy_country_code=None)
    sid = str(session.id)
    assert call("sessions.list", page_size=10, page_number=1, filter_by="active").total_items >= 2
    assert call("sessions.list_sessions").items
    assert call("sessions.get", sid).keep_alive is True
    assert call("sessions.get_session", sid).id == session.id
    share = call("sessions.create_share", sid)
    assert call("sessions.get_share", sid).share_token == share.share_token
    call("sessions.delete_share", sid)
    gone(call, "sessions.get_share", sid)
    assert call("sessions.create_session_public_share", sid).share_token != share.share_token
    call("sessions.delete_session_public_share", sid)
    gone(call, "sessions.get_share", sid)
    upload = call(
        "files.session_url", sid, file_name="notes.txt", content_type="text/plain", size_bytes=5
    )
    assert upload.method == "POST"

    created = call(
        "tasks.create",
        "Find the top post on example.com",
        session_id=sid,
        llm="gpt-4.1",
        start_url="https://example.com",
        max_steps=20,
        structured_output=SCHEMA,
        metadata={"run": "1"},
        secrets={"user": "pw"},
        allowed_domains=["example.com"],
        highlight_elements=True,
        flash_mode=False,
        thinking=True,
        thinking_level="medium",
        vision="auto",
        system_prompt_extension="Be brief.",
        judge=True,
        judge_ground_truth="A title",
        judge_llm="claude-opus-5",
        skill_ids=["*"],
    )
    tid = str(created.id)
    settings = v2.SessionSettings(
        profile_id=str(profile.id),
        proxy_country_code="ci",
        browser_screen_width=1024,
        browser_screen_height=768,
        enable_recording=True,
    )
    other_task = call("tasks.create_task", "Read the news", session_settings=settings)
    listed = call(
        "tasks.list",
        page_size=10,
        page_number=1,
        session_id=sid,
        after="2000-01-01T00:00:00Z",
        before="2100-01-01T00:00:00Z",
    )
    assert [item.id for item in listed.items] == [created.id]
    assert call("tasks.list_tasks", filter_by="created").total_items >= 0
    assert call("tasks.get", tid).metadata == {"run": "1"}
    assert call("tasks.get_task", str(other_task.id)).id == other_task.id
    assert call("tasks.status", tid).id == created.id
    done = call("tasks.wait", tid, timeout=20, interval=0.02)
    assert done.status.value == "finished"
    assert done.judge_verdict is True
    assert call("tasks.logs", tid).download_url.startswith("http")
    assert call("tasks.get_task_logs", tid).download_url
    if output_files:
        [file] = done.output_files
        assert call("files.task_output", tid, str(file.id)).file_name == file.file_name
    else:  # an HTTP-only fake has no way yet to give a task output files: the 404 path
        with pytest.raises(v2.BrowserUseError, match="Output file not found"):
            call("files.task_output", tid, str(uuid.uuid4()))
    third = call("tasks.create", STOPPED[0], session_id=str(spare.id))
    assert call("tasks.stop", str(third.id)).status.value == "stopped"
    fourth = call("tasks.create", STOPPED[1], session_id=str(spare.id))
    assert call("tasks.update", str(fourth.id), action="stop").status.value == "stopped"
    fifth = call("tasks.create", STOPPED[2], session_id=str(spare.id))
    assert call("tasks.update_task", str(fifth.id), action="stop").status.value == "stopped"
    last = call("tasks.create", STOPPED[3], session_id=str(spare.id))
    assert call("tasks.stop_task_and_session", str(last.id)).status.value == "stopped"
    assert call("sessions.get", str(spare.id)).status.value == "stopped"

    browser = call(
        "browsers.create",
        profile_id=str(profile.id),
        proxy_country_code="ci",
        metadata={"team": "qa"},
        timeout=30,
        browser_screen_width=1280,
        browser_screen_height=800,
        allow_resizing=False,
        pdf_renderer_enabled=False,
        solve_captchas=True,
        custom_proxy=proxy,
        enable_recording=True,
        extension_ids=[EXTENSION],
    )
    bid = str(browser.id)
    assert browser.metadata == {"team": "qa"}
    assert [str(e.id) for e in browser.extensions] == [EXTENSION]
    assert call("browsers.list", page_size=5, page_number=1, filter_by="active").items
    assert call("browsers.list", agent_session_id=sid).items == []  # the fake's are standalone
    view = call("browsers.get", bid)
    assert view.recording_available is True
    file_url = call(
        "files.browser_url", bid, file_name="a.png", content_type="image/png", size_bytes=3
    )
    assert file_url.fields
    assert call("browsers.downloads", bid, limit=10, include_urls=True).files == []
    assert call("browsers.update", bid, action="stop").status.value == "stopped"
    assert call("browsers.stop", bid).status.value == "stopped"
    assert call("browsers.get", bid).recording_url is not None

    cancelled = call("skills.create", goal="Never mind", agent_prompt="Do nothing at all.")
    assert call("skills.cancel", str(cancelled.id)).status.value == "cancelled"
    skill = call(
        "skills.create",
        goal="Get the forecast",
        agent_prompt="Open the weather page.",
        title="Weather",
        description="Forecasts",
    )
    wait(31)  # generating a skill takes 30 s
    kid = str(skill.id)
    assert call("skills.get", kid).status.value == "finished"
    assert call(
        "skills.list",
        page_size=5,
        page_number=1,
        is_public=False,
        is_enabled=True,
        query="Weather",
        from_date="2000-01-01T00:00:00Z",
        to_date="2100-01-01T00:00:00Z",
    ).items
    assert call("skills.list_skills").total_items >= 2
    updated = call(
        "skills.update",
        kid,
        title="Weather now",
        description="Today",
        categories=["search"],
        domains=["example.com"],
        is_enabled=True,
    )
    assert updated.title == "Weather now"
    ran = call("skills.execute", kid, parameters={"query": "Zurich"}, session_id=sid)
    assert ran.success is True
    assert call("skills.execute_skill", kid, parameters={"query": "Lisbon"}).success is True
    runs = call("skills.executions", kid, page_size=5, page_number=1)
    assert runs.total_items == 2
    assert call("skills.execution_output", kid, str(runs.items[0].id)).download_url
    refined = call(
        "skills.refine", kid, feedback="Also list the wind.", test_output="{}", test_logs="ok"
    )
    assert refined.id == skill.id
    wait(31)
    assert call("skills.rollback", kid).current_version == 1

    market = call(
        "marketplace.list",
        page_size=5,
        page_number=1,
        category="travel",
        query="",
        from_date="2000-01-01T00:00:00Z",
        to_date="2100-01-01T00:00:00Z",
    )
    everything = call("marketplace.list").items
    entry = (market.items or everything)[0]
    assert call("marketplace.get", entry.slug).id == entry.id
    assert call("marketplace.clone", str(entry.id)).cloned_from_skill_id == entry.id
    assert call(
        "marketplace.execute", str(entry.id), parameters={"query": "Lisbon"}, session_id=sid
    ).success

    call("skills.delete", str(cancelled.id))
    gone(call, "skills.get", str(cancelled.id))
    call("sessions.delete", sid)
    gone(call, "sessions.get", sid)
    call("sessions.delete_session", str(call("sessions.create").id))
    call("sessions.purge", str(spare.id))
    call("sessions.update", str(call("sessions.create").id), action="stop")
    assert call("sessions.stop", str(call("sessions.create").id)).status.value == "stopped"
    call("sessions.update_session", str(call("sessions.create_session").id), action="stop")
    call("profiles.delete", str(profile.id))
    call("profiles.delete_browser_profile", str(other.id))
    gone(call, "profiles.get", str(profile.id))
    gone(call, "profiles.get", str(other.id))


def sync_flavor(base_url: str, api_key: str, output_files: bool) -> None:
    client = v2.BrowserUse(api_key=api_key, base_url=base_url, timeout=10, max_retries=0)
    call = Caller(client, None)
    scenario(call, output_files=output_files)
    runner = _thread(lambda: call("run", "Run it", llm="gpt-4.1", thinking_level="low"))
    steps = list(call("stream", "Stream it", metadata={"k": "v"}))
    result = runner.result(BOUND)
    assert result.status.value == "finished"
    assert result.output.startswith("Done")
    assert len(steps) == 3
    call("close")
    assert call.called == exposed(client), exposed(client) ^ call.called


async def _async_runs(call: Caller) -> None:
    awaited: Awaitable[Any] = call.method("run")("Run it", session_id=None, flash_mode=True)
    streamed: Any = call.method("run")("Stream it", metadata={"k": "v"})

    async def steps() -> list[Any]:
        return [step async for step in streamed]

    result: Any
    seen: list[Any]
    result, seen = await asyncio.wait_for(asyncio.gather(awaited, steps()), BOUND)
    assert result.status.value == "finished"
    assert [step.number for step in seen] == [1, 2, 3]
    assert streamed.result is not None


def async_flavor(base_url: str, api_key: str, output_files: bool) -> None:
    loop = asyncio.new_event_loop()
    try:
        client = v2.AsyncBrowserUse(api_key=api_key, base_url=base_url, timeout=10, max_retries=0)
        call = Caller(client, loop)
        scenario(call, output_files=output_files)
        loop.run_until_complete(_async_runs(call))
        call("close")
        assert call.called == exposed(client), exposed(client) ^ call.called
    finally:
        loop.close()


def _thread(job: Callable[[], Any]) -> "Future[Any]":
    """`job` on a daemon thread (a hung one cannot keep pytest from exiting)."""
    future: Future[Any] = Future()

    def work() -> None:
        try:
            future.set_result(job())
        except BaseException as error:  # handed to the test
            future.set_exception(error)

    threading.Thread(target=work, daemon=True).start()
    return future


FLAVORS = (sync_flavor, async_flavor)


def both_flavors(base_urls: list[str], api_key: str, *, output_files: bool) -> None:
    """The sync and the async client side by side (each on a fake of its own: a fake allows
    one skill generation at a time), each bounded."""
    jobs = [
        _thread(functools.partial(flavor, url, api_key, output_files))
        for flavor, url in zip(FLAVORS, base_urls, strict=True)
    ]
    for job in jobs:
        job.result(BOUND)


def test_the_scenario_calls_every_method_of_both_clients() -> None:
    """What `exposed` finds is the official 3.12.1 surface (a sanity check of the finder)."""
    sync = exposed(v2.BrowserUse(api_key="k", base_url="http://127.0.0.1:9"))
    asynchronous = exposed(v2.AsyncBrowserUse(api_key="k", base_url="http://127.0.0.1:9"))
    assert {"run", "stream", "close", "tasks.wait", "browsers.create", "billing.account"} <= sync
    assert asynchronous == sync - {"stream"}
    assert len(sync) >= 70


class _Logs:
    __module__ = "browser_use_sdk.v9._later"  # as if a later release defined it elsewhere

    def tail(self) -> None: ...


class _Tasks:
    __module__ = _Logs.__module__

    def __init__(self) -> None:
        self.logs = _Logs()

    def get(self) -> None: ...


class _Client:
    version = "9"

    @property
    def tasks(self) -> _Tasks:
        return _Tasks()

    def close(self) -> None: ...


def test_the_finder_sees_resources_however_they_are_defined() -> None:
    """A resource from another module, behind a property or inside another still counts."""
    assert exposed(_Client()) == {"close", "tasks.get", "tasks.logs.tail"}


def test_against_the_fake_in_a_thread() -> None:
    with contextlib.ExitStack() as stack:
        fakes = [
            stack.enter_context(FakeBrowserUseCloud(clock=FakeClock(speed=SPEED))) for _ in FLAVORS
        ]
        for fake in fakes:
            files = {"report.csv": b"title\nHello\n"}
            fake.default_scenario = attrs.evolve(fake.default_scenario, output_files=files)
            # `run` and `stream` poll every 2 s: here their tasks are done at once.
            instant = TaskScenario(start_delay=0, step_interval=0)
            fake.scenarios.update({"Run it": instant, "Stream it": instant})
            fake.scenarios.update(dict.fromkeys(STOPPED, TaskScenario(start_delay=SLOW)))
        both_flavors([fake.base_url for fake in fakes], fakes[0].api_key, output_files=True)
        for fake in fakes:
            assert len(fake.requests) >= 80
            assert outside_the_spec(fake) == []


def outside_the_spec(fake: FakeBrowserUseCloud) -> list[str]:
    """Query parameters and body fields the official clients sent that the spec lacks (the
    fake, like FastAPI, ignores them)."""
    found: list[str] = []
    for request in fake.requests:
        matches = [
            (method, path, operation)
            for (method, path), operation in operations().items()
            if method == request.method
            and re.fullmatch("/api/v2" + re.sub(r"\{[a-z_]+\}", "[^/]+", path), request.path)
        ]
        if not matches:
            continue  # the fake's own upload and download hosts
        method, path, operation = matches[0]
        known = {p.name for p in operation.parameters}
        found += [f"{method} {path} ?{name}" for name in request.query if name not in known]
        if operation.body is not None and request.body:
            fields = validator().resolve(operation.body)["properties"]
            found += [f"{method} {path} {key}" for key in request.json() if key not in fields]
    return found


async def test_against_the_fake_run_as_a_process(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"scenarios": {prompt: {"startDelay": SLOW} for prompt in STOPPED}}))
    args: tuple[str, ...] = ("-m", "browser_use_async.testing", "--port", "0")
    args += ("--speed", str(SPEED), "--seed", str(seed))
    async with (
        asyncio.timeout(BOUND + 30),
        child_process(*args, "--api-key", "bu_official") as first,
        child_process(*args, "--api-key", "bu_official") as second,
    ):
        urls: list[str] = []
        for child in (first, second):
            assert child.stdout is not None
            banner = (await child.stdout.readline()).decode()
            urls.append(banner.rsplit(" ", 1)[-1].strip())
        assert all(url.startswith("http://127.0.0.1:") for url in urls), urls
        job = _thread(lambda: both_flavors(urls, "bu_official", output_files=False))
        await asyncio.wrap_future(job)


def test_a_field_outside_the_spec_is_reported() -> None:
    """`outside_the_spec` finds what it looks for (the check above could pass vacuously)."""
    with FakeBrowserUseCloud() as fake:
        client = v2.BrowserUse(api_key=fake.api_key, base_url=fake.base_url, timeout=10)
        client.tasks.create("Find it", made_up_field=1)
        client.tasks.list(page_size=1)
        client.close()
        assert outside_the_spec(fake) == ["POST /tasks made_up_field"]
