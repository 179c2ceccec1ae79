"""A client never closed says so with a ResourceWarning naming it and how to close it, in
place of aiohttp's "Unclosed client session"/"Unclosed connector"; closed clients, clients
that never sent a request and sessions the user passed in say nothing."""

import os
import re
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import asyncio, gc, sys
    import aiohttp
    from browser_use_async import AsyncBrowserUse, BrowserUse
    from browser_use_async.testing import FakeBrowserUseCloud

    how, where, fake_in = sys.argv[1], sys.argv[2], sys.argv[3]
    kept = []

    def use_sync(fake):
        client = BrowserUse(api_key=fake.api_key, base_url=fake.base_url)
        if how != "unused":
            client.tasks.list()
            client.with_options(timeout=5).billing.account()
        if how == "closed":
            client.close()
        if where == "exit":
            kept.append(client)

    async def use_async(fake):
        if how == "own-session":
            async with aiohttp.ClientSession() as session:
                client = AsyncBrowserUse(
                    api_key=fake.api_key, base_url=fake.base_url, session=session
                )
                await client.tasks.list()
            return
        client = AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url)
        if how != "unused":
            await client.tasks.list()
            await client.with_options(timeout=5).billing.account()
        if how == "closed":
            await client.close()
        if where == "exit" or how == "closed-later":
            kept.append(client)
        elif where == "in-loop":
            del client
            gc.collect()
            await asyncio.sleep(0.05)

    async def in_loop():
        async with FakeBrowserUseCloud() as fake:
            await use_async(fake)

    if sys.argv[4] == "sync":
        with FakeBrowserUseCloud() as fake:
            use_sync(fake)
            gc.collect()
    elif fake_in == "loop":
        asyncio.run(in_loop())
    else:
        with FakeBrowserUseCloud() as fake:
            asyncio.run(use_async(fake))
            if how == "closed-later":  # on a loop of its own, the first one closed
                asyncio.run(kept.pop().close())
            gc.collect()
    gc.collect()
    print("done", file=sys.stderr)
    """
)

ASYNC_MESSAGE = "AsyncBrowserUse was never closed"
SYNC_MESSAGE = "BrowserUse was never closed"
FOREIGN = ("Unclosed", "unclosed transport", "unclosed <socket", "Task was destroyed")


def _stderr(*args: str, error: bool) -> str:
    flag = "error::ResourceWarning" if error else "always::ResourceWarning"
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", flag, "-c", SCRIPT, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


CASES = [
    # (how, where, fake in, client kind) -> warnings expected
    *[
        (how, where, fake_in, "async")
        for how in ("dropped", "closed", "unused")
        for where in ("in-loop", "after-loop", "exit")
        for fake_in in ("loop", "thread")
        if not (where == "in-loop" and fake_in == "thread")
    ],
    ("closed-later", "after-loop", "thread", "async"),
    ("own-session", "after-loop", "loop", "async"),
    ("own-session", "after-loop", "thread", "async"),
    *[
        (how, where, "thread", "sync")
        for how in ("dropped", "closed", "unused")
        for where in ("after-loop", "exit")
    ],
]


# Each case with the warning shown; those that warn also with it turned into an error (then
# printed as "Exception ignored in", after the pool was closed all the same).
RUNS = [(*case, False) for case in CASES] + [(*c, True) for c in CASES if c[0] == "dropped"]


@pytest.mark.parametrize(("how", "where", "fake_in", "kind", "error"), RUNS)
def test_only_our_warning_and_only_for_a_client_left_open(
    how: str, where: str, fake_in: str, kind: str, error: bool
) -> None:
    stderr = _stderr(how, where, fake_in, kind, error=error)
    assert stderr.rstrip().endswith("done") or where == "exit", stderr
    for foreign in FOREIGN:
        assert foreign not in stderr, stderr
    message = ASYNC_MESSAGE if kind == "async" else SYNC_MESSAGE
    expected = 1 if how == "dropped" else 0
    assert stderr.count(f"ResourceWarning: {message}") == expected, stderr
    # Counted as warnings: Python 3.13 also prints the source lines of a warning raised at exit.
    assert len(re.findall(r"ResourceWarning: \w+ was never closed", stderr)) == expected, stderr
    if expected:
        assert ("`async with AsyncBrowserUse(...) as client:`" in stderr) == (kind == "async")
        assert "await client.close()" in stderr if kind == "async" else "client.close()" in stderr
        assert "`with BrowserUse(...) as client:`" in stderr or kind == "async"


TLS_SCRIPT = textwrap.dedent(
    """
    import asyncio, gc, ssl, sys, threading
    import trustme
    from aiohttp import web
    from browser_use_async import AsyncBrowserUse, BrowserUse, NotFoundError

    where, kind = sys.argv[1], sys.argv[2]
    authority = trustme.CA()
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    ready, box = threading.Event(), {}

    async def serve():
        async def missing(request):  # keep-alive: the connection stays in the client's pool
            return web.json_response({"detail": "no such thing"}, status=404)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", missing)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
        await site.start()
        box["url"] = f"https://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/api/v2"
        ready.set()
        await asyncio.Event().wait()

    threading.Thread(target=lambda: asyncio.run(serve()), daemon=True).start()
    assert ready.wait(10)
    kept = []
    options = dict(api_key="bu_test", base_url=box["url"], verify_tls=client_context)

    async def use_async():
        client = AsyncBrowserUse(**options)
        try:
            await client.billing.account()
        except NotFoundError:
            pass
        kept.append(client)

    async def close_later():
        await kept.pop().close()

    if kind == "sync":
        client = BrowserUse(**options)
        try:
            client.billing.account()
        except NotFoundError:
            pass
        kept.append(client)
    else:
        asyncio.run(use_async())
    if where == "closed-later":  # on a loop of its own, the first one closed
        asyncio.run(close_later())
    if where != "exit":
        kept.clear()
        gc.collect()
    print("done", file=sys.stderr)
    """
)


@pytest.mark.parametrize(
    ("where", "kind"),
    [(w, k) for w in ("after-loop", "exit") for k in ("async", "sync")]
    + [("closed-later", "async")],
)
def test_over_tls_too_only_our_warning(where: str, kind: str) -> None:
    """The real API is HTTPS: a TLS connection left in the pool of a client dropped after its
    loop closed is closed without asyncio's "unclosed transport" for either of its layers."""
    done = subprocess.run(
        [
            *(sys.executable, "-X", "dev", "-W", "always::ResourceWarning"),
            "-c",
            TLS_SCRIPT,
            where,
            kind,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "done" in done.stderr, done.stderr
    for foreign in FOREIGN:
        assert foreign not in done.stderr, done.stderr
    message = ASYNC_MESSAGE if kind == "async" else SYNC_MESSAGE
    expected = 0 if where == "closed-later" else 1
    assert done.stderr.count(f"ResourceWarning: {message}") == expected, done.stderr


FORK_SCRIPT = textwrap.dedent(
    """
    import asyncio, os, sys
    from browser_use_async import AsyncBrowserUse
    from browser_use_async.testing import FakeBrowserUseCloud

    with FakeBrowserUseCloud() as fake:
        client = AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url)
        asyncio.run(client.billing.account())
        pid = os.fork()
        if pid == 0:
            sys.exit(0)  # the child's copy of the pool is the parent's to close
        _, status = os.waitpid(pid, 0)
        asyncio.run(client.close())
        print("child exit status", status, file=sys.stderr)
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork")
def test_a_fork_child_leaving_the_parents_pool_alone_says_nothing() -> None:
    """A fork child that exits with its copy of the parent's client neither closes the
    parent's connections nor lets aiohttp call that copy an "Unclosed client session"."""
    done = subprocess.run(
        [sys.executable, "-X", "dev", "-W", "always::ResourceWarning", "-c", FORK_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
    )
    assert done.returncode == 0, done.stderr
    assert "child exit status 0" in done.stderr, done.stderr
    for foreign in FOREIGN:
        assert foreign not in done.stderr, done.stderr
    assert "was never closed" not in done.stderr, done.stderr
