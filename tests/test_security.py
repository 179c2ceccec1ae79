"""What the SDK promises about secrets, transport security and hostile input (SECURITY.md)."""

import gzip
import logging
import ssl
import traceback
import uuid
from collections.abc import AsyncIterator

import pytest
import trustme
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from browser_use_async import (
    APIConnectionError,
    APIStatusError,
    AsyncBrowserUse,
    BrowserUseError,
    InvalidArgumentError,
    ResponseTooLargeError,
    RetryPolicy,
    TaskStatus,
)
from browser_use_async._protocol import build_request, slug_segment, uuid_segment
from browser_use_async.testing import FakeBrowserUseCloud, Fault
from tests.conftest import CannedServer
from tests.samples import TASK_ID, task_bytes

SECRET = "bu_top_secret_key_0123456789"
NO_RETRIES = RetryPolicy(max_retries=0)


async def test_the_key_never_shows_in_reprs_errors_logs_or_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeBrowserUseCloud(api_key=SECRET, manual_time=True) as fake:
        fake.faults.add("PATCH /tasks/{task_id}", Fault(status=503), times=1)
        fake.faults.add("GET /tasks/{task_id}", Fault(body=b"{garbage"), times=1)
        errors: list[BaseException] = []
        async with AsyncBrowserUse(
            api_key=SECRET, base_url=fake.base_url, retry=RetryPolicy(initial_delay=0)
        ) as client:
            task_id = fake.create_task()
            await client.tasks.stop(task_id)
            for call in (client.tasks.get(task_id), client.tasks.get(uuid.uuid4())):
                try:
                    await call
                except BrowserUseError as error:
                    errors.append(error)
            texts = [repr(client), repr(vars(client)), caplog.text]
        base_url = fake.base_url
    async with AsyncBrowserUse(api_key=SECRET, base_url=base_url, retry=NO_RETRIES) as gone:
        try:
            await gone.tasks.get(task_id)
        except BrowserUseError as error:
            errors.append(error)
    assert len(errors) == 3
    for caught in errors:
        texts += [str(caught), repr(caught), repr(vars(caught))]
        exception = traceback.TracebackException.from_exception(caught, capture_locals=True)
        texts.append("".join(exception.format()))
    assert all(SECRET not in text for text in texts)


def test_a_request_shows_no_key() -> None:
    request = build_request("GET", "https://api.example.com/api/v2", "/tasks", SECRET)
    assert SECRET not in repr(request)
    assert SECRET not in repr(dict(request.headers))
    assert request.headers["X-Browser-Use-API-Key"] == SECRET


async def test_redirects_to_another_origin_get_nothing(canned: CannedServer) -> None:
    other = CannedServer()
    other.runner = web.AppRunner(other.app, access_log=None)
    await other.runner.setup()
    await web.TCPSite(other.runner, "127.0.0.1", 0).start()
    try:
        for status in (301, 302, 307, 308):
            canned.respond(status, b"", {"Location": f"{other.base_url}/tasks/{TASK_ID}"})
            async with AsyncBrowserUse(api_key=SECRET, base_url=canned.base_url) as client:
                with pytest.raises(APIStatusError) as info:
                    await client.tasks.stop(TASK_ID)
            assert info.value.status_code == status
        assert other.requests == []
    finally:
        await other.runner.cleanup()


@pytest.mark.parametrize(
    "url", ["http://api.browser-use.com/api/v2", "http://10.0.0.5:8080/api/v2", "http://[fe80::1]/"]
)
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="allow_insecure_http"):
        AsyncBrowserUse(SECRET, base_url=url)
    assert AsyncBrowserUse(SECRET, base_url=url, allow_insecure_http=True).base_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/api/v2",
        "http://localhost/api/v2",
        "http://[::1]:80/",
        "http://127.9.9.9",
    ],
)
def test_plain_http_to_this_machine_is_fine(url: str) -> None:
    assert AsyncBrowserUse(SECRET, base_url=url).base_url == url.rstrip("/")


def test_credentials_in_the_base_url_are_refused_without_echoing_them() -> None:
    with pytest.raises(InvalidArgumentError, match="user name or password") as info:
        AsyncBrowserUse(SECRET, base_url="https://user:hunter2@api.example.com/api/v2")
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/api\r\nX-Evil: 1",
        "http://127.0.0.1/api/v2?",
        "http://127.0.0.1/api/v2#",
        "https://exa mple.com/api/v2",
        "https://api.example.com/api/v2\t",
    ],
)
def test_base_urls_that_would_be_sent_otherwise_are_refused(url: str) -> None:
    with pytest.raises(InvalidArgumentError, match="base_url"):
        AsyncBrowserUse(SECRET, base_url=url)


@pytest.mark.parametrize(
    "kwargs", [{"timeout": -1}, {"base_url": "ftp://x"}, {"max_connections": 0}]
)
def test_a_failed_construction_keeps_the_key_out_of_its_traceback(
    kwargs: dict[str, object],
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        AsyncBrowserUse(SECRET, **kwargs)  # type: ignore[arg-type]
    exception = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    assert SECRET not in "".join(exception.format())


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
async def https_base_url(authority: trustme.CA) -> AsyncIterator[str]:
    async def stop(request: web.Request) -> web.Response:
        return web.Response(body=task_bytes(), content_type="application/json")

    app = web.Application()
    app.router.add_patch("/api/v2/tasks/{task_id}", stop)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)  # pyright: ignore[reportUnknownMemberType]
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield f"https://{host}:{port}/api/v2"
    await runner.cleanup()


async def test_tls_certificates_are_verified_by_default(https_base_url: str) -> None:
    async with AsyncBrowserUse(api_key=SECRET, base_url=https_base_url, retry=NO_RETRIES) as client:
        with pytest.raises(APIConnectionError, match="certificate") as info:
            await client.tasks.stop(TASK_ID)
    assert info.value.reached_server is False


async def test_tls_with_your_own_authority(https_base_url: str, authority: trustme.CA) -> None:
    context = ssl.create_default_context()
    authority.configure_trust(context)  # pyright: ignore[reportUnknownMemberType]
    async with AsyncBrowserUse(
        api_key=SECRET, base_url=https_base_url, verify_tls=context
    ) as client:
        assert (await client.tasks.stop(TASK_ID)).status is TaskStatus.STOPPED


async def test_tls_verification_can_be_turned_off_explicitly(https_base_url: str) -> None:
    async with AsyncBrowserUse(api_key=SECRET, base_url=https_base_url, verify_tls=False) as client:
        assert (await client.tasks.stop(TASK_ID)).status is TaskStatus.STOPPED


def test_verify_tls_takes_only_what_it_documents() -> None:
    with pytest.raises(InvalidArgumentError, match="verify_tls"):
        AsyncBrowserUse(SECRET, verify_tls="no")  # type: ignore[arg-type]


@pytest.fixture
async def big_answers() -> AsyncIterator[str]:
    """Answers larger than 1 MiB: declared, chunked, compressed, and declared but never sent."""
    body = b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}'

    async def declared(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), 65536):
            await response.write(body[start : start + 65536])
        await response.write_eof()
        return response

    async def bomb(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return web.Response(body=gzip.compress(body), headers=headers)

    async def promised(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": str(10**9)})
        await response.prepare(request)
        await response.write(b"{")
        return response

    app = web.Application()
    for name, handler in [("declared", declared), ("chunked", chunked), ("bomb", bomb)]:
        app.router.add_get(f"/{name}/api/v2/tasks/{{task_id}}", handler)
    app.router.add_get("/promised/api/v2/tasks/{task_id}", promised)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    yield f"http://{host}:{port}"
    await runner.cleanup()


@pytest.mark.parametrize("kind", ["declared", "chunked", "bomb", "promised"])
async def test_bodies_over_the_limit_are_refused_unread(big_answers: str, kind: str) -> None:
    async with AsyncBrowserUse(
        api_key=SECRET,
        base_url=f"{big_answers}/{kind}/api/v2",
        max_response_bytes=1024 * 1024,
        timeout=2,
    ) as client:
        with pytest.raises(ResponseTooLargeError, match="max_response_bytes") as info:
            await client.tasks.get(TASK_ID)
    assert info.value.attempts == 1


async def test_the_default_limit_leaves_normal_answers_alone(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    canned.respond(200, task_bytes())
    assert (await canned_client.tasks.get(TASK_ID)).id == uuid.UUID(TASK_ID)


@given(st.text())
def test_no_path_argument_can_leave_its_segment(text: str) -> None:
    for make in (uuid_segment, slug_segment):
        try:
            segment = make(text, "id")
        except InvalidArgumentError:
            continue
        assert "/" not in segment
        assert "?" not in segment
        assert "#" not in segment
        assert segment not in (".", "..")


@pytest.mark.parametrize("key", ["bu\r\nX-Admin: 1", "bu\nkey", "bu\x00", "bu key"])
def test_header_injection_through_the_key_is_refused(key: str) -> None:
    with pytest.raises(InvalidArgumentError):
        AsyncBrowserUse(key)
