"""Odd but plausible arguments: what reaches the wire, and what is refused before sending."""

import asyncio
import io
import json
import pathlib
import uuid
from collections.abc import Callable, Coroutine, Iterable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from browser_use_async import (
    APIResponseValidationError,
    AsyncBrowserUse,
    BrowserUse,
    InvalidArgumentError,
)
from browser_use_async._codec import encode
from browser_use_async._protocol import (
    DEFAULT_BASE_URL,
    build_request,
    storage_request,
    uuid_segment,
)
from browser_use_async._structured._output import parse_judgement
from browser_use_async.models import CreateTaskRequest
from browser_use_async.testing import FakeBrowserUseCloud
from tests.conftest import CannedServer
from tests.samples import FILE_ID, SESSION_ID, TASK_ID
from tests.skill_samples import SKILL_ID, skill_bytes

DOMAINS = ["a.example.com", "b.example.com", "c.example.com"]

ITERABLES: list[Callable[[list[str]], Iterable[str]]] = [
    list,
    tuple,
    iter,
    lambda items: (item for item in items),
    lambda items: map(str, items),
    lambda items: dict.fromkeys(items).keys(),
    set,
    frozenset,
]


@pytest.mark.parametrize("make", ITERABLES)
async def test_any_iterable_for_a_task_list_is_sent_whole(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, make: Callable[[list[str]], Any]
) -> None:
    await client.tasks.create(
        "Find it", allowed_domains=make(DOMAINS), skill_ids=make(["s1", "s2"])
    )
    body = json.loads(fake.requests[-1].body)
    assert body["allowedDomains"] == DOMAINS
    assert body["skillIds"] == ["s1", "s2"]


@pytest.mark.parametrize("make", ITERABLES)
async def test_any_iterable_for_a_skill_list_is_sent_whole(
    canned: CannedServer, canned_client: AsyncBrowserUse, make: Callable[[list[str]], Any]
) -> None:
    canned.respond(200, skill_bytes())
    await canned_client.skills.update(
        SKILL_ID, categories=make(["financial", "travel"]), domains=make(DOMAINS)
    )
    body = json.loads(canned.bodies[-1])
    assert body == {"categories": ["financial", "travel"], "domains": DOMAINS}


@pytest.mark.parametrize("value", ["a.example.com", b"a.example.com", {"a.example.com": 1}, 3])
async def test_a_bare_string_or_other_non_list_is_refused(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, value: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="allowed_domains must be a list of strings"):
        await client.tasks.create("Find it", allowed_domains=value)
    with pytest.raises(InvalidArgumentError, match="skill_ids must be a list of strings"):
        await client.tasks.create("Find it", skill_ids=value)
    assert fake.requests == []


CANONICAL = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
NOT_CANONICAL = [
    "3c90c3cc-0d44-4b50-8888-8dd25736_52a",  # uuid.UUID reads this as 03c90c3c-c0d4-...
    "+3c90c3cc0d444b5088888dd25736052a",
    "3c90c3cc_0d44_4b50_8888_8dd25736052a",
    "{3c90c3cc-0d44-4b50-8888-8dd25736052a}",
    "urn:uuid:3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "3c90c3cc0d444b5088888dd25736052a",
    " 3c90c3cc-0d44-4b50-8888-8dd25736052a",
    "3c90c3cc-0d44-4b50-8888-8dd25736052a\n",
    "3c90c3cc-0d44-4b50-8888-8dd25736052\u0661",  # an Arabic-Indic digit
]


@pytest.mark.parametrize("spelling", NOT_CANONICAL)
async def test_only_canonical_task_ids_are_accepted(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, spelling: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="task_id must be a UUID"):
        await client.tasks.get(spelling)
    with pytest.raises(InvalidArgumentError):
        await client.tasks.create("Find it", session_id=spelling)
    assert fake.requests == []


async def test_canonical_ids_in_any_case_and_uuid_objects_are_accepted(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    task_id = fake.create_task()
    for spelling in (str(task_id), str(task_id).upper(), task_id):
        assert (await client.tasks.get(spelling)).id == task_id


@st.composite
def _near_uuids(draw: st.DrawFn) -> str:
    """A canonical UUID with a few characters replaced, inserted or deleted."""
    text = str(draw(st.uuids()))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from("_+-{}: 0aF\u0661\n"))
        cut = draw(st.integers(0, 1))
        text = text[:at] + char + text[at + cut :]
    return text


@settings(max_examples=1000, deadline=None)
@given(_near_uuids())
def test_an_accepted_id_is_always_the_id_written(text: str) -> None:
    try:
        parsed = uuid_segment(text, "task_id")
    except InvalidArgumentError:
        return
    assert parsed == text.lower()


@given(st.uuids())
def test_every_uuid_is_accepted_in_both_cases(value: uuid.UUID) -> None:
    assert uuid_segment(str(value).upper(), "id") == uuid_segment(value, "id") == str(value)


# --- Only BrowserUseErrors escape -------------------------------------------------------

BAD_BASE_URLS = [
    "",
    "https://h:99999",
    "https://h:0",
    "https://h:x",
    "https://h:-1",
    "https://h:+80",
    "https://h: 80",
    "https://[::1",
    "https://h]",
    "https://[::1]x/",
    "https://[v1.x]/",
    "https://[12345::1]/",
    "https://h%zz/",
    "https://:80/",
]


@pytest.mark.parametrize("base_url", BAD_BASE_URLS)
def test_a_broken_base_url_is_refused_at_construction(base_url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="base_url"):
        AsyncBrowserUse("bu_key", base_url=base_url)


@pytest.mark.parametrize("url", ["HTTP://10.0.0.5/api/v2", "Http://api.example.com"])
def test_plain_http_in_any_case_is_refused(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="allow_insecure_http"):
        AsyncBrowserUse("bu_key", base_url=url)


def test_an_empty_base_url_variable_means_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_USE_BASE_URL", "")
    assert AsyncBrowserUse("bu_key").base_url == DEFAULT_BASE_URL
    monkeypatch.setenv("BROWSER_USE_BASE_URL", "https://h:99999")
    with pytest.raises(InvalidArgumentError, match="port out of range"):
        AsyncBrowserUse("bu_key")


URL_CHARACTERS = st.sampled_from(
    [*"abcxyz019:/[]@?#%._-~+ ", "::1", "127.0.0.1", ":80", ":65536", ":0", "\x00", "\r\n", "\xe9"]
)
URLS = st.tuples(
    st.sampled_from(["https://", "http://", "ftp://", "https:", ""]),
    st.lists(URL_CHARACTERS, max_size=12).map("".join),
).map("".join)


def _agrees_with_the_transport(url: str) -> None:
    """What `url_problem` passes, yarl (what aiohttp sends) reads as the same host and port."""
    parsed = URL(url, encoded=True)
    parts = urlsplit(url)
    assert parsed.host is not None
    assert parsed.host == (parts.hostname or "").lower() or "::" in parsed.host
    assert parsed.port == (parts.port or {"http": 80, "https": 443}[parts.scheme])
    assert parsed.port is not None
    assert 1 <= parsed.port <= 65535


@settings(max_examples=1500, deadline=None)
@given(URLS)
def test_any_base_url_is_refused_or_sendable(url: str) -> None:
    try:
        checked = AsyncBrowserUse("bu_key", base_url=url, allow_insecure_http=True).base_url
    except InvalidArgumentError:
        return
    _agrees_with_the_transport(checked + "/tasks")


@settings(max_examples=1500, deadline=None)
@given(URLS)
def test_any_storage_url_is_refused_or_sendable(url: str) -> None:
    try:
        request = storage_request("GET", url)
    except APIResponseValidationError:
        return
    _agrees_with_the_transport(request.url)


BAD_STORAGE_URLS = [
    "https://h:99999/file",
    "https://h:x/file",
    "https://[::1/file",
    "https://h]/file",
    "{base}/a b.csv?sig=1",
    "{base}/a.csv\r\nX-Injected: 1",
    "{base}/a.csv?sig=\x00",
    "{base}/\xe9.csv",
    "{base}/\ud800.csv",
    "ftp://h/file",
    "/relative/file",
    "",
]


@pytest.mark.parametrize("url", BAD_STORAGE_URLS)
async def test_a_broken_download_url_from_the_api_sends_nothing(
    canned: CannedServer, canned_client: AsyncBrowserUse, url: str, tmp_path: pathlib.Path
) -> None:
    url = url.format(base=canned.base_url)
    output = {"id": FILE_ID, "fileName": "a.csv", "downloadUrl": url}
    canned.respond(200, json.dumps(output).encode())
    async with asyncio.timeout(10):
        with pytest.raises(APIResponseValidationError, match="storage URL"):
            await canned_client.files.download_output(TASK_ID, FILE_ID, io.BytesIO())
        with pytest.raises(APIResponseValidationError, match="storage URL"):
            await canned_client.files.download_output(TASK_ID, FILE_ID, tmp_path)
    assert [r.path for r in canned.requests] == [
        f"/api/v2/files/tasks/{TASK_ID}/output-files/{FILE_ID}"
    ] * 2
    assert await asyncio.to_thread(lambda: list(tmp_path.iterdir())) == []


@pytest.mark.parametrize("url", BAD_STORAGE_URLS)
async def test_a_broken_upload_url_from_the_api_sends_nothing(
    canned: CannedServer, canned_client: AsyncBrowserUse, url: str
) -> None:
    url = url.format(base=canned.base_url)
    presigned: dict[str, Any] = {
        "url": url,
        "method": "POST",
        "fields": {},
        "fileName": "a.csv",
        "expiresIn": 60,
    }
    canned.respond(200, json.dumps(presigned).encode())
    async with asyncio.timeout(10):
        with pytest.raises(APIResponseValidationError, match="storage URL"):
            await canned_client.files.upload(SESSION_ID, b"a,b\n", file_name="a.csv")
    assert len(canned.requests) == 1
    assert canned.requests[0].path.endswith("/presigned-url")


SURROGATE = "\ud800"


def _surrogate_calls(client: AsyncBrowserUse) -> list[Coroutine[Any, Any, object]]:
    return [
        client.tasks.create(f"Find {SURROGATE}"),
        client.tasks.create("Find it", metadata={"k": SURROGATE}),
        client.tasks.create("Find it", secrets={"k": f"hunter2{SURROGATE}"}),
        client.tasks.create("Find it", allowed_domains=[SURROGATE]),
        client.tasks.create("Find it", structured_output=f'"{SURROGATE}"'),
        client.tasks.create("Find it", structured_output={"title": SURROGATE}),
        client.marketplace.get(f"slug{SURROGATE}"),
        client.skills.execute(SKILL_ID, parameters={SURROGATE: 1}),
    ]


async def test_lone_surrogates_are_refused_before_sending(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    calls = _surrogate_calls(client)
    for call in calls:
        with pytest.raises(InvalidArgumentError, match="surrogate") as info:
            await call
        assert "hunter2" not in str(info.value)
    assert len(calls) == 8
    assert fake.requests == []


def _self_referencing() -> dict[str, Any]:
    loop: dict[str, Any] = {"type": "object"}
    loop["properties"] = loop
    return loop


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


UNSENDABLE = [
    {"type": "object", "x": object()},
    {"type": "object", "x": {1, 2}},
    {"type": "object", "x": b"bytes"},
    {"type": "object", "x": float("nan")},
    {"type": "object", 1j: 1},
    _self_referencing(),
    {"type": "object", "x": _deep(10_000)},
    "[" * 100_000 + "]" * 100_000,
]


@pytest.mark.parametrize("schema", UNSENDABLE, ids=range(len(UNSENDABLE)))
async def test_unsendable_structured_output_is_refused(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, schema: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="structured_output"):
        await client.tasks.create("Find it", structured_output=schema)
    assert fake.requests == []


@pytest.mark.parametrize(
    "parameters", [{"x": object()}, {"x": _deep(10_000)}, _self_referencing(), {"x": {1}}]
)
async def test_unsendable_skill_parameters_are_refused(
    canned: CannedServer, canned_client: AsyncBrowserUse, parameters: Any
) -> None:
    with pytest.raises(InvalidArgumentError):
        await canned_client.skills.execute(SKILL_ID, parameters=parameters)
    assert canned.requests == []


@pytest.mark.parametrize("metadata", [{"k": object()}, {"k": {"nested": "x"}}, {1: "x"}])
async def test_metadata_that_is_not_str_to_str_is_refused(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, metadata: Any
) -> None:
    with pytest.raises(InvalidArgumentError, match="metadata"):
        await client.tasks.create("Find it", metadata=metadata)
    assert fake.requests == []


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=20)


@settings(max_examples=2000, deadline=None)
@given(ANY_TEXT, ANY_TEXT, ANY_TEXT)
def test_any_text_is_sent_exactly_or_refused(task: str, key: str, value: str) -> None:
    try:
        body = CreateTaskRequest(task=task or "x", metadata={key: value}, secrets={key: value})
        request = build_request("POST", "https://h", "/tasks", "bu_key", body=partial(encode, body))
    except InvalidArgumentError:
        assert any("\ud800" <= c <= "\udfff" for c in task + key + value) or not task.strip()
        return
    assert request.body is not None
    sent = json.loads(request.body)
    assert (sent["task"], sent["metadata"], sent["secrets"]) == (
        task or "x",
        {key: value},
        {key: value},
    )


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 30_000), st.sampled_from(["list", "dict"]))
def test_any_nesting_is_sent_exactly_or_refused(depth: int, kind: str) -> None:
    inner: Any = 1
    for _ in range(depth):
        inner = [inner] if kind == "list" else {"a": inner}
    schema = {"type": "object", "x": inner}
    try:
        request = build_request(
            "POST",
            "https://h",
            "/tasks",
            "bu_key",
            body=partial(encode, CreateTaskRequest(task="x", structured_output=schema)),
        )
    except InvalidArgumentError:
        assert depth > 500
        return
    assert request.body is not None
    assert json.loads(json.loads(request.body)["structuredOutput"]) == schema


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 200_000))
def test_a_judgement_nested_at_any_depth_is_read_or_refused(depth: int) -> None:
    try:
        report = parse_judgement('{"a":' + "[" * depth + "]" * depth + "}")
    except InvalidArgumentError:
        assert depth > 500
        return
    assert report is not None
    assert list(report) == ["a"]
    assert isinstance(report["a"], list)


def test_no_client_repr_shows_the_key() -> None:
    for client in (AsyncBrowserUse("bu_hidden_key"), BrowserUse("bu_hidden_key")):
        assert "bu_hidden_key" not in repr(client) + repr(vars(client))


async def test_a_model_passed_for_its_id_is_told_to_pass_its_id(
    client: AsyncBrowserUse, fake: FakeBrowserUseCloud
) -> None:
    async with asyncio.timeout(10):
        created = await client.tasks.create("Find it")
        sent = len(fake.requests)
        with pytest.raises(InvalidArgumentError) as caught:
            await client.tasks.stop(created)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert str(caught.value).endswith("got a TaskCreatedResponse: pass its .id")
    assert len(fake.requests) == sent
