"""The fake answers 422, as for any other unreadable body, to JSON nested too deeply."""

import asyncio
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud
from tests.fakecloud import Api


@pytest.fixture
async def api(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


def _nested(depth: int, inner: bytes = b"1") -> bytes:
    return b"[" * depth + inner + b"]" * depth


LIMIT = sys.getrecursionlimit()
DEPTHS = [LIMIT - 60, LIMIT - 10, LIMIT, LIMIT + 10, LIMIT * 10, 200_000]


@pytest.mark.parametrize(
    "raw",
    [
        *(_nested(depth) for depth in DEPTHS),
        *(b'{"task": "x", "metadata": ' + _nested(depth) + b"}" for depth in DEPTHS),
        *(b'{"task": "x", "metadata": {"k": ' + _nested(depth) + b"}}" for depth in DEPTHS),
        b'{"task": "x", "metadata": {"k": ' + b'{"a":' * LIMIT + b"1" + b"}" * LIMIT + b"}}",
    ],
)
async def test_deeply_nested_json_is_422_not_500(api: Api, raw: bytes) -> None:
    async with asyncio.timeout(30):
        answer = await api.call(
            "POST", "/tasks", raw=raw, headers={"Content-Type": "application/json"}
        )
        assert answer.status == 422, answer.body
        assert answer.body["detail"][0]["loc"][0] == "body"
        assert (await api.call("GET", "/billing/account")).status == 200  # still serving
        assert (await api.ok("GET", "/tasks"))["items"] == []
