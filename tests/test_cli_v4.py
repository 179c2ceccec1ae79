"""`browser-use-async --api v4`: API v4's runs from the command line, against the fake cloud."""

import asyncio
import datetime as dt
import json
import signal
import subprocess
import sys
import uuid

import pytest

from browser_use_async import _cli_shell
from browser_use_async._cli_v4 import _parser  # pyright: ignore[reportPrivateUsage]
from browser_use_async.cli import main
from browser_use_async.testing import FakeBrowserUseCloud, FakeClock, Fault, RunScenario
from tests.conftest import child_process


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def v4_on(fake: FakeBrowserUseCloud, *argv: str) -> list[str]:
    """`--api v4` and `argv` (group, command, then its own arguments) against `fake`'s v4,
    without retries."""
    on = ["--api-key", fake.api_key, "--base-url", fake.v4_base_url, "--max-retries", "0"]
    return ["--api", "v4", *argv[:2], *on, *argv[2:]]


def same_run(printed: dict[str, object], wire: dict[str, object]) -> bool:
    """Whether a run printed as JSON is the fake's, field for field as the client's model has
    them (the fake may send more) and its times read as times (the fake writes `+00:00`
    where the codec writes `Z`)."""
    times = ("createdAt", "updatedAt")
    return (
        len(printed) >= 15  # RunSummary's fields
        and {k: v for k, v in printed.items() if k not in times}
        == {k: wire[k] for k in printed if k not in times}
        and all(
            dt.datetime.fromisoformat(str(printed[k])) == dt.datetime.fromisoformat(str(wire[k]))
            for k in times
        )
    )


def sent(fake: FakeBrowserUseCloud, method: str, ending: str) -> int:
    """How many `method` requests to a v4 path ending in `ending` the fake received."""
    return sum(
        1
        for r in fake.requests
        if r.method == method and r.path.startswith("/api/v4/") and r.path.endswith(ending)
    )


# -- create ------------------------------------------------------------------------------------


def test_create_says_what_it_made_and_how_to_cancel_it(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        code, out, err = run(capsys, *v4_on(fake, "runs", "create", "Find flights"))
        [(run_id, made)] = fake.runs.items()
        assert fake.requests[0].json() == {"task": "Find flights"}
    assert code == 0
    assert out == f"created run {run_id} in session {made['sessionId']} (queued)\n"
    command = f"browser-use-async --api v4 runs cancel {run_id}"
    assert err == f"run {run_id} keeps running; cancel it with: {command}\n"


def test_create_sends_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        first = fake.create_run("Find flights")
        fake.advance(60)
        session_id = fake.runs[first]["sessionId"]
        argv = ["--model", "claude-sonnet-5", "--session-id", session_id, "--max-cost-usd", "2.5"]
        code, out, err = run(capsys, *v4_on(fake, "runs", "create", "And back?", "--json", *argv))
        body = fake.requests[-1].json()
    assert code == 0, err
    assert body == {
        "task": "And back?",
        "model": "claude-sonnet-5",
        "sessionId": session_id,
        "maxCostUsd": "2.5",
    }
    created = json.loads(out)
    assert created["sessionId"] == session_id
    assert created["model"] == "claude-sonnet-5"


def test_create_and_wait_prints_the_ended_run(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--api", "v4", "runs", "create", "Find flights", "--wait", "--fake"]
    code, out, err = run(capsys, *argv, "--fake-speed", "40")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("created run ")
    assert "status    completed" in lines
    assert "result    Done: Find flights" in lines
    assert err == ""  # it ended: nothing is left running, nothing to say


@pytest.mark.parametrize("fail", [False, True])
def test_create_and_wait_json_is_the_run_and_a_failure_exits_8(
    capsys: pytest.CaptureFixture[str], fail: bool
) -> None:
    with FakeBrowserUseCloud(clock=FakeClock(speed=40)) as fake:
        fake.default_run_scenario = RunScenario(steps=2, fail=fail)
        argv = v4_on(fake, "runs", "create", "Find flights", "--wait", "--json")
        code, out, err = run(capsys, *argv, "--timeout", "5")
        assert sent(fake, "POST", "/cancel") == 0
    assert code == (8 if fail else 0), err
    ended = json.loads(out)
    assert ended["status"] == ("failed" if fail else "completed")
    assert ended["totalCostUsd"] == "0.02"


def test_wait_timeout_cancels_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        argv = v4_on(fake, "runs", "create", "Find", "--wait", "--wait-timeout", "0.2")
        code, out, err = run(capsys, *argv)
        [(run_id, made)] = fake.runs.items()
        assert sent(fake, "POST", "/cancel") == 1
    assert code == 8
    assert made["status"] == "cancelled"
    assert err.splitlines()[-1] == f"cancelled run {run_id}"
    assert out.startswith("created run ")


async def interrupted(fake: FakeBrowserUseCloud, signum: int) -> tuple[int, str, str]:
    """`runs create --wait` in a child process, sent `signum` once it is waiting."""
    argv = v4_on(fake, "runs", "create", "Find", "--wait")
    async with child_process("-m", "browser_use_async", *argv) as child:
        assert child.stdout is not None
        async with asyncio.timeout(60):
            assert (await child.stdout.readline()).startswith(b"created run ")
            child.send_signal(signum)
            out, err = await child.communicate()
    assert child.returncode is not None
    return child.returncode, out.decode(), err.decode()


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
async def test_ctrl_c_during_wait_cancels_the_run_once(signum: int, code: int, said: str) -> None:
    async with FakeBrowserUseCloud(manual_time=True) as fake:
        status, _, err = await interrupted(fake, signum)
        [(run_id, made)] = fake.runs.items()
        cancels = sent(fake, "POST", "/cancel")
    assert status == code
    assert made["status"] == "cancelled"
    assert cancels == 1
    assert err.splitlines() == [said, f"cancelled run {run_id}"]


def test_a_failed_cancel_says_how_to_cancel_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        fake.faults.add("POST /api/v4/runs/{run_id}/cancel", Fault(status=500), times=None)
        argv = v4_on(fake, "runs", "create", "Find", "--wait", "--wait-timeout", "0.2")
        code, _, err = run(capsys, *argv)
        [(run_id, made)] = fake.runs.items()
    assert code == 8
    assert made["status"] != "cancelled"
    last = err.splitlines()[-1]
    assert last.startswith(f"cancelling run {run_id} failed")
    assert last.endswith(f"cancel it with: browser-use-async --api v4 runs cancel {run_id}")


# -- get, list, cancel, events -------------------------------------------------------------------


def test_get_shows_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        run_id = fake.create_run("Find flights", scenario=RunScenario(steps=2, result="3 flights"))
        fake.advance(60)
        code, out, err = run(capsys, *v4_on(fake, "runs", "get", str(run_id)))
        json_code, document, _ = run(capsys, *v4_on(fake, "runs", "get", str(run_id), "--json"))
        wire = fake.runs[run_id]
    assert (code, json_code, err) == (0, 0, "")
    assert f"run       {run_id}" in out.splitlines()
    assert "status    completed" in out.splitlines()
    assert "cost      $0.02 (2400 in, 300 out tokens)" in out.splitlines()
    assert "result    3 flights" in out.splitlines()
    assert same_run(json.loads(document), wire)


def test_list_prints_a_page_and_where_the_next_starts(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        made = [fake.create_run(f"task {n}") for n in range(3)]
        code, out, _ = run(capsys, *v4_on(fake, "runs", "list", "--limit", "2"))
        [request] = fake.requests
        lines = out.splitlines()
        cursor = lines[-1].split("--cursor ")[1].removesuffix(")")
        code2, out2, _ = run(capsys, *v4_on(fake, "runs", "list", "--cursor", cursor, "--json"))
    assert (code, code2) == (0, 0)
    assert request.query == {"limit": "2"}
    assert len(lines) == 3
    assert lines[-1].startswith("(2 runs; next page: --cursor ")
    listed = [line.split()[0] for line in lines[:2]] + [r["id"] for r in json.loads(out2)["runs"]]
    assert sorted(listed) == sorted(str(run_id) for run_id in made)


def test_list_by_session(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        mine = fake.create_run("mine")
        fake.create_run("another")
        session_id = fake.runs[mine]["sessionId"]
        code, out, _ = run(capsys, *v4_on(fake, "runs", "list", "--session-id", session_id))
    assert code == 0
    assert out.splitlines()[0].startswith(f"{mine}  queued")
    assert out.splitlines()[-1] == "(1 runs)"


def test_cancel_cancels_the_run(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        run_id = fake.create_run("Find flights")
        code, out, err = run(capsys, *v4_on(fake, "runs", "cancel", str(run_id)))
        status = fake.runs[run_id]["status"]
    assert (code, err) == (0, "")
    assert status == "cancelled"
    assert "status    cancelled" in out.splitlines()


def test_events_prints_a_page_and_where_the_next_starts(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        run_id = fake.create_run("Find flights", scenario=RunScenario(steps=2))
        fake.advance(60)
        events = fake.run_events(run_id)
        code, out, _ = run(capsys, *v4_on(fake, "runs", "events", str(run_id), "--after", "2"))
        json_code, page, _ = run(capsys, *v4_on(fake, "runs", "events", str(run_id), "--json"))
    assert (code, json_code) == (0, 0)
    lines = out.splitlines()
    assert [int(line.split()[0]) for line in lines[:-1]] == [e["id"] for e in events[2:]]
    assert lines[0].split()[2] == events[2]["type"]
    assert lines[-1] == f"({len(events) - 2} events)"
    assert [e["id"] for e in json.loads(page)["events"]] == [e["id"] for e in events]


def test_events_follow_prints_each_event_once_until_the_run_ends() -> None:
    with FakeBrowserUseCloud(clock=FakeClock(speed=20)) as fake:
        run_id = fake.create_run("Find flights", scenario=RunScenario(steps=3))
        argv = v4_on(fake, "runs", "events", str(run_id), "--follow", "--json")
        result = subprocess.run(
            [sys.executable, "-m", "browser_use_async", *argv],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        events = fake.run_events(run_id)
    assert result.returncode == 0, result.stderr
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["id"], e["type"], e["data"]) for e in printed] == [
        (e["id"], e["type"], e["data"]) for e in events
    ]
    assert printed[-1]["type"] == "run.completed"


def test_events_follow_resumes_after_a_given_event(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        run_id = fake.create_run("Find flights", scenario=RunScenario(steps=2))
        fake.advance(60)
        events = fake.run_events(run_id)
        argv = v4_on(fake, "runs", "events", str(run_id), "--follow", "--after", "3")
        code, out, _ = run(capsys, *argv)
    assert code == 0
    assert [int(line.split()[0]) for line in out.splitlines()] == [e["id"] for e in events[3:]]


# -- bad input, errors, the command line itself ---------------------------------------------------

RUN_ID = "5b2f8c1e-7d4a-4e6b-9f3c-2a1d0e9b8c7f"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["runs", "get", "123"], "run_id must be a UUID"),
        (["runs", "cancel", "not-a-run"], "run_id must be a UUID"),
        (["runs", "events", "123"], "run_id must be a UUID"),
        (["runs", "events", RUN_ID, "--after", "-1"], "--after must be 0 or more"),
        (["runs", "list", "--limit", "0"], "--limit must be a whole number of at least 1"),
        (["runs", "list", "--session-id", "x"], "--session-id must be a UUID"),
        (["runs", "create", ""], "task"),
        (["runs", "create", "Find", "--model", ""], "model"),
        (["runs", "create", "Find", "--session-id", "x"], "--session-id must be a UUID"),
        (["runs", "create", "Find", "--max-cost-usd", "-1"], "max_cost_usd"),
        (["runs", "create", "Find", "--max-cost-usd", "lots"], "max_cost_usd"),
        (["runs", "create", "Find", "--wait-timeout", "5"], "--wait-timeout goes with --wait"),
        (["runs", "create", "Find", "--wait", "--wait-timeout", "0"], "--wait-timeout"),
        (["runs", "create", "Find", "--timeout", "0"], "--timeout"),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        code, out, err = run(capsys, *v4_on(fake, *argv))
        assert fake.requests == []
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err


def test_an_unknown_run_exits_4(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        code, out, err = run(capsys, *v4_on(fake, "runs", "get", RUN_ID))
    assert code == 4
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1


def test_the_v4_base_url_comes_from_its_own_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        run_id = fake.create_run("first run")
        monkeypatch.setenv("BROWSER_USE_API_KEY", fake.api_key)
        monkeypatch.setenv("BROWSER_USE_BASE_URL", "http://127.0.0.1:9/api/v2")  # v2's: unused
        monkeypatch.setenv("BROWSER_USE_V4_BASE_URL", fake.v4_base_url)
        code, out, err = run(capsys, "--api=v4", "runs", "list")
    assert code == 0, err
    assert out.startswith(f"{run_id}  queued")


def test_api_v2_is_the_default_and_can_be_named(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        fake.create_task("a v2 task")
        on = ["--api-key", fake.api_key, "--base-url", fake.base_url]
        named = run(capsys, "--api", "v2", "tasks", "list", *on)
        default = run(capsys, "tasks", "list", *on)
    assert named[0] == default[0] == 0
    assert named[1] == default[1]
    assert "a v2 task" in named[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["--api", "v4", "tasks", "list"],  # a v2 command
        ["runs", "list"],  # a v4 command without --api v4
        ["--api", "v3", "runs", "list"],
        ["--api", "v4", "runs", "explode"],
    ],
)
def test_a_command_of_the_other_api_is_a_usage_error(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2


def test_bare_api_v4_prints_its_help_and_succeeds() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "browser_use_async", "--api", "v4"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("usage: browser-use-async --api v4")
    assert "runs" in result.stdout
    assert result.stderr == ""


def test_v2s_help_names_the_api_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--api {v2,v4}" in capsys.readouterr().out


HOSTILE = "Find \x1b]0;owned\x07flights\x1b[2J\r\nstatus    completed \u202eevil"


@pytest.mark.parametrize("command", ["get", "events", "list"])
def test_text_from_elsewhere_is_printed_escaped(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        run_id = fake.create_run(HOSTILE, scenario=RunScenario(steps=1, result=HOSTILE))
        fake.advance(60)
        argv = ["runs", command] + ([] if command == "list" else [str(run_id)])
        code, out, err = run(capsys, *v4_on(fake, *argv))
    assert code == 0, err
    assert not [char for char in out if char != "\n" and not char.isprintable()]
    # events print their data as JSON, which escapes it its own way
    assert ("\\u001b]0;owned\\u0007" if command == "events" else "\\x1b]0;owned\\x07") in out
    assert all(not line.startswith("status    completed ") for line in out.splitlines())


def test_the_key_is_not_in_the_parsed_arguments() -> None:
    args = _parser().parse_args(["runs", "list", "--api-key", "bu_very_secret"])
    assert "bu_very_secret" not in repr(vars(args))
    assert args.api_key == "bu_very_secret"


def test_a_created_run_id_is_a_uuid(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--api", "v4", "runs", "create", "x", "--fake", "--json")
    assert code == 0
    assert uuid.UUID(json.loads(out)["id"])


def test_the_key_is_not_in_the_locals_of_a_handled_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "bu_v4_secret_key_42"
    seen: list[BaseException | None] = []

    def say(*lines: str | None) -> None:
        seen.append(sys.exc_info()[1])

    monkeypatch.setattr(_cli_shell, "say", say)
    argv = ["--api", "v4", "runs", "list", "--api-key", key, "--base-url", "http://127.0.0.1:9"]
    assert main([*argv, "--max-retries", "0"]) == 5
    [error] = seen
    assert error is not None
    shown: list[str] = []
    tb = error.__traceback__
    assert tb is not None
    outer = tb.tb_frame.f_back  # the callers too: `main`, which had the command line
    while tb is not None:
        shown += [repr(value) for value in tb.tb_frame.f_locals.values()]
        tb = tb.tb_next
    callers: list[str] = []
    while outer is not None and "/browser_use_async/" in outer.f_code.co_filename:
        callers.append(outer.f_code.co_name)
        shown += [repr(value) for value in outer.f_locals.values()]
        outer = outer.f_back
    assert callers == ["execute", "main", "main"]  # v4's, then the command line's
    assert len(shown) > 10
    assert not [text for text in shown if key in text]
    assert key not in capsys.readouterr().err
