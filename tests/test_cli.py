"""The command-line client, end to end against the fake cloud in a background thread."""

import json
import subprocess
import sys
import uuid

import pytest

from browser_use_async.cli import main


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
