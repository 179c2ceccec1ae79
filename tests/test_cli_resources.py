"""`sessions`, `browsers` and `billing` on the command line: finding and stopping what still
runs (and bills), against the fake cloud in a background thread."""

import json
import subprocess
import sys
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_use_async import BrowserUse, to_dict
from browser_use_async.cli import main
from browser_use_async.testing import FakeBrowserUseCloud, Fault
from tests.test_cli import cli_on, run

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def fake() -> Iterator[FakeBrowserUseCloud]:
    with FakeBrowserUseCloud(manual_time=True) as cloud:
        yield cloud


@pytest.fixture
def sdk(fake: FakeBrowserUseCloud) -> Iterator[BrowserUse]:
    with BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
        yield client


def running_and_stopped(sdk: BrowserUse, group: str) -> tuple[uuid.UUID, uuid.UUID]:
    """One session (or browser) still active and one stopped."""
    if group == "sessions":
        active, done = sdk.sessions.create().id, sdk.sessions.create().id
        sdk.sessions.stop(done)
    else:
        active, done = sdk.browsers.create().id, sdk.browsers.create().id
        sdk.browsers.stop(done)
    return active, done


@pytest.mark.parametrize("group", ["sessions", "browsers"])
def test_list_active_finds_what_still_runs(
    capsys: Capture, fake: FakeBrowserUseCloud, sdk: BrowserUse, group: str
) -> None:
    active, done = running_and_stopped(sdk, group)
    code, out, err = run(capsys, *cli_on(fake, group, "list", "--status", "active"))
    assert code == 0, err
    assert fake.requests[-1].query["filterBy"] == "active"
    [line, total] = out.splitlines()
    assert line.startswith(f"{active}  active ")
    assert "$0" in line
    assert total == "(1 of 1)"
    code, out, _ = run(capsys, *cli_on(fake, group, "list", "--json"))
    page = json.loads(out)
    assert code == 0
    assert {item["id"]: item["status"] for item in page["items"]} == {
        str(active): "active",
        str(done): "stopped",
    }
    assert page["totalItems"] == 2


@pytest.mark.parametrize("group", ["sessions", "browsers"])
def test_get_shows_the_details(
    capsys: Capture, fake: FakeBrowserUseCloud, sdk: BrowserUse, group: str
) -> None:
    active, _ = running_and_stopped(sdk, group)
    code, out, err = run(capsys, *cli_on(fake, group, "get", str(active)))
    assert code == 0, err
    noun = group.removesuffix("s")
    assert out.splitlines()[:2] == [f"{noun:<9} {active}", "status    active"]
    assert ("cdp       wss://" in out) == (group == "browsers")
    code, out, _ = run(capsys, *cli_on(fake, group, "get", str(active), "--json"))
    view = sdk.sessions.get(active) if group == "sessions" else sdk.browsers.get(active)
    assert code == 0
    assert json.loads(out) == to_dict(view)


@pytest.mark.parametrize("group", ["sessions", "browsers"])
@pytest.mark.parametrize("as_json", [False, True])
def test_stop_says_what_it_stopped_and_a_second_stop_says_it_had_stopped(
    capsys: Capture, fake: FakeBrowserUseCloud, sdk: BrowserUse, group: str, as_json: bool
) -> None:
    active, _ = running_and_stopped(sdk, group)
    noun = group.removesuffix("s")
    json_flag = ["--json"] if as_json else []
    outs: list[str] = []
    for _ in range(2):
        code, out, err = run(capsys, *cli_on(fake, group, "stop", str(active), *json_flag))
        assert (code, err) == (0, "")
        outs.append(out)
    patches = [r for r in fake.requests if r.method == "PATCH" and str(active) in r.path]
    assert len(patches) == 1  # the second stop only looked
    stored = fake.sessions if group == "sessions" else fake.browsers
    assert stored[active]["status"] == "stopped"
    if as_json:
        assert [json.loads(out)["status"] for out in outs] == ["stopped", "stopped"]
        return
    assert outs[0] == f"stopped {noun} {active}\n"
    assert outs[1].startswith(f"{noun} {active} was already stopped (at 20")


def test_stopping_a_session_stops_its_running_task(
    capsys: Capture, fake: FakeBrowserUseCloud
) -> None:
    task_id = fake.create_task("Long job", steps=1)
    session_id = uuid.UUID(fake.tasks[task_id]["sessionId"])
    code, out, _ = run(capsys, *cli_on(fake, "sessions", "stop", str(session_id)))
    assert code == 0
    assert out == f"stopped session {session_id}\n"
    assert fake.tasks[task_id]["status"] == "stopped"


def test_billing_shows_credits_and_sessions_in_use(
    capsys: Capture, fake: FakeBrowserUseCloud, sdk: BrowserUse
) -> None:
    fake.max_active_sessions = 5
    running_and_stopped(sdk, "browsers")
    running_and_stopped(sdk, "sessions")
    account = sdk.billing.account()
    code, out, err = run(capsys, *cli_on(fake, "billing"))
    assert code == 0, err
    assert f"credits   ${account.total_credits_balance_usd} (monthly " in out
    assert "sessions  2 of 5 concurrent sessions in use\n" in out
    code, out, _ = run(capsys, *cli_on(fake, "billing", "--json"))
    shown = json.loads(out)
    assert (shown["activeSessionCount"], shown["concurrentSessionLimit"]) == (2, 5)
    assert shown == to_dict(account)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sessions", "get", "123"], "session_id must be a UUID"),
        (["browsers", "stop", "nope"], "session_id must be a UUID"),
        (["sessions", "list", "--status", "running"], "--status must be one of active, stopped"),
        (["tasks", "list", "--status", "running"], "one of created, started, finished, failed"),
        (["browsers", "list", "--page-size", "0"], "page_size"),
    ],
)
def test_bad_arguments_send_nothing(
    capsys: Capture, fake: FakeBrowserUseCloud, argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *cli_on(fake, *argv))
    assert fake.requests == []
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert message in err


def test_no_api_key_says_how_to_give_one(
    capsys: Capture, fake: FakeBrowserUseCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BROWSER_USE_API_KEY", raising=False)
    code, out, err = run(capsys, "billing", "--base-url", fake.base_url)
    assert (code, out, fake.requests) == (2, "", [])
    assert err == (
        "error: No API key: set BROWSER_USE_API_KEY or pass --api-key (or try it offline: --fake)\n"
    )
    code, out, err = run(capsys, "billing", "--fake", "--json")  # the fake needs none
    assert code == 0, err
    assert json.loads(out)["activeSessionCount"] == 0


# -- every command, plain and --json: answered, not found, refused, failing------------------------

SECRET = "bu_sweep_secret_key_0123456789"


def commands(fake: FakeBrowserUseCloud, sdk: BrowserUse) -> dict[str, list[str]]:
    """Every command, with the ids of rows that exist."""
    task_id = str(fake.create_task("Find flights", steps=1))
    fake.advance(60)  # finished: `tasks wait` returns at once
    session_id = str(sdk.sessions.create().id)
    browser_id = str(sdk.browsers.create().id)
    return {
        "tasks list": ["tasks", "list"],
        "tasks get": ["tasks", "get", task_id],
        "tasks stop": ["tasks", "stop", task_id],
        "tasks wait": ["tasks", "wait", task_id],
        "tasks create": ["tasks", "create", "Find"],
        "sessions list": ["sessions", "list", "--status", "active"],
        "sessions get": ["sessions", "get", session_id],
        "sessions stop": ["sessions", "stop", session_id],
        "browsers list": ["browsers", "list"],
        "browsers get": ["browsers", "get", browser_id],
        "browsers stop": ["browsers", "stop", browser_id],
        "billing": ["billing"],
    }


def not_found(fake: FakeBrowserUseCloud, argv: list[str]) -> list[str]:
    """`argv` made to meet a 404: an unknown id, or the server's 404 where there is no id."""
    ids = [i for i, arg in enumerate(argv) if len(arg) == 36 and arg.count("-") == 4]
    if ids:
        return [*argv[: ids[0]], str(uuid.uuid4()), *argv[ids[0] + 1 :]]
    fake.faults.add("*", Fault(status=404), times=None)
    return argv


def test_sweep_every_command_exits_as_documented_and_never_prints_the_key(
    capsys: Capture,
) -> None:
    points = 0
    for outcome, expected in (("ok", 0), ("404", 4), ("401", 3), ("500", 7)):
        for as_json in (False, True):
            with (
                FakeBrowserUseCloud(manual_time=True, api_key=SECRET) as fake,
                BrowserUse(api_key=SECRET, base_url=fake.base_url) as sdk,
            ):
                for name, given in commands(fake, sdk).items():
                    fake.faults.clear()
                    argv = not_found(fake, given) if outcome == "404" else given
                    if outcome == "500":
                        fake.faults.add("*", Fault(status=500), times=None)
                    key = "bu_refused_secret_key_987654321" if outcome == "401" else SECRET
                    flags = ["--api-key", key, "--base-url", fake.base_url, "--max-retries", "0"]
                    json_flag = ["--json"] if as_json else []
                    code = main([*argv, *flags, *json_flag])
                    out, err = capsys.readouterr()
                    where = (name, outcome, as_json, out, err)
                    assert code == expected, where
                    assert key not in out + err, where
                    if outcome != "ok":
                        assert out == "", where
                        assert err.startswith("error: "), where
                    elif as_json:
                        assert isinstance(json.loads(out), dict), where
                    else:
                        assert out.strip(), where
                    points += 1
    assert points == 12 * 2 * 4


class Exploding:
    """A stdout whose write raises an error no handler expects: the traceback escapes."""

    def write(self, text: str) -> int:
        raise RuntimeError("the terminal broke")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@pytest.mark.parametrize("argv", [["sessions", "list"], ["browsers", "list"], ["billing"]])
def test_an_escaping_traceback_holds_no_api_key(
    fake: FakeBrowserUseCloud, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", Exploding())
    with pytest.raises(RuntimeError) as raised:
        main([*argv, "--api-key", fake.api_key, "--base-url", fake.base_url])
    frames = [frame for frame, _ in traceback.walk_tb(raised.value.__traceback__)]
    assert any(frame.f_code.co_name == "main" for frame in frames)
    for frame in frames:
        for name, value in frame.f_locals.items():
            assert fake.api_key not in repr(value), (frame.f_code.co_name, name)


def test_the_installed_console_script_lists_active_browsers(
    fake: FakeBrowserUseCloud, sdk: BrowserUse
) -> None:
    active, _ = running_and_stopped(sdk, "browsers")
    script = Path(sys.executable).with_name("browser-use-async")
    result = subprocess.run(
        [str(script), "browsers", "list", "--status", "active", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"BROWSER_USE_API_KEY": fake.api_key, "BROWSER_USE_BASE_URL": fake.base_url},
    )
    assert result.returncode == 0, result.stderr
    assert [item["id"] for item in json.loads(result.stdout)["items"]] == [str(active)]
    assert fake.api_key not in result.stdout + result.stderr
