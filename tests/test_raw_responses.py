"""`with_raw_response` on every resource, async and sync: one raw twin per operation that
sends one request, the answer's status, headers and timing, `parse()`, errors, retries,
cancellation and secrets, against the fake cloud and a canned server on 127.0.0.1."""

import asyncio
import datetime as dt
import inspect
import json
import pickle
import re
import threading
import typing
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from browser_use_async import (
    APIResponseValidationError,
    AsyncBrowserUse,
    AsyncPager,
    BrowserUse,
    BrowserUseError,
    InternalServerError,
    NotFoundError,
    RawResponse,
    RetryPolicy,
    TaskView,
)
from browser_use_async._exceptions import Headers
from browser_use_async._raw import RawView
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer, RecordingClock, error_texts
from tests.samples import TASK_ID, task_bytes

PREFIX = "/api/v2"
SECRET = "hdr-secret-swordfish-0123456789"
# The operations that send more than one request (or also talk to a storage host); every
# other public method of a resource must have a raw twin, and these must not.
COMPOSITE = {"tasks.run", "tasks.run_many", "tasks.wait", "files.upload", "files.download_output"}
TASK = task_bytes()


def _success_codes() -> list[tuple[str, re.Pattern[str], int]]:
    """(method, path pattern, documented 2xx status) for every operation of the spec."""
    path = FakeBrowserUseCloud.__module__.replace(".", "/").rsplit("/", 1)[0]
    with open(f"{path}/openapi-v2.json", encoding="utf-8") as file:
        spec = json.load(file)
    routes: list[tuple[str, re.Pattern[str], int]] = []
    for template, operations in spec["paths"].items():
        pattern = re.compile(re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for method, operation in operations.items():
            (code,) = [int(c) for c in operation["responses"] if c.startswith("2")]
            routes.append((method.upper(), pattern, code))
    return routes


SUCCESS_CODES = _success_codes()


def documented_status(method: str, path: str) -> int:
    path = path.removeprefix(PREFIX)
    (code,) = [c for m, p, c in SUCCESS_CODES if m == method and p.fullmatch(path)]
    return code


def resources(client: object) -> Iterator[tuple[str, Any]]:
    for name, resource in sorted(vars(client).items()):
        if not name.startswith("_"):
            yield name, resource


def single_request_methods(resource: object) -> set[str]:
    """Public coroutine methods, less the walks (async generators) and `COMPOSITE`."""
    kind = type(resource)
    found: set[str] = set()
    for name, member in inspect.getmembers(kind, inspect.isfunction):
        if name.startswith("_") or inspect.isasyncgenfunction(member):
            continue
        found.add(name)
    return found


def raw_methods(view: object) -> set[str]:
    return {name for name in dir(view) if not name.startswith("_")}


@pytest.mark.parametrize("make", ["async", "sync"])
def test_every_single_request_operation_and_only_those_has_a_raw_twin(make: str) -> None:
    client: Any = (AsyncBrowserUse if make == "async" else BrowserUse)(api_key="k")
    swept = 0
    for name, resource in resources(client):
        operations = single_request_methods(resource if make == "async" else resource._async)
        expected = {m for m in operations if f"{name}.{m}" not in COMPOSITE}
        assert raw_methods(resource.with_raw_response) == expected, name
        swept += len(expected)
    assert swept == 48  # a new operation without a raw twin fails above, not here
    for qualified in COMPOSITE:
        resource, method = qualified.split(".")
        with pytest.raises(AttributeError):
            getattr(getattr(client, resource).with_raw_response, method)


async def test_composite_operations_are_not_raw_at_type_check_time_either(
    client: AsyncBrowserUse,
) -> None:
    with pytest.raises(AttributeError):
        client.tasks.with_raw_response.run  # type: ignore[attr-defined]  # noqa: B018  # pyright: ignore[reportAttributeAccessIssue]
    with pytest.raises(AttributeError):
        client.tasks.with_raw_response.stream  # type: ignore[attr-defined]  # noqa: B018  # pyright: ignore[reportAttributeAccessIssue]


async def test_composite_operations_do_send_several_requests(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    """What `COMPOSITE` says, checked on the wire."""
    task_id = fake.create_task(steps=1)
    before = len(fake.requests)
    async with asyncio.timeout(10):
        await linked.tasks.wait(task_id)
    assert len(fake.requests) - before >= 2  # the status until it ends, then the task
    before = len(fake.requests)
    async with asyncio.timeout(10):
        await linked.tasks.run("go", timeout=60)
    assert len(fake.requests) - before >= 3
    session = await linked.sessions.create()
    before, uploads = len(fake.requests), len(fake.uploads)
    await linked.files.upload(session.id, b"a,b\n", file_name="a.csv")
    assert (len(fake.requests) - before, len(fake.uploads) - uploads) == (2, 1)  # API, storage


def _argument_values(ids: dict[str, object]) -> Callable[[str, str, inspect.Parameter], object]:
    required: dict[str, object] = {
        "task": "Find it",
        "goal": "Find the cheapest flight",
        "agent_prompt": "Search flights and compare the prices",
        "action": "stop",
        "skill_slug": "some-skill",
        "file_name": "a.csv",
        "content_type": "text/csv",
        "size_bytes": 4,
        "feedback": "Make it faster",
    }

    def value(resource: str, method: str, param: inspect.Parameter) -> object:
        for key in (f"{resource}.{method}.{param.name}", f"{resource}.{param.name}"):
            if key in ids:
                return ids[key]
        if param.name in ids:
            return ids[param.name]
        if param.name.endswith("_id"):
            return uuid.uuid4()  # unknown to the fake: a 404, raised alike by both calls
        return required[param.name]

    return value


def _order(name: str) -> tuple[bool, bool, str]:
    """Destructive operations last, deletes at the very end, so the others find their ids."""
    return name == "delete", name.startswith(("stop", "delete", "purge")), name


async def _fixtures(fake: FakeBrowserUseCloud, client: AsyncBrowserUse) -> dict[str, object]:
    fake.skill_generation_seconds = 0
    session = await client.sessions.create()
    browser = await client.browsers.create()
    profile = await client.profiles.create(name="p")
    skill = await client.skills.create(goal="Find it", agent_prompt="Search flights for it")
    return {
        "task_id": fake.create_task(steps=2),
        "session_id": session.id,
        "browsers.session_id": browser.id,
        "files.browser_url.session_id": browser.id,
        "profile_id": profile.id,
        "skill_id": skill.id,
        "marketplace.skill_id": uuid.uuid4(),
    }


def _calls(client: Any, ids: dict[str, object]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    value = _argument_values(ids)
    for name, resource in resources(client):
        view = resource.with_raw_response
        for method in sorted(raw_methods(view), key=_order):
            params = inspect.signature(getattr(resource, method)).parameters.values()
            arguments = {
                p.name: value(name, method, p)
                for p in params
                if p.kind is not p.VAR_KEYWORD and p.default is p.empty
            }
            yield name, method, arguments


def _check_answer(
    fake: FakeBrowserUseCloud, resource: object, method: str, raw: object, before: int
) -> None:
    assert len(fake.requests) - before == 1, method
    assert isinstance(raw, RawResponse)
    sent = fake.requests[-1]
    assert raw.status_code == documented_status(sent.method, sent.path), method
    assert raw.http_request.method == sent.method
    assert raw.http_request.url.startswith(fake.base_url + sent.path.removeprefix(PREFIX))
    assert raw.attempts == 1
    assert raw.headers.get("content-length", "0") == str(len(raw.content))
    returns = typing.get_type_hints(getattr(type(resource), method))["return"]
    if typing.get_origin(returns) is AsyncPager:
        returns = typing.get_args(returns)[1]  # a list's raw twin answers its one page
    answer = typing.cast("RawResponse[object]", raw)
    parsed = answer.parse()
    assert parsed is None if returns is type(None) else isinstance(parsed, returns), method
    assert answer.parse() is parsed


async def test_every_raw_twin_sends_one_request_and_answers_a_raw_response(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    ids = await _fixtures(fake, client)
    answered, refused = 0, 0
    for name, method, arguments in _calls(client, ids):
        resource = getattr(client, name)
        before = len(fake.requests)
        try:
            async with asyncio.timeout(10):
                raw = await getattr(resource.with_raw_response, method)(**arguments)
        except BrowserUseError as error:
            raised: BrowserUseError | None = error
        else:
            raised = None
            _check_answer(fake, resource, method, raw, before)
            answered += 1
        if raised is not None:
            assert len(fake.requests) - before == 1, method
            with pytest.raises(type(raised)) as normal:
                async with asyncio.timeout(10):
                    await getattr(resource, method)(**arguments)
            assert str(normal.value) == str(raised)
            refused += 1
    assert (answered, refused) == (42, 6)  # 404s and 400s: raised alike by both calls


def test_every_sync_raw_twin_sends_one_request(threaded_fake: FakeBrowserUseCloud) -> None:
    threaded_fake.skill_generation_seconds = 0
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        session = client.sessions.create()
        ids: dict[str, object] = {
            "task_id": threaded_fake.create_task(steps=1),
            "session_id": session.id,
            "browsers.session_id": (browser := client.browsers.create().id),
            "files.browser_url.session_id": browser,
            "profile_id": client.profiles.create().id,
            "skill_id": client.skills.create(goal="Find it", agent_prompt="Search for it").id,
        }
        answered, refused = 0, 0
        for name, method, arguments in _calls(client, ids):
            resource = getattr(client, name)
            before = len(threaded_fake.requests)
            try:
                raw = getattr(resource.with_raw_response, method)(**arguments)
            except BrowserUseError:
                refused += 1
                continue
            _check_answer(threaded_fake, resource._async, method, raw, before)
            answered += 1
    assert (answered, refused) == (42, 6)


async def test_headers_body_and_request_summary(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    headers = {"Content-Type": "application/json", "X-Request-Id": "req-42", "X-Many": "a"}
    canned.respond(200, TASK, headers)
    raw = await canned_client.tasks.with_raw_response.stop(
        TASK_ID, extra_headers={"X-Probe": SECRET}, extra_query={"q": "1"}
    )
    assert raw.status_code == 200
    assert isinstance(raw.headers, Headers)
    assert raw.headers["x-request-id"] == raw.headers["X-REQUEST-ID"] == "req-42"
    assert raw.content == TASK
    assert raw.text == TASK.decode()
    assert raw.json()["id"] == TASK_ID
    task = raw.parse()
    assert isinstance(task, TaskView)
    assert str(task.id) == TASK_ID
    summary = raw.http_request
    assert (summary.method, summary.url) == ("PATCH", f"{canned.base_url}/tasks/{TASK_ID}?q=1")
    assert summary.headers["x-browser-use-api-key"] == "<redacted>"
    assert summary.headers["x-probe"] == "<redacted>"
    assert summary.headers["accept"] == "application/json"
    sent = canned.requests[-1]
    assert sent.headers["X-Probe"] == SECRET  # redacted in the summary only
    assert repr(raw).startswith(f"<RawResponse [200] PATCH {canned.base_url}/tasks/")


async def test_nothing_shows_the_api_key_or_header_secrets(canned: CannedServer) -> None:
    key = "bu_live_" + "k3y" * 10
    # A server that echoes the key, in a header and in the body.
    canned.respond(200, task_bytes(task=f"echo {key}"), {"X-Echo": key})
    async with AsyncBrowserUse(api_key=key, base_url=canned.base_url) as client:
        raw = await client.tasks.with_raw_response.get(TASK_ID, extra_headers={"X-P": SECRET})
    assert raw.headers["x-echo"] == "<redacted>"
    shown = [
        repr(raw),
        str(raw),
        repr(raw.http_request),
        str(raw.http_request),
        repr(dict(raw.http_request.headers)),
        repr(dict(raw.headers)),
        raw.text,
        repr(raw.json()),
    ]
    for text in shown:
        assert key not in text
        assert SECRET not in text
    data = pickle.dumps(raw)
    assert key.encode() not in data
    assert SECRET.encode() not in data
    copy = pickle.loads(data)  # noqa: S301 (our own bytes)
    assert (copy.status_code, copy.content, copy.elapsed) == (
        raw.status_code,
        raw.content,
        raw.elapsed,
    )
    assert dict(copy.headers) == dict(raw.headers)
    assert copy.http_request == raw.http_request
    # parse() is the normal call's model, echo and all; a copy has only the redacted body.
    assert raw.parse().task == f"echo {key}"
    assert copy.parse().task == "echo <redacted>"


@pytest.mark.parametrize("key", ["k", "e", "s", "1", "t", "test", "true", "id", "bu_k"])
async def test_parse_is_the_normal_calls_model_whatever_the_key(key: str) -> None:
    # The body's "echoes" of a short key are ordinary text: `content` redacts them, which may
    # break its JSON, but parse() decodes what was received.
    async with (
        FakeBrowserUseCloud(api_key=key) as fake,
        AsyncBrowserUse(api_key=key, base_url=fake.base_url) as client,
        asyncio.timeout(10),
    ):
        task_id = (await client.tasks.create("test the site", metadata={"k": "1"})).id
        stopped = await client.tasks.with_raw_response.stop(task_id)
        assert stopped.parse() == await client.tasks.get(task_id)
        task = await client.tasks.with_raw_response.get(task_id)
        assert task.parse() == await client.tasks.get(task_id)
        tasks = await client.tasks.with_raw_response.list()
        assert tasks.parse() == await client.tasks.list()
        account = await client.billing.with_raw_response.account()
        assert account.parse() == await client.billing.account()
        copy: RawResponse[TaskView] = pickle.loads(pickle.dumps(task))  # noqa: S301 (ours)
        assert copy.content == task.content


async def test_parse_is_lazy_and_fails_as_the_normal_call_does(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, b'{"id": "not a uuid"}')
    raw = await canned_client.tasks.with_raw_response.get(TASK_ID)  # not decoded yet
    assert raw.json() == {"id": "not a uuid"}
    with pytest.raises(APIResponseValidationError) as raw_error:
        raw.parse()
    with pytest.raises(APIResponseValidationError) as normal:
        await canned_client.tasks.get(TASK_ID)
    assert str(raw_error.value) == str(normal.value)
    assert raw_error.value.errors == normal.value.errors
    assert raw_error.value.body == normal.value.body
    canned.respond(200, b"<html>")
    raw = await canned_client.tasks.with_raw_response.get(TASK_ID)
    assert raw.text == "<html>"
    with pytest.raises(APIResponseValidationError, match="not JSON"):
        raw.json()


async def test_parse_fails_as_the_normal_call_after_retries(
    canned: CannedServer, clock: RecordingClock
) -> None:
    async with AsyncBrowserUse(api_key="bu_k", base_url=canned.base_url, clock=clock) as client:

        async def fetch(raw: bool) -> TaskView:
            if raw:
                return (await client.tasks.with_raw_response.get(TASK_ID)).parse()
            return await client.tasks.get(TASK_ID)

        errors: list[APIResponseValidationError] = []
        for raw in (True, False):
            canned.then(503, b"{}")
            canned.then(200, b'{"id": 1}')
            with pytest.raises(APIResponseValidationError) as error:
                await fetch(raw)
            errors.append(error.value)
    assert errors[0].attempts == errors[1].attempts == 2
    assert str(errors[0]) == str(errors[1])
    assert str(errors[0]).endswith("(after 2 attempts)")


@pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 429, 500, 503])
async def test_an_error_status_raises_what_the_normal_call_raises(
    canned: CannedServer, canned_client: AsyncBrowserUse, status: int
) -> None:
    canned.respond(status, b'{"detail": "nope"}', {"X-Request-Id": "r1"})
    with pytest.raises(BrowserUseError) as raw_error:
        await canned_client.tasks.with_raw_response.stop(TASK_ID)
    with pytest.raises(BrowserUseError) as normal:
        await canned_client.tasks.stop(TASK_ID)
    assert type(raw_error.value) is type(normal.value)
    assert str(raw_error.value) == str(normal.value)


async def test_retries_answer_the_final_attempt_with_elapsed_on_the_clients_clock(
    canned: CannedServer, clock: RecordingClock
) -> None:
    canned.then(503, b"{}", {"X-Attempt": "1"})
    canned.then(503, b"{}", {"X-Attempt": "2"})
    canned.respond(200, TASK, {"Content-Type": "application/json", "X-Attempt": "3"})
    policy = RetryPolicy(max_retries=3)
    async with AsyncBrowserUse(
        api_key="bu_k", base_url=canned.base_url, retry=policy, clock=clock
    ) as client:
        raw = await client.tasks.with_raw_response.get(TASK_ID)
        assert (raw.status_code, raw.attempts, raw.headers["x-attempt"]) == (200, 3, "3")
        assert len(clock.sleeps) == 2
        # The clock moves only by the waits between attempts: elapsed is exactly those.
        assert raw.elapsed == dt.timedelta(seconds=sum(clock.sleeps))
        assert isinstance(raw.elapsed, dt.timedelta)
        canned.then(503, b"{}")
        canned.then(503, b"{}")
        canned.then(503, b"{}")
        canned.then(503, b"{}")
        with pytest.raises(InternalServerError) as error:
            await client.tasks.with_raw_response.get(TASK_ID)
        assert error.value.attempts == 4


async def test_elapsed_counts_the_time_on_the_injected_clock(
    canned: CannedServer, clock: RecordingClock
) -> None:
    class Ticking(RecordingClock):
        def time(self) -> float:
            self.now += 0.25  # every reading a quarter second later
            return self.now

    canned.respond(200, TASK)
    async with AsyncBrowserUse(api_key="bu_k", base_url=canned.base_url, clock=Ticking()) as c:
        raw = await c.tasks.with_raw_response.get(TASK_ID)
    assert raw.elapsed == dt.timedelta(seconds=0.25)


@pytest.mark.parametrize("raw", [False, True])
async def test_a_cancelled_raw_call_behaves_as_a_normal_one(
    canned: CannedServer, canned_client: AsyncBrowserUse, raw: bool
) -> None:
    canned.then(200, TASK, {"Content-Type": "application/json"})
    canned.queue[0].delay = 30
    canned.respond(200, TASK)
    tasks: Any = canned_client.tasks.with_raw_response if raw else canned_client.tasks
    call = asyncio.ensure_future(tasks.get(TASK_ID))
    async with asyncio.timeout(5):
        while canned.in_flight == 0:  # noqa: ASYNC110 (the server has no event to wait on)
            await asyncio.sleep(0.01)
        call.cancel()
        with pytest.raises(asyncio.CancelledError):
            await call
        after = await tasks.get(TASK_ID)  # the client is still usable
    assert isinstance(after.parse() if raw else after, TaskView)
    assert len(canned.requests) == 2


def test_sync_raw_calls_work_from_plain_threads(threaded_fake: FakeBrowserUseCloud) -> None:
    ids = [threaded_fake.create_task(steps=1) for _ in range(8)]
    results: dict[int, RawResponse[TaskView]] = {}
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:

        def work(index: int) -> None:
            results[index] = client.tasks.with_raw_response.get(ids[index])

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        assert not any(thread.is_alive() for thread in threads)
        with pytest.raises(NotFoundError):
            client.tasks.with_raw_response.get(uuid.uuid4())
    assert sorted(results) == list(range(8))
    assert [results[i].parse().id for i in range(8)] == ids
    assert {r.status_code for r in results.values()} == {200}


def test_raw_views_are_cheap_and_show_nothing(client: AsyncBrowserUse) -> None:
    view = client.tasks.with_raw_response
    assert isinstance(view, RawView)
    assert repr(view) == "<AsyncTasksWithRawResponse>"
    assert view.stop.__doc__ == client.tasks.stop.__doc__
    assert type(client.tasks).with_raw_response.__doc__


@pytest.mark.parametrize("failures", [0, 1, 2, 3])
async def test_attempts_count_every_send_and_the_answer_is_the_last(
    canned: CannedServer, clock: RecordingClock, failures: int
) -> None:
    for attempt in range(1, failures + 1):
        canned.then(503 if attempt % 2 else 429, b"{}", {"X-Attempt": str(attempt)})
    canned.respond(200, TASK, {"Content-Type": "application/json", "X-Attempt": "last"})
    policy = RetryPolicy(max_retries=3)
    async with AsyncBrowserUse(
        api_key="bu_k", base_url=canned.base_url, retry=policy, clock=clock
    ) as client:
        raw = await client.tasks.with_raw_response.get(TASK_ID)
    assert (raw.attempts, raw.headers["X-Attempt"], len(canned.requests)) == (
        failures + 1,
        "last",
        failures + 1,
    )
    assert raw.elapsed == dt.timedelta(seconds=sum(clock.sleeps))
    assert len(clock.sleeps) == failures


async def test_cancelling_at_every_point_leaves_the_client_as_a_normal_call_does(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    """Cancel after 0, 1, 2, ... turns of the loop, raw and normal alike: each call ends
    cancelled or answered, and the client serves the next call."""
    task_id = fake.create_task(steps=1)
    outcomes: dict[bool, list[str]] = {False: [], True: []}
    for turns in range(40):
        for raw in (False, True):
            tasks: Any = client.tasks.with_raw_response if raw else client.tasks
            call = asyncio.ensure_future(tasks.get(task_id))
            for _ in range(turns):
                await asyncio.sleep(0)
            call.cancel()
            async with asyncio.timeout(5):
                try:
                    answer = await call
                except asyncio.CancelledError:
                    outcomes[raw].append("cancelled")
                else:
                    view = answer.parse() if raw else answer
                    assert view.id == task_id
                    outcomes[raw].append("answered")
    for raw, seen in outcomes.items():
        assert set(seen) == {"cancelled", "answered"}, raw  # points before and after the answer
        assert seen[0] == "cancelled"
    async with asyncio.timeout(5):
        after = await client.tasks.with_raw_response.get(task_id)
    assert after.status_code == 200


LIVE_KEY = "bu_live_" + "z9" * 12  # not a local: the test's own frame is in the traceback


async def test_a_failed_raw_calls_traceback_shows_no_secret(canned: CannedServer) -> None:
    canned.respond(404, b'{"detail": "no such task"}')
    async with AsyncBrowserUse(api_key=LIVE_KEY, base_url=canned.base_url) as client:
        copy = client.with_options(timeout=5)  # the raw views of a copy work alike
        for view in (client.tasks.with_raw_response, copy.tasks.with_raw_response):
            with pytest.raises(NotFoundError) as error:
                await view.stop(TASK_ID, extra_headers={"X-P": SECRET})
            for text in error_texts(error.value):
                assert LIVE_KEY not in text
                assert SECRET not in text
        canned.respond(200, b'{"id": 1}')
        raw = await copy.tasks.with_raw_response.get(TASK_ID, extra_headers={"X-P": SECRET})
        with pytest.raises(APIResponseValidationError) as invalid:
            raw.parse()
        for text in error_texts(invalid.value):
            assert LIVE_KEY not in text
            assert SECRET not in text
