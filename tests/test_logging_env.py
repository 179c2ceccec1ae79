"""`BROWSER_USE_LOG=debug|info`: the SDK's records on stderr with no code, never a secret,
no handler added over the user's own logging, and a warning for a value it does not know."""

import os
import subprocess
import sys
import textwrap

import pytest

KEY = "bu_log_key_never_shown_4711"
TASK_SECRET = "task-secret-in-the-log-hunter2"
PASSWORD = "proxy-password-in-the-log-swordfish"
HEADER_VALUE = "header-value-in-the-log-s3cr3t"
SECRETS = (KEY, TASK_SECRET, PASSWORD, HEADER_VALUE)

SCRIPT = textwrap.dedent(
    """
    import asyncio, logging, sys
    from browser_use_async import AsyncBrowserUse, BrowserUse, CustomProxy, RetryPolicy
    from browser_use_async.testing import FakeBrowserUseCloud, Fault

    KEY, TASK_SECRET, PASSWORD, HEADER = sys.argv[1:5]
    if sys.argv[5] == "basicConfig":
        logging.basicConfig(level=logging.WARNING, format="USER %(name)s %(message)s")
    proxy = CustomProxy(host="proxy.example.com", port=8080, username="me", password=PASSWORD)
    headers = {"X-Custom-Secret": HEADER}

    async def main(fake):
        retry = RetryPolicy(max_retries=2, initial_delay=0)
        async with AsyncBrowserUse(api_key=KEY, base_url=fake.base_url, retry=retry) as c:
            fake.faults.add("GET /tasks", Fault(status=503))
            await c.tasks.list(extra_headers=headers)
            task = await c.tasks.create(
                "Log in", secrets={"password": TASK_SECRET}, extra_headers=headers
            )
            await c.tasks.get(task.id, extra_headers=headers)
            await c.sessions.create(custom_proxy=proxy, extra_headers=headers)
            await c.browsers.create(custom_proxy=proxy)
            await c.billing.account(extra_headers=headers)
            try:
                await c.tasks.create("x" * 0, secrets={"k": TASK_SECRET})
            except Exception as error:
                print("refused:", type(error).__name__, file=sys.stderr)

    with FakeBrowserUseCloud(api_key=KEY) as fake:
        asyncio.run(main(fake))
        with BrowserUse(api_key=KEY, base_url=fake.base_url) as client:
            client.tasks.create("Sync", secrets={"password": TASK_SECRET}, extra_headers=headers)
        print("requests:", len(fake.requests), file=sys.stderr)
    """
)


def _run(level: str | None, setup: str = "none") -> str:
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_USE_LOG"}
    if level is not None:
        env["BROWSER_USE_LOG"] = level
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *SECRETS, setup],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


@pytest.mark.parametrize("level", ["debug", "DEBUG", " info "])
def test_the_log_goes_to_stderr_without_secrets(level: str) -> None:
    stderr = _run(level)
    for secret in SECRETS:
        assert secret not in stderr, secret
    requests = int(stderr.split("requests: ")[1].split()[0])
    retries = stderr.count("INFO browser_use_async: Retrying GET")
    assert retries == 1, stderr
    attempts = stderr.count("DEBUG browser_use_async: ")
    if level.strip() == "info":
        assert attempts == 0
    else:  # every request the fake saw was logged as an attempt (the refused one sent nothing)
        assert attempts == requests >= 8, stderr


def test_no_variable_no_log() -> None:
    stderr = _run(None)
    assert "browser_use_async" not in stderr


def test_the_users_logging_gets_the_records_once() -> None:
    stderr = _run("debug", "basicConfig")
    lines = [line for line in stderr.splitlines() if "browser_use_async" in line]
    assert lines
    assert all(line.startswith("USER browser_use_async") for line in lines), stderr
    for secret in SECRETS:
        assert secret not in stderr


@pytest.mark.parametrize("value", ["verbose", "10", "warning"])
def test_an_unknown_value_warns_once_and_logs_nothing(value: str) -> None:
    stderr = _run(value)
    assert stderr.count(f"UserWarning: BROWSER_USE_LOG={value!r} is not understood") == 1
    assert "use BROWSER_USE_LOG=debug or BROWSER_USE_LOG=info, or unset it" in stderr
    assert "DEBUG browser_use_async" not in stderr
    assert "INFO browser_use_async" not in stderr


REDIRECTED = textwrap.dedent(
    """
    import contextlib, io, sys
    from browser_use_async import BrowserUse
    from browser_use_async.testing import FakeBrowserUseCloud

    with FakeBrowserUseCloud() as fake:
        c = BrowserUse(api_key=fake.api_key, base_url=fake.base_url)  # adds the handler
        c.billing.account()
        with contextlib.redirect_stderr(io.StringIO()) as caught:
            c.tasks.list().page()
        c.close()
        print("caught:", caught.getvalue().count("DEBUG browser_use_async: GET"))
    """
)


def test_the_log_follows_stderr_when_it_is_redirected() -> None:
    """The handler writes to `sys.stderr` as it is when a record is written (pytest's capsys,
    `contextlib.redirect_stderr`), not to the stream that was there when it was added."""
    env = {**os.environ, "BROWSER_USE_LOG": "debug"}
    done = subprocess.run(
        [sys.executable, "-c", REDIRECTED],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "caught: 1" in done.stdout, (done.stdout, done.stderr)
    assert done.stderr.count("DEBUG browser_use_async: GET") == 1, done.stderr  # billing only
