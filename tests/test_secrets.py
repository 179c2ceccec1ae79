"""Task secrets, proxy passwords and the API key stay out of reprs, traceback locals, errors
and logs, also when a server echoes them back."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import pytest

from browser_use_async import (
    APIStatusError,
    AsyncBrowserUse,
    BrowserUseError,
    CustomProxy,
    RetryPolicy,
)
from browser_use_async._codec import encode
from browser_use_async._protocol import build_request, storage_request
from browser_use_async.models import CreateSessionRequest, CreateTaskRequest
from tests.conftest import CannedServer, closed_port, error_texts

KEY = "bu_key_never_shown_0123456789"
TASK_SECRET = "task-secret-hunter2"
PASSWORD = "proxy-password-swordfish"
SECRETS = (KEY, TASK_SECRET, PASSWORD)
PROXY = CustomProxy(host="proxy.example.com", port=8080, username="me", password=PASSWORD)

Call = Callable[[AsyncBrowserUse], Awaitable[object]]
CALLS: list[Call] = [
    lambda c: c.tasks.create("Log in", secrets={"password": TASK_SECRET}),
    lambda c: c.tasks.create("Log in", secrets={TASK_SECRET: "x"}),
    lambda c: c.sessions.create(custom_proxy=PROXY),
    lambda c: c.browsers.create(custom_proxy=PROXY),
]


@pytest.mark.parametrize("status", [400, 422, 500, 503])
@pytest.mark.parametrize("call", range(len(CALLS)))
async def test_secrets_stay_out_of_errors_and_their_traceback_locals(
    canned: CannedServer, call: int, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    canned.respond(status, b'{"detail": "no"}')
    errors: list[BaseException] = []
    for base_url in (canned.base_url, closed_port()):
        async with AsyncBrowserUse(
            api_key=KEY, base_url=base_url, retry=RetryPolicy(max_retries=1, initial_delay=0)
        ) as client:
            try:
                async with asyncio.timeout(10):
                    await CALLS[call](client)
            except BrowserUseError as error:
                errors.append(error)
    assert len(errors) == 2
    assert TASK_SECRET.encode() in canned.bodies[0] or PASSWORD.encode() in canned.bodies[0]
    texts = [caplog.text, *(text for error in errors for text in error_texts(error))]
    for secret in SECRETS:
        assert all(secret not in text for text in texts), secret


def test_no_model_or_request_repr_shows_a_secret() -> None:
    task = CreateTaskRequest(task="Log in", secrets={"user": TASK_SECRET, TASK_SECRET: "x"})
    session = CreateSessionRequest(custom_proxy=PROXY)
    shown = [repr(task), repr(session), repr(PROXY), str(task), str(session)]
    for body in (task, session):
        request = build_request("POST", "https://h", "/x", KEY, body=partial(encode, body))
        assert request.body is not None
        shown += [repr(request), repr(request.body), str(request)]
        assert TASK_SECRET.encode() in request.body or PASSWORD.encode() in request.body
    shown += [repr(storage_request("GET", "https://s3.example.com/f?X-Amz-Signature=hunter2"))]
    for secret in (*SECRETS, "hunter2"):
        assert all(secret not in text for text in shown), secret


ECHOES: list[tuple[bytes, dict[str, str]]] = [
    (b'{"detail": "the key ' + KEY.encode() + b' is not valid"}', {}),
    (b'{"detail": [{"loc": ["header", "' + KEY.encode() + b'"], "msg": "bad"}]}', {}),
    (b'{"detail": "x", "' + KEY.encode() + b'": ["' + KEY.encode() + b'"]}', {}),
    (b'{"detail": "' + KEY.replace("_", "\\u005f").encode() + b'"}', {}),
    (b"plain text: " + KEY.encode(), {"Content-Type": "text/plain"}),
    (b'{"detail": "no"}', {"X-Echo": KEY, "WWW-Authenticate": f"Key {KEY}"}),
]


@pytest.mark.parametrize("status", [401, 403, 429, 500])
@pytest.mark.parametrize("echo", range(len(ECHOES)))
async def test_a_key_echoed_by_the_server_is_redacted(
    canned: CannedServer, echo: int, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # No local of this frame holds the key: its traceback locals are searched too.
    canned.respond(status, ECHOES[echo][0], {"Content-Type": "application/json", **ECHOES[echo][1]})
    async with AsyncBrowserUse(
        api_key=KEY,
        base_url=canned.base_url,
        retry=RetryPolicy(max_retries=1, initial_delay=0),  # 429 and 500 are retried: logged
    ) as client:
        with pytest.raises(APIStatusError) as info:
            async with asyncio.timeout(10):
                await client.tasks.get("3c90c3cc-0d44-4b50-8888-8dd25736052a")
    error: Any = info.value
    texts = [caplog.text, *error_texts(error), repr(error.body), repr(error.headers)]
    assert [t for t in texts if KEY in t] == []
    assert "<redacted>" in repr(error.body) + repr(error.headers)
