"""The command-line client, end to end against the fake cloud in a background thread."""

import asyncio
import io
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import browser_use_async
from browser_use_async.cli import EXIT_CODES, _parser, main  # pyright: ignore[reportPrivateUsage]
from browser_use_async.testing import FakeBrowserUseCloud, Fault, TaskScenario
from tests.conftest import child_process
from tests.soak import LateCreates


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_and_get_on_the_embedded_fake(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "tasks", "create", "Find flights", "--fake", "--json")
    assert code == 0, err
    created = json.loads(out)
    assert uuid.UUID(created["id"])
    assert uuid.UUID(created["sessionId"])


def test_plain_create_says_what_it_made(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "tasks", "create", "Find flights", "--fake", "--max-steps", "3")
    assert code == 0
    assert out.startswith("created task ")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["tasks", "get", "123", "--fake"], 2, "task_id must be a UUID"),
        (["tasks", "get", str(uuid.uuid4()), "--fake"], 4, "Task not found"),
        (["tasks", "stop", str(uuid.uuid4()), "--fake"], 4, "Task not found"),
        (["tasks", "list"], 2, "BROWSER_USE_API_KEY"),
        (
            [
                "tasks",
                "get",
                str(uuid.uuid4()),
                "--api-key",
                "k",
                "--base-url",
                "http://127.0.0.1:9",
                "--max-retries",
                "0",
            ],
            5,
            "could not connect",
        ),
    ],
)
def test_errors_give_one_line_and_an_exit_status(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    status, out, err = run(capsys, *argv)
    assert status == code
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert message in err


def test_create_and_wait_shows_each_step_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "tasks", "create", "Find flights", "--wait", "--fake", "--fake-speed", "40"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("created task ")
    assert [line.split(":")[0] for line in lines if line.startswith("step ")] == [
        "step 1",
        "step 2",
        "step 3",
    ]
    last_step = max(i for i, line in enumerate(lines) if line.startswith("step "))
    assert lines.index("status: finished") == last_step + 1
    assert "status    finished" in out
    assert "\r" not in out


@pytest.mark.parametrize("ending", ["finished", "failed", "stopped"])
@pytest.mark.parametrize("as_json", [False, True])
def test_wait_prints_how_the_task_ended_after_its_last_step(
    capsys: pytest.CaptureFixture[str], ending: str, as_json: bool
) -> None:
    """The steps that arrive with the final status (one poll sees both) come first."""
    with FakeBrowserUseCloud(manual_time=True) as fake:
        scenario = TaskScenario(steps=3, fail=ending == "failed")
        task_id = fake.create_task("Find flights", steps=1, scenario=scenario)
        if ending == "stopped":
            assert run(capsys, *cli_on(fake, "tasks", "stop", str(task_id)))[0] == 0
        else:
            fake.advance(60)
        json_flag = ["--json"] if as_json else []
        code, out, err = run(capsys, *cli_on(fake, "tasks", "wait", str(task_id), *json_flag))
    assert code == (8 if ending == "failed" else 0), err
    numbers = [1] if ending == "stopped" else [1, 2, 3]
    if as_json:
        task = json.loads(out)
        assert task["status"] == ending
        assert [step["number"] for step in task["steps"]] == numbers
        return
    lines = out.splitlines()
    steps = [i for i, line in enumerate(lines) if line.startswith("step ")]
    assert [lines[i].split(":")[0] for i in steps] == [f"step {n}" for n in numbers]
    assert lines.index(f"status: {ending}") == steps[-1] + 1
    assert f"status    {ending}" in lines[steps[-1] + 2 :]


def test_create_and_wait_json_is_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "tasks", "create", "Find", "--wait", "--json", "--fake", "--fake-speed", "40"
    )
    assert code == 0
    task = json.loads(out)
    assert task["status"] == "finished"
    assert len(task["steps"]) == 3
    assert "createdAt" in task


def test_wrong_key_exits_3_without_echoing_it(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        code, out, err = run(
            capsys, "tasks", "list", "--api-key", "bu_wrong_secret", "--base-url", fake.base_url
        )
    assert code == 3
    assert "BROWSER_USE_API_KEY" in err
    assert "bu_wrong_secret" not in out + err


def test_list_reads_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        fake.create_task("first task")
        monkeypatch.setenv("BROWSER_USE_API_KEY", fake.api_key)
        monkeypatch.setenv("BROWSER_USE_BASE_URL", fake.base_url)
        code, out, _ = run(capsys, "tasks", "list")
    assert code == 0
    assert "first task" in out
    assert out.strip().endswith("(1 of 1)")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_live_progress_rewrites_one_status_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    code = main(["tasks", "create", "Find", "--wait", "--fake", "--fake-speed", "40"])
    assert code == 0
    text = screen.getvalue()
    assert "\r\x1b[K" in text
    assert "[finished] 3 steps" in text
    assert "status: finished" not in text


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["tasks", "explode"])
    assert info.value.code == 2


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "browser_use_async", "tasks", "create", "x", "--fake", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "sessionId" in json.loads(result.stdout)


def test_following_a_failed_task_exits_8(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        task_id = fake.create_task("Break the site", scenario=TaskScenario(fail=True, steps=1))
        fake.advance(60)
        code, out, _ = run(
            capsys,
            "tasks",
            "wait",
            str(task_id),
            "--api-key",
            fake.api_key,
            "--base-url",
            fake.base_url,
            "--json",
        )
    assert code == 8
    assert json.loads(out)["status"] == "failed"


def test_a_closed_pipe_ends_quietly() -> None:
    command = [sys.executable, "-m", "browser_use_async", "tasks", "create", "x", "--wait"]
    with subprocess.Popen(
        [*command, "--fake", "--fake-speed", "40"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None
        child.stdout.read(10)
        child.stdout.close()
        _, err = child.communicate(timeout=60)
    assert b"Traceback" not in err
    assert child.returncode in (0, 141)


# -- what a command leaves behind --------------------------------------------------------------


async def interrupted_create(
    fake: FakeBrowserUseCloud, *options: str, during_create: bool = False
) -> tuple[int, str, str]:
    """`tasks create --wait` in a child process, sent SIGINT once its task exists on the
    server: while the create is in flight, or once the child is following the task."""
    command = ["-m", "browser_use_async", "tasks", "create", "Find", "--wait", *options]
    key_and_url = ["--api-key", fake.api_key, "--base-url", fake.base_url]
    async with child_process(*command, *key_and_url) as child:
        assert child.stdout is not None
        async with asyncio.timeout(60):
            if during_create:
                while not fake.tasks:  # noqa: ASYNC110 (the server's state, not an event)
                    await asyncio.sleep(0.005)
            else:
                assert (await child.stdout.readline()).startswith(b"created task ")
            child.send_signal(signal.SIGINT)
            out, err = await child.communicate()
    assert child.returncode is not None
    return child.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("during_create", [False, True])
async def test_ctrl_c_during_create_wait_stops_the_task(during_create: bool) -> None:
    fake = FakeBrowserUseCloud(manual_time=True)
    late = LateCreates(fake)
    late.seconds = 1.0 if during_create else 0.0
    async with fake:
        code, _, err = await interrupted_create(fake, during_create=during_create)
        [task] = fake.tasks.values()
    assert code == 130
    assert task["status"] == "stopped"
    assert err.splitlines() == ["interrupted", f"stopped task {task['id']}"]


async def test_keep_running_leaves_the_task_and_says_how_to_stop_it() -> None:
    async with FakeBrowserUseCloud(manual_time=True) as fake:
        code, _, err = await interrupted_create(fake, "--keep-running")
        [task] = fake.tasks.values()
    assert code == 130
    assert task["status"] != "stopped"
    assert f"stop it with: browser-use-async tasks stop {task['id']}" in err
    assert not any(r.method == "PATCH" for r in fake.requests)


def cli_on(fake: FakeBrowserUseCloud, *argv: str) -> list[str]:
    """`argv` (group, command, then its own arguments) against `fake`, without retries."""
    on = ["--api-key", fake.api_key, "--base-url", fake.base_url, "--max-retries", "0"]
    return [*argv[:2], *on, *argv[2:]]


def test_wait_timeout_stops_the_task(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        argv = cli_on(fake, "tasks", "create", "Find", "--wait", "--wait-timeout", "0.2")
        code, _, err = run(capsys, *argv)
        [task] = fake.tasks.values()
    assert code == 8
    assert task["status"] == "stopped"
    assert err.splitlines()[-1] == f"stopped task {task['id']}"


def test_a_failed_stop_says_how_to_stop_the_task(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        fake.faults.add("PATCH /tasks/{task_id}", Fault(status=500), times=None)
        argv = cli_on(fake, "tasks", "create", "Find", "--wait", "--wait-timeout", "0.2")
        code, _, err = run(capsys, *argv)
        [task] = fake.tasks.values()
    assert code == 8
    assert task["status"] != "stopped"
    last = err.splitlines()[-1]
    assert last.startswith(f"stopping task {task['id']} failed")
    assert last.endswith(f"stop it with: browser-use-async tasks stop {task['id']}")


def test_a_plain_create_says_how_to_stop_the_task(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        code, out, err = run(capsys, *cli_on(fake, "tasks", "create", "Find", "--json"))
    task_id = json.loads(out)["id"]
    assert code == 0
    assert (
        err
        == f"task {task_id} keeps running; stop it with: browser-use-async tasks stop {task_id}\n"
    )


def test_a_wait_that_times_out_says_how_to_stop_the_task(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        task_id = fake.create_task("Long job", steps=100)
        code, _, err = run(
            capsys, *cli_on(fake, "tasks", "wait", str(task_id), "--wait-timeout", "0.2")
        )
        assert fake.tasks[task_id]["status"] != "stopped"
    assert code == 8
    assert err.splitlines()[-1].endswith(f"browser-use-async tasks stop {task_id}")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--wait", "--wait-timeout", "0"], "--wait-timeout"),
        (["--wait", "--wait-timeout", "nan"], "--wait-timeout"),
        (["--timeout", "0"], "--timeout"),
        (["--timeout", "-1"], "--timeout"),
        (["--max-retries", "-1"], "max_retries"),
        (["--keep-running"], "--keep-running goes with --wait"),
        (["--max-steps", "0"], "max_steps"),
        (["--llm", ""], "llm"),
        (["--thinking-level", "max"], "thinking_level must be one of disabled, low, medium, high"),
    ],
)
def test_create_checks_its_arguments_before_sending(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with FakeBrowserUseCloud(manual_time=True) as fake:
        code, out, err = run(capsys, *cli_on(fake, "tasks", "create", "Find", *argv))
        assert fake.requests == []
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize("speed", ["0", "-1", "nan", "inf", "-inf", "fast", ""])
def test_a_bad_fake_speed_is_one_line(capsys: pytest.CaptureFixture[str], speed: str) -> None:
    code, out, err = run(capsys, "tasks", "create", "Find", "--fake", f"--fake-speed={speed}")
    assert code == 2
    assert out == ""
    assert err == f"error: --fake-speed must be a positive number, got {speed!r}\n"


def test_the_parsed_arguments_hide_the_api_key() -> None:
    args = _parser().parse_args(["tasks", "list", "--api-key", "bu_very_secret"])
    assert "bu_very_secret" not in repr(args)
    assert "bu_very_secret" not in repr(vars(args))
    assert args.api_key == "bu_very_secret"


def test_create_sends_the_thinking_level(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeBrowserUseCloud() as fake:
        argv = cli_on(fake, "tasks", "create", "Find", "--thinking-level", "high", "--llm", "o3")
        code, _, err = run(capsys, *argv)
        assert code == 0, err
        assert fake.requests[0].json() == {"task": "Find", "llm": "o3", "thinkingLevel": "high"}


def test_version_names_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"browser-use-async {browser_use_async.__version__}\n"


def test_a_bare_command_prints_help_and_succeeds() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "browser_use_async"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("usage: browser-use-async")
    assert "tasks" in result.stdout
    assert "--version" in result.stdout
    assert result.stderr == ""


HOSTILE = "Find \x1b]0;owned\x07flights\x1b[2J\r\nstatus    finished \u202eevil\x9b31m"


@pytest.mark.parametrize(
    "argv",
    [
        ["tasks", "wait", "{task}"],
        ["tasks", "get", "{task}"],
        ["tasks", "list"],
        ["sessions", "get", "{session}"],
        ["browsers", "get", "{browser}"],
        ["tasks", "get", "{missing}"],
    ],
)
def test_control_characters_are_printed_escaped(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """A prompt, step, URL, label or server message is text from elsewhere: printed raw, its
    escape sequences would retitle or clear the terminal, and a newline would fake a line."""
    with FakeBrowserUseCloud(manual_time=True) as fake:
        task_id = fake.create_task(HOSTILE, steps=2, metadata={"k": HOSTILE})
        for step in fake.tasks[task_id]["steps"]:
            step["nextGoal"] = step["url"] = HOSTILE
        fake.tasks[task_id]["output"] = HOSTILE
        session_id = fake.tasks[task_id]["sessionId"]
        with browser_use_async.BrowserUse(api_key=fake.api_key, base_url=fake.base_url) as sdk:
            browser_id = sdk.browsers.create(metadata={"k": HOSTILE}).id
        missing = str(uuid.uuid4())
        fake.faults.add("*", Fault(status=404, body=json.dumps({"detail": HOSTILE}).encode()))
        ids = {"task": str(task_id), "session": str(session_id), "browser": str(browser_id)}
        filled = [part.format(**ids, missing=missing) for part in argv]
        if filled[-1] != missing:
            fake.faults.clear()
        fake.advance(60)
        code, out, err = run(capsys, *cli_on(fake, *filled))
    assert code in (0, 4), err
    printed = out + err
    assert not [char for char in printed if char != "\n" and not char.isprintable()]
    assert "\\x1b]0;owned\\x07" in printed
    assert all(not line.startswith("status    finished ") for line in printed.splitlines())


def test_the_readme_lists_every_exit_status() -> None:
    """The table under "Command line" names each status `main` can return, and no other."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    table = readme.split("| exit status | when |")[1].split("\n\n")[0]
    listed = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}
    assert listed == {0, 130, 141, 143} | {code for _, code in EXIT_CODES}


def test_text_the_console_cannot_encode_is_printed_escaped() -> None:
    """A stdout that is not UTF-8 (a Windows console or file, a C locale, PYTHONIOENCODING)
    still prints every prompt: what it cannot encode comes out as a backslash escape."""
    argv = ["tasks", "create", "Prix à Zürich 🙂", "--wait", "--fake", "--fake-speed", "100"]
    result = subprocess.run(
        [sys.executable, "-m", "browser_use_async", *argv],
        capture_output=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
    )
    out = result.stdout.decode("ascii")
    assert result.returncode == 0, result.stderr
    assert "prompt    Prix \\xe0 Z\\xfcrich \\U0001f642" in out


@pytest.mark.parametrize("as_json", [False, True])
def test_a_pipe_closed_after_the_task_ended_says_nothing_is_left_running(as_json: bool) -> None:
    """`tasks wait <id> | head -1` of a task that finished: not "keeps running; stop it"."""
    with FakeBrowserUseCloud(manual_time=True) as fake:
        task_id = fake.create_task("Find flights", steps=1, scenario=TaskScenario(steps=2))
        fake.advance(60)
        # the details are printed after one more look at the task: late, so the pipe is closed
        fake.faults.add("GET /tasks/{task_id}", Fault(delay=0.5), times=None)
        argv = cli_on(fake, "tasks", "wait", str(task_id), *(["--json"] if as_json else []))
        with subprocess.Popen(
            [sys.executable, "-m", "browser_use_async", *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as child:
            assert child.stdout is not None
            if not as_json:  # the steps and the final status, then the task's details
                for _ in range(3):
                    child.stdout.readline()
            child.stdout.close()
            _, err = child.communicate(timeout=60)
    assert child.returncode == 141
    assert err == b""


def closed_run(redirect: str, *argv: str) -> subprocess.CompletedProcess[bytes]:
    """The command run with a descriptor closed, as a cron job or daemon may start it."""
    shell = ["/bin/sh", "-c", f'exec "$@" {redirect}', "sh"]
    return subprocess.run(
        [*shell, sys.executable, "-m", "browser_use_async", *argv, "--fake", "--fake-speed", "100"],
        capture_output=True,
        timeout=60,
        check=False,
    )


def test_a_command_started_with_stdout_closed_still_follows_its_task() -> None:
    result = closed_run(">&-", "tasks", "create", "x", "--wait")
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""


def test_a_command_started_with_stderr_closed_keeps_its_messages_off_stdout() -> None:
    result = closed_run("2>&-", "tasks", "create", "x", "--json")
    assert result.returncode == 0
    assert uuid.UUID(json.loads(result.stdout)["id"])
