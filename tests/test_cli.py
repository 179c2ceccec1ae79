"""The command-line client, end to end against the fake cloud in a background thread."""

import io
import json
import subprocess
import sys
import uuid

import pytest

from browser_use_async.cli import main
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario


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
    assert "status: finished" in lines
    assert "status    finished" in out
    assert "\r" not in out


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
    with FakeBrowserUseCloud() as fake:
        code, out, err = run(
            capsys, "tasks", "list", "--api-key", "bu_wrong_secret", "--base-url", fake.base_url
        )
    assert code == 3
    assert "BROWSER_USE_API_KEY" in err
    assert "bu_wrong_secret" not in out + err


def test_list_reads_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeBrowserUseCloud() as fake:
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
    with FakeBrowserUseCloud() as fake:
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
