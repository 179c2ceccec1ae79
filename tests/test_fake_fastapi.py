"""Where the spec is silent the fake answers as FastAPI (Starlette) does: 405 with `Allow`,
307 for a trailing slash, `{"detail": "Not Found"}`, 422 for an unknown cursor."""

import asyncio
import re
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest

from browser_use_async import (
    APIStatusError,
    AsyncBrowserUse,
    RetryPolicy,
    UnprocessableEntityError,
)
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._spec import operations
from tests.conftest import Canned, CannedServer
from tests.fakecloud import Api

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD")


def _concrete(template: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), template)


def _methods_by_path() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for method, path in operations():
        found.setdefault(path, set()).add(method)
    return found


@pytest.fixture
async def api(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


async def test_every_wrong_method_answers_405_with_allow(api: Api) -> None:
    points = 0
    async with asyncio.timeout(30):
        for template, allowed in _methods_by_path().items():
            for method in METHODS:
                if method in allowed:
                    continue
                answer = await api.call(method, _concrete(template))
                assert answer.status == 405, (method, template)
                assert answer.headers["Allow"] == ", ".join(sorted(allowed))
                if method != "HEAD":  # a HEAD answer has no body
                    assert answer.body == {"detail": "Method Not Allowed"}
                points += 1
    assert points > 150  # 31 paths, 7 methods, 44 operations


async def test_a_trailing_slash_redirects_as_starlette_does(api: Api) -> None:
    async with asyncio.timeout(30):
        for template, allowed in _methods_by_path().items():
            path = _concrete(template)
            url = f"{api.fake.base_url}{path}/?pageSize=3&x=a%20b"
            for method in allowed:
                async with api.session.request(method, url, allow_redirects=False) as response:
                    assert response.status == 307, (method, template)
                    assert await response.read() == b""
                    expected = f"{api.fake.base_url}{path}?pageSize=3&x=a%20b"
                    assert response.headers["Location"] == expected
    # followed, it reaches the route (with the key: the redirect itself needs none)
    answer = await api.call("GET", "/billing/account/")
    assert answer.status == 200
    assert answer.body["name"] == "Fake Cloud Account"


@pytest.mark.parametrize("path", ["/nothing", "/tasks/x/y/z", "/", "//", "/tasks//status"])
async def test_unknown_routes_answer_not_found(api: Api, path: str) -> None:
    answer = await api.call("GET", path)
    assert (answer.status, answer.body) == (404, {"detail": "Not Found"})


@pytest.mark.parametrize(
    "cursor", ["garbage", "", "b2Zmc2V0Oi0x", "b2Zmc2V0Ong=", "d29yZDoz", "%%%", "b2Zmc2V0"]
)
async def test_an_unknown_cursor_answers_422(api: Api, cursor: str) -> None:
    # offset:-1, offset:x, word:3 and "offset" are well-formed base64 of cursors never issued
    browser = await api.ok("POST", "/browsers", body={})
    for browser_id in (browser["id"], str(uuid.uuid4())):  # checked before the lookup
        answer = await api.call(
            "GET", f"/browsers/{browser_id}/downloads", params={"cursor": cursor}
        )
        assert answer.status == 422
        assert answer.body == {
            "detail": [
                {
                    "type": "value_error",
                    "loc": ["query", "cursor"],
                    "msg": "Value error, Invalid cursor",
                    "input": cursor,
                    "ctx": {"error": {}},
                }
            ]
        }


async def test_the_client_reports_an_unknown_cursor(client: AsyncBrowserUse) -> None:
    browser = await client.browsers.create()
    with pytest.raises(UnprocessableEntityError) as caught:
        await client.browsers.downloads(browser.id, cursor="not-a-cursor")
    assert "query.cursor: Value error, Invalid cursor" in str(caught.value)


async def test_the_client_says_a_405_means_wrong_method_or_base_url(canned: CannedServer) -> None:
    canned.canned = Canned(
        status=405,
        body=b'{"detail":"Method Not Allowed"}',
        headers={"Content-Type": "application/json", "Allow": "GET, POST"},
    )
    retry = RetryPolicy(max_retries=3)
    async with AsyncBrowserUse(api_key="bu_k", base_url=canned.base_url, retry=retry) as client:
        with pytest.raises(APIStatusError) as caught:
            await client.tasks.stop(uuid.uuid4())
    assert caught.value.status_code == 405
    message = str(caught.value)
    assert "failed with HTTP 405: Method Not Allowed." in message
    assert "The server has no PATCH at this path (it allows GET, POST)" in message
    assert "check base_url" in message
    assert len(canned.requests) == 1  # not retried


async def test_the_client_says_a_redirect_is_not_followed(canned: CannedServer) -> None:
    points = 0
    async with AsyncBrowserUse(api_key="bu_secret_k", base_url=canned.base_url) as client:
        for status in (301, 302, 303, 307, 308):
            target = f"https://elsewhere.example/api/v2/tasks?key=bu_secret_k&s={status}"
            canned.respond(status, b"", {"Location": target})
            before = len(canned.requests)
            with pytest.raises(APIStatusError) as caught:
                await client.tasks.create("a billable task")
            message = str(caught.value)
            assert caught.value.status_code == status
            assert "Redirects are not followed" in message
            assert f"https://elsewhere.example/api/v2/tasks?key=<redacted>&s={status}" in message
            assert "check base_url" in message
            assert "bu_secret_k" not in message
            assert len(canned.requests) == before + 1  # sent once, not retried
            points += 1
    assert points == 5


@pytest.mark.parametrize("method", ["POST", "PATCH"])
async def test_a_request_with_a_body_to_an_unknown_route_is_a_404(api: Api, method: str) -> None:
    """A base_url without /api/v2 sends PATCH /tasks/{id} with a body: the fake answered 500
    (it could not look up the slash-toggled path of a request whose body it had read)."""
    root = api.fake.base_url.removesuffix("/api/v2")
    async with asyncio.timeout(10):
        answer = await api.session.request(method, f"{root}/tasks/{uuid.uuid4()}", json={"a": 1})
        assert (answer.status, await answer.json()) == (404, {"detail": "Not Found"})
        slashed = f"{api.fake.base_url}/tasks/{uuid.uuid4()}/"
        answer = await api.session.request(method, slashed, json={}, allow_redirects=False)
        assert answer.status == 307
        retry = RetryPolicy(max_retries=0)
        async with AsyncBrowserUse(api_key=api.fake.api_key, base_url=root, retry=retry) as client:
            with pytest.raises(APIStatusError, match=r"No such route.*check base_url") as caught:
                await client.tasks.stop(uuid.uuid4())
    assert caught.value.status_code == 404
