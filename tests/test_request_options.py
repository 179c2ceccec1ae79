"""`extra_headers`, `extra_query` and `extra_body` on every operation, async and sync: what
goes on the wire, what is refused before anything is sent, and what they can never change
(the API key, the path, the host, the storage transfers, the next call)."""

import asyncio
import inspect
import io
import json
import logging
import re
import typing
import uuid
from collections.abc import AsyncIterable, Awaitable, Callable, Iterator, Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser_use_async import (
    AsyncBrowserUse,
    AsyncPager,
    BrowserUse,
    BrowserUseError,
    InvalidArgumentError,
    Pager,
    RequestOptions,
    RetryPolicy,
    TaskResult,
)
from browser_use_async._protocol import build_request
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._fake import RecordedRequest
from browser_use_async.testing._faults import Fault
from browser_use_async.testing._state import TaskScenario
from tests.conftest import CannedServer, closed_port, error_texts

SECRET = "hdr-secret-swordfish-0123456789"
HEADERS = {"X-Extra-Probe": SECRET}
QUERY = {"extraProbe": "q1"}
BODY = {"extraProbe": 7}
PREFIX = "/api/v2"

REQUIRED: dict[str, object] = {
    "task": "Find it",
    "goal": "Find the cheapest flight",
    "agent_prompt": "Search flights and compare the prices",
    "action": "stop",
    "skill_slug": "some-skill",
    "file": b"a,b\n",
    "file_name": "a.csv",
    "content_type": "text/csv",
    "size_bytes": 4,
    "feedback": "Make it faster",
    "inputs": ["Find it"],
}
OVERRIDES: dict[str, dict[str, object]] = {
    "upload": {"file_name": "a.csv"},
    "run": {"timeout": 0.3, "poll_interval": 0.1},  # the fake's clock stands still
    "wait": {"timeout": 0.3},
    "stream": {"timeout": 0.3},
    "run_many": {"timeout": 0.3, "poll_interval": 0.1, "concurrency": 1},
}


def _spec_body_routes() -> list[tuple[str, re.Pattern[str], bool]]:
    path = FakeBrowserUseCloud.__module__.replace(".", "/").rsplit("/", 1)[0]
    with open(f"{path}/openapi-v2.json", encoding="utf-8") as file:
        spec = json.load(file)
    routes: list[tuple[str, re.Pattern[str], bool]] = []
    for template, operations in spec["paths"].items():
        pattern = re.compile(re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
        for method, operation in operations.items():
            routes.append((method.upper(), pattern, "requestBody" in operation))
    return routes


BODY_ROUTES = _spec_body_routes()


def _takes_body(request: RecordedRequest) -> bool:
    path = request.path.removeprefix(PREFIX)
    (takes,) = [t for m, p, t in BODY_ROUTES if m == request.method and p.fullmatch(path)]
    return takes


def operations(client: object) -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public method of every resource of `client`, found by looking."""
    for resource_name, resource in sorted(vars(client).items()):
        if resource_name.startswith("_"):
            continue
        for name, method in inspect.getmembers(resource, inspect.ismethod):
            if not name.startswith("_"):
                yield f"{resource_name}.{name}", method


def _arguments(name: str, method: Callable[..., Any]) -> dict[str, object]:
    arguments: dict[str, object] = {}
    for param in inspect.signature(method).parameters.values():
        if param.kind is param.VAR_KEYWORD or param.default is not param.empty:
            continue
        if param.name == "destination":
            arguments[param.name] = io.BytesIO()
        elif param.name.endswith("_id"):
            arguments[param.name] = uuid.uuid4()  # the fake answers 404: it was sent all the same
        else:
            arguments[param.name] = REQUIRED[param.name]
    return {**arguments, **OVERRIDES.get(name.split(".")[1], {})}


async def _call_async(method: Callable[..., Any], arguments: Mapping[str, object]) -> None:
    async with asyncio.timeout(10):
        try:
            result = method(**arguments)
            if inspect.isasyncgen(result) or isinstance(result, AsyncPager):
                if isinstance(result, AsyncPager):
                    await result  # its one page, then the first item of the walk
                async for _ in typing.cast(AsyncIterable[object], result):
                    break
            else:
                await result
        except InvalidArgumentError:
            raise
        except BrowserUseError:
            pass  # a 404 for a made-up id, a timeout of a task that never ends: sent anyway


def _call_sync(method: Callable[..., Any], arguments: Mapping[str, object]) -> None:
    try:
        result: object = method(**arguments)
        if isinstance(result, Pager):
            typing.cast(Pager[object, object], result).page()
            result = iter(typing.cast(Pager[object, object], result))
        if isinstance(result, Iterator):
            next(typing.cast(Iterator[object], result), None)
    except InvalidArgumentError:
        raise
    except BrowserUseError:
        pass


ALL_THREE: RequestOptions = {"extra_headers": HEADERS, "extra_query": QUERY, "extra_body": BODY}
NO_BODY: RequestOptions = {"extra_headers": HEADERS, "extra_query": QUERY}


def _refused_body(fake: FakeBrowserUseCloud, name: str, error: InvalidArgumentError) -> None:
    assert "takes no extra_body" in str(error), (name, error)
    assert fake.requests == [], name
    assert SECRET not in str(error)


def verify(fake: FakeBrowserUseCloud, name: str, *, bodiless: bool) -> None:
    """What `name` sent: every API request with the header, the query parameter and the
    right key; the body field in exactly the requests whose route takes a body (none if
    `bodiless`, when `extra_body` was refused); nothing of it to storage."""
    api = [r for r in fake.requests if r.path.startswith(PREFIX)]
    assert api, f"{name} sent nothing"
    for request in api:
        where = f"{name}: {request.method} {request.path}"
        assert request.headers.get("X-Extra-Probe") == SECRET, where
        assert request.headers["X-Browser-Use-API-Key"] == fake.api_key, where
        assert request.query.get("extraProbe") == "q1", where
        carried = bool(request.body) and request.json().get("extraProbe") == 7
        if bodiless:
            assert not carried, where
            assert not _takes_body(request), where
        elif carried:
            assert _takes_body(request), where
    if not bodiless:
        assert any(r.body and r.json().get("extraProbe") == 7 for r in api), name
    for request in fake.requests:  # storage transfers get none of it
        if not request.path.startswith(PREFIX):
            assert "X-Extra-Probe" not in request.headers
            assert "extraProbe" not in request.query


EXPECTED_BODILESS = {
    *(f"{r}.get" for r in ("tasks", "sessions", "profiles", "browsers", "skills", "marketplace")),
    *("tasks.list", "tasks.status", "tasks.logs", "tasks.wait", "tasks.stream"),
    *("sessions.list", "sessions.delete", "sessions.purge"),
    *("sessions.get_share", "sessions.create_share", "sessions.delete_share"),
    *("profiles.list", "profiles.delete"),
    *("browsers.list", "browsers.downloads"),
    *("files.task_output", "files.download_output"),
    *("skills.list", "skills.delete", "skills.cancel", "skills.rollback"),
    *("skills.executions", "skills.execution_output"),
    *("marketplace.list", "marketplace.clone"),
    "billing.account",
}


async def test_every_async_operation_sends_all_three(fake: FakeBrowserUseCloud) -> None:
    bodiless: set[str] = set()
    async with AsyncBrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, retry=RetryPolicy(max_retries=0)
    ) as client:
        found = list(operations(client))
        for name, method in found:
            arguments = _arguments(name, method)
            fake.requests.clear()
            try:
                await _call_async(method, {**arguments, **ALL_THREE})
            except InvalidArgumentError as error:
                _refused_body(fake, name, error)
                bodiless.add(name)
                await _call_async(method, {**arguments, **NO_BODY})
            verify(fake, name, bodiless=name in bodiless)
    assert len(found) >= 53  # 61 operations less the eight `iter*` that lists replaced
    assert bodiless == EXPECTED_BODILESS


def test_every_sync_operation_sends_all_three(threaded_fake: FakeBrowserUseCloud) -> None:
    bodiless: set[str] = set()
    fake = threaded_fake
    with BrowserUse(
        api_key=fake.api_key, base_url=fake.base_url, retry=RetryPolicy(max_retries=0)
    ) as client:
        found = list(operations(client))
        for name, method in found:
            arguments = _arguments(name, method)
            fake.requests.clear()
            try:
                _call_sync(method, {**arguments, **ALL_THREE})
            except InvalidArgumentError as error:
                _refused_body(fake, name, error)
                bodiless.add(name)
                _call_sync(method, {**arguments, **NO_BODY})
            verify(fake, name, bodiless=name in bodiless)
    assert len(found) >= 53  # 61 operations less the eight `iter*` that lists replaced
    assert bodiless == EXPECTED_BODILESS


def _spec_thinking_level() -> str:
    """A value the spec allows for `thinkingLevel` if it names the field, else a plausible one."""
    path = FakeBrowserUseCloud.__module__.replace(".", "/").rsplit("/", 1)[0]
    with open(f"{path}/openapi-v2.json", encoding="utf-8") as file:
        schemas = json.load(file)["components"]["schemas"]
    field = schemas["CreateTaskRequest"]["properties"].get("thinkingLevel", {})
    refs = [field, *field.get("anyOf", [])]
    enums = [schemas[r["$ref"].rsplit("/", 1)[1]].get("enum", []) for r in refs if "$ref" in r]
    enums += [r.get("enum", []) for r in refs]
    return next((values[0] for values in enums if values), "low")


LEVEL = _spec_thinking_level()
WIRE = b'{"task":"Find it","thinkingLevel":"%s"}' % LEVEL.encode()


async def test_thinking_level_goes_through_extra_body(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        created = await client.tasks.create("Find it", extra_body={"thinkingLevel": LEVEL})
    (request,) = fake.requests
    assert (request.method, request.path, request.body) == ("POST", "/api/v2/tasks", WIRE)
    assert request.headers["Content-Type"] == "application/json"
    assert created.id in fake.tasks  # the fake accepted it and made the task


def test_thinking_level_goes_through_extra_body_sync(threaded_fake: FakeBrowserUseCloud) -> None:
    with BrowserUse(api_key=threaded_fake.api_key, base_url=threaded_fake.base_url) as client:
        created = client.tasks.create("Find it", extra_body={"thinkingLevel": LEVEL})
    (request,) = threaded_fake.requests
    assert request.body == WIRE
    assert created.id in threaded_fake.tasks


def _generator() -> Iterator[tuple[str, str]]:
    yield ("X-A", "1")


REFUSED: list[tuple[dict[str, object], str]] = [
    ({"extra_headers": _generator()}, "extra_headers must be a mapping"),
    ({"extra_headers": [("X-A", "1")]}, "extra_headers must be a mapping"),
    ({"extra_headers": "X-A: 1"}, "extra_headers must be a mapping"),
    ({"extra_headers": {1: "v"}}, "HTTP tokens"),
    ({"extra_headers": {b"X-A": "v"}}, "HTTP tokens"),
    ({"extra_headers": {"": "v"}}, "HTTP tokens"),
    ({"extra_headers": {"X A": "v"}}, "HTTP tokens"),
    ({"extra_headers": {"X-A:": "v"}}, "HTTP tokens"),
    ({"extra_headers": {"X-A\r\nX-B": "v"}}, "HTTP tokens"),
    ({"extra_headers": {"X-A": SECRET + "\r\nX-Injected: 1"}}, "no line breaks"),
    ({"extra_headers": {"X-A": SECRET + "\n"}}, "no line breaks"),
    ({"extra_headers": {"X-A": " " + SECRET}}, "no line breaks"),
    ({"extra_headers": {"X-A": SECRET + "\x00"}}, "no line breaks"),
    ({"extra_headers": {"X-A": SECRET + "é"}}, "no line breaks"),
    ({"extra_headers": {"X-A": SECRET.encode()}}, "got bytes"),
    ({"extra_headers": {"X-A": 1}}, "got int"),
    ({"extra_headers": {"X-A": None}}, "got NoneType"),
    ({"extra_headers": {"X-A": "1", "x-a": "2"}}, "twice"),
    ({"extra_query": _generator()}, "extra_query must be a mapping"),
    ({"extra_query": [("a", "1")]}, "extra_query must be a mapping"),
    ({"extra_query": {1: "v"}}, "keys must be non-empty strings"),
    ({"extra_query": {"": "v"}}, "keys must be non-empty strings"),
    ({"extra_query": {"a": float("nan")}}, "finite float"),
    ({"extra_query": {"a": float("inf")}}, "finite float"),
    ({"extra_query": {"a": b"x"}}, "finite float"),
    ({"extra_query": {"a": ["x", "y"]}}, "finite float"),
    ({"extra_query": {"a": {"b": 1}}}, "finite float"),
    ({"extra_query": {"a": object()}}, "finite float"),
    ({"extra_query": {"a": "\ud800"}}, "lone surrogate"),
    ({"extra_body": _generator()}, "extra_body must be a mapping"),
    ({"extra_body": [("a", 1)]}, "extra_body must be a mapping"),
    ({"extra_body": '{"a": 1}'}, "extra_body must be a mapping"),
    ({"extra_body": {1: "v"}}, "key of type int"),
    ({"extra_body": {None: "v"}}, "key of type NoneType"),
    ({"extra_body": {"a": {2: "v"}}}, "extra_body['a'] has a key of type int"),
    ({"extra_body": {"a": float("nan")}}, "nan, which JSON cannot carry"),
    ({"extra_body": {"a": [1, float("-inf")]}}, "extra_body['a'][1] is -inf"),
    ({"extra_body": {"a": SECRET.encode()}}, "is a bytes"),
    ({"extra_body": {"a": {1, 2}}}, "is a set"),
    ({"extra_body": {"a": (x for x in "ab")}}, "is a generator"),
    ({"extra_body": {"a": object()}}, "is a object"),
    ({"extra_body": {"a": SECRET + "\ud800"}}, "lone surrogate"),
    ({"extra_headers": {"X-A": "1"}, "extra_hedaers": {"X-B": "2"}}, "'extra_hedaers'"),
    ({"timeout": 5}, "unexpected keyword argument 'timeout'"),
]


def _self_containing() -> dict[str, object]:
    loop: dict[str, object] = {}
    loop["a"] = loop
    return loop


REFUSED.append(({"extra_body": {"a": _self_containing()}}, "contains itself"))


@pytest.mark.parametrize(("extra", "message"), REFUSED)
async def test_what_cannot_be_sent_is_refused_before_anything_is(
    fake: FakeBrowserUseCloud, extra: dict[str, object], message: str
) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: client.profiles.create(name="Work", **extra),  # type: ignore[arg-type]
            lambda: client.profiles.update(uuid.uuid4(), name="W", **extra),  # type: ignore[arg-type]
            lambda: client.tasks.create("Find it", **extra),  # type: ignore[arg-type]
        ]
        for call in calls:
            with pytest.raises(InvalidArgumentError) as caught:
                await call()
            assert message in str(caught.value)
            assert SECRET not in str(caught.value)
    assert fake.requests == []
    assert fake.tasks == {}


FRAMING = [
    "X-Browser-Use-API-Key",
    "Host",
    "Content-Length",
    "Content-Type",
    "Content-Encoding",
    "Transfer-Encoding",
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "TE",
    "Trailer",
    "Upgrade",
    "Expect",
]


def _spellings(name: str) -> set[str]:
    alternate = "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name))
    return {name, name.lower(), name.upper(), name.swapcase(), alternate}


SPELLINGS = sorted({spelling for name in FRAMING for spelling in _spellings(name)})


async def test_no_extra_header_can_set_the_key_or_the_framing(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        for spelling in SPELLINGS:
            for call in (
                client.billing.account(extra_headers={spelling: "bu_other_key"}),
                client.profiles.create(name="Work", extra_headers={spelling: "1"}),
            ):
                with pytest.raises(InvalidArgumentError, match="the client sets it itself"):
                    await call
        assert fake.requests == []
        await client.billing.account(extra_headers={"X-Browser-Use-API-Key-2": "bu_other_key"})
    (request,) = fake.requests
    assert request.headers["X-Browser-Use-API-Key"] == fake.api_key
    assert len(SPELLINGS) >= 50


async def test_retries_send_the_same_extras(fake: FakeBrowserUseCloud) -> None:
    profile = await _profile(fake)
    fake.faults.add("GET /profiles/{profile_id}", Fault(status=503), times=2)
    fake.faults.add("PATCH /profiles/{profile_id}", Fault(status=503), times=2)
    retry = RetryPolicy(max_retries=2, initial_delay=0, max_delay=0)
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url, retry=retry) as client:
        fake.requests.clear()
        await client.profiles.get(profile, extra_headers=HEADERS, extra_query=QUERY)
        await client.profiles.update(profile, name="New", **ALL_THREE)
    reads, writes = fake.requests[:3], fake.requests[3:]
    assert len(reads) == len(writes) == 3
    for attempts in (reads, writes):
        assert len({(r.method, r.path, r.body, tuple(r.query.items())) for r in attempts}) == 1
        assert {r.headers["X-Extra-Probe"] for r in attempts} == {SECRET}
        assert all(r.headers["X-Browser-Use-API-Key"] == fake.api_key for r in attempts)
    assert writes[0].json() == {"name": "New", "extraProbe": 7}


async def _profile(fake: FakeBrowserUseCloud) -> uuid.UUID:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        return (await client.profiles.create(name="Work")).id


async def test_extras_are_for_one_call_only(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        options = RequestOptions(**ALL_THREE)
        await client.profiles.create(name="Work", **options)
        await client.profiles.create(name="Work")
        await client.with_options(timeout=5).profiles.create(name="Work")
        await client.with_options(timeout=5).profiles.list()
    first, *others = fake.requests
    assert first.headers["X-Extra-Probe"] == SECRET
    for request in others:
        assert "X-Extra-Probe" not in request.headers
        assert "extraProbe" not in request.query
        assert b"extraProbe" not in request.body
    assert options == ALL_THREE  # the caller's dict is left as it was


async def test_extra_headers_replace_the_defaults_once(canned: CannedServer) -> None:
    canned.respond(204, b"")
    async with AsyncBrowserUse(api_key="bu_key", base_url=canned.base_url) as client:
        await client.profiles.delete(
            uuid.uuid4(), extra_headers={"user-agent": "mine/1.0", "ACCEPT": "application/x"}
        )
    (request,) = canned.requests
    assert request.headers.getall("User-Agent") == ["mine/1.0"]
    assert request.headers.getall("Accept") == ["application/x"]
    assert request.headers.getall("X-Browser-Use-API-Key") == ["bu_key"]


async def test_extra_query_adds_replaces_and_removes(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        await client.tasks.list(
            page_size=10,
            filter_by="finished",
            extra_query={"pageSize": 3, "filterBy": None, "flag": True, "ratio": 0.5, "n": -1},
        )
    (request,) = fake.requests
    assert request.query == {"pageSize": "3", "flag": "true", "ratio": "0.5", "n": "-1"}


@pytest.mark.parametrize(
    "text", ["../../billing/account", "/x?y=1#z", "a&b=c", "%2F..%2F", "?", "#", "é ü", " "]
)
async def test_extra_query_cannot_change_the_path(fake: FakeBrowserUseCloud, text: str) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        await client.profiles.list(extra_query={text: text})
    (request,) = fake.requests
    assert request.path == "/api/v2/profiles"
    assert request.query[text] == text


async def test_extra_body_fields_replace_the_sdks(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        made = await client.profiles.create(
            name="Mine", extra_body={"name": "Theirs", "userId": None, "nested": {"a": [1, 2.5]}}
        )
    (request,) = fake.requests
    assert request.body == b'{"name":"Theirs","userId":null,"nested":{"a":[1,2.5]}}'
    assert made.name == "Theirs"


async def test_none_and_empty_options_change_nothing(fake: FakeBrowserUseCloud) -> None:
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        await client.billing.account(extra_headers=None, extra_query={}, extra_body={})
        await client.billing.account(extra_body=None)
        await client.billing.account()
    first, second, third = fake.requests
    assert first.headers == second.headers
    assert {k: v for k, v in first.headers.items() if k != "Host"} == {
        k: v for k, v in third.headers.items() if k != "Host"
    }
    assert first.query == second.query == third.query == {}


async def test_storage_transfers_never_get_extras(fake: FakeBrowserUseCloud, tmp_path: Any) -> None:
    session = fake.create_session()
    task = fake.create_task(scenario=TaskScenario(steps=1, output_files={"out.txt": b"hello"}))
    fake.advance(60)
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        files = (await client.tasks.get(task)).output_files
        fake.requests.clear()
        await client.files.upload(session, b"a,b\n", file_name="a.csv", **ALL_THREE)
        sink = io.BytesIO()
        await client.files.download_output(task, files[0].id, sink, **NO_BODY)
        await client.files.download_output(task, files[0].id, tmp_path, **NO_BODY)
    assert sink.getvalue() == b"hello"
    assert (tmp_path / "out.txt").read_bytes() == b"hello"
    api = [r for r in fake.requests if r.path.startswith(PREFIX)]
    storage = [r for r in fake.requests if not r.path.startswith(PREFIX)]
    assert len(api) == 3
    assert len(storage) == 3
    assert all(r.headers["X-Extra-Probe"] == SECRET for r in api)
    for request in storage:
        assert "X-Extra-Probe" not in request.headers
        assert "X-Browser-Use-API-Key" not in request.headers
        assert "extraProbe" not in request.query
        assert b"extraProbe" not in request.body


async def test_run_sends_extra_body_with_the_create_only(fake: FakeBrowserUseCloud) -> None:
    fake.default_scenario = TaskScenario(steps=1, start_delay=0.0, step_interval=0.1)
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        with pytest.raises(BrowserUseError):  # the fake's clock stands still: it times out
            async with asyncio.timeout(10):
                await client.tasks.run("Find it", timeout=0.3, poll_interval=0.1, **ALL_THREE)
    create, *rest = fake.requests
    assert (create.method, create.json()["extraProbe"]) == ("POST", 7)
    assert {r.method for r in rest} == {"GET", "PATCH"}  # the polls, then the stop
    for request in fake.requests:
        assert request.headers["X-Extra-Probe"] == SECRET
        assert request.query["extraProbe"] == "q1"
    assert all(b"extraProbe" not in r.body for r in rest)


async def _failure(method: Callable[..., Any], arguments: Mapping[str, object]) -> BaseException:
    """The error a call raises; this frame, like the caller's, holds none of the arguments
    by then (a user's own frames are theirs to mind)."""
    call = method(**arguments)
    del arguments
    try:
        async with asyncio.timeout(10):
            answer = await (anext(call) if inspect.isasyncgen(call) else call)
    except BrowserUseError as error:
        return error
    if isinstance(answer, TaskResult) and answer.error is not None:  # run_many's, per input
        return answer.error
    raise AssertionError(f"{method} did not fail")


async def test_header_values_stay_out_of_errors_logs_and_traceback_locals(
    canned: CannedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canned.respond(500, b'{"detail": "no"}')
    texts: list[str] = []
    errors = 0
    for base_url in (canned.base_url, closed_port() + "/api/v2"):
        retry = RetryPolicy(max_retries=1, initial_delay=0, max_delay=0)
        async with AsyncBrowserUse(api_key="bu_key", base_url=base_url, retry=retry) as client:
            for name, method in operations(client):
                extra = {**NO_BODY, "extra_headers": {**HEADERS, "X-Second": SECRET}}
                if name not in EXPECTED_BODILESS:
                    extra["extra_body"] = {"secretField": SECRET}
                error = await _failure(method, {**_arguments(name, method), **extra})
                del extra
                errors += 1
                texts += error_texts(error)
    assert errors >= 106  # 53 operations, twice
    assert SECRET.encode() in canned.requests[0].headers["X-Extra-Probe"].encode()
    for text in [caplog.text, *texts]:
        assert SECRET not in text


def test_a_request_repr_shows_no_extra_header_value() -> None:
    request = build_request(
        "POST",
        "https://h",
        "/x",
        "bu_key",
        body=None,
        extra={"extra_headers": {"Authorization": SECRET, "User-Agent": SECRET}},
    )
    assert request.headers["Authorization"] == SECRET
    assert SECRET not in repr(request)
    assert SECRET not in repr(request.headers)


def test_sync_header_values_stay_out_of_errors_and_traceback_locals() -> None:
    retry = RetryPolicy(max_retries=0)
    texts: list[str] = []
    with BrowserUse(api_key="bu_key", base_url=closed_port() + "/api/v2", retry=retry) as client:
        for name, method in operations(client):
            texts += error_texts(_sync_failure(method, {**_arguments(name, method), **NO_BODY}))
    assert len(texts) >= 4 * 53  # every operation; each list once (its page)
    assert all(SECRET not in text for text in texts)


def _drained(arguments: dict[str, object]) -> dict[str, object]:
    """A copy of `arguments`, which is emptied (the caller's frames are the caller's to mind)."""
    copy = dict(arguments)
    arguments.clear()
    return copy


def _sync_failure(method: Callable[..., Any], arguments: dict[str, object]) -> BaseException:
    """The error a sync call raises; this frame holds none of the arguments by then."""
    try:
        result: object = method(**_drained(arguments))
        if isinstance(result, Pager):
            result = typing.cast(Pager[object, object], result).page()
        if isinstance(result, Iterator):
            result = next(typing.cast(Iterator[object], result), None)
        if isinstance(result, TaskResult) and result.error is not None:  # run_many's
            return result.error
    except BrowserUseError as error:
        return error
    raise AssertionError(f"{method} did not fail")


_ASCII = st.text(st.characters(min_codepoint=0, max_codepoint=0x80), max_size=12)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(name=_ASCII, value=_ASCII)
def test_any_header_either_arrives_as_given_or_is_refused_unsent(
    threaded_canned: CannedServer, name: str, value: str
) -> None:
    threaded_canned.respond(204, b"")
    threaded_canned.requests.clear()
    with BrowserUse(api_key="bu_key", base_url=threaded_canned.base_url) as client:
        try:
            client.profiles.delete(uuid.uuid4(), extra_headers={name: value})
        except InvalidArgumentError:
            assert threaded_canned.requests == []
            return
    (request,) = threaded_canned.requests
    assert request.headers.getall(name) == [value]
    assert request.headers.getall("X-Browser-Use-API-Key") == ["bu_key"]


async def test_an_iterator_whose_page_is_pinned_by_extra_query_still_ends(
    fake: FakeBrowserUseCloud,
) -> None:
    for _ in range(5):
        fake.create_task()
    async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        async with asyncio.timeout(10):
            seen = [
                t.id async for t in client.tasks.list(page_size=2, extra_query={"pageNumber": 1})
            ]
    assert len(seen) == 2  # page 1 came back when page 2 was asked for: the walk ended there
    assert [r.query["pageNumber"] for r in fake.requests] == ["1", "1"]
