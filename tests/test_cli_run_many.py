"""`browser-use-async tasks run-many`: its JSON-lines input, checked line by line before
anything is sent, and the batch run end to end against the fake cloud."""

import asyncio
import io
import json
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from browser_use_async import InvalidArgumentError, SessionSettings
from browser_use_async._batch._result import TaskResult
from browser_use_async._cli_batch import read_inputs, result_line
from browser_use_async._codec import decode
from browser_use_async.models.tasks import TaskView
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from tests.conftest import QUICK, child_process
from tests.samples import TASK_ID, task_bytes
from tests.test_cli import Terminal, cli_on, run

pytestmark = pytest.mark.timeout(60)

Capture = pytest.CaptureFixture[str]
NAMES = ["task", "maxSteps", "max_steps", "llm", "sessionSettings", "proxyCountryCode", "secrets"]
FAST = ["--poll-interval", "0.05"]


def lines(*texts: str) -> list[bytes]:
    return [f"{text}\n".encode() for text in texts]


def test_a_line_is_a_prompt_or_an_object_of_create_keywords() -> None:
    inputs = read_inputs(
        lines(
            '"Find flights"',
            "",
            "   ",
            '{"task": "Find hotels", "maxSteps": 3, "key": "hotels"}',
            '{"task": "Find cars", "max_steps": 4, "llm": "o3"}',
            '{"task": "Find trains", "sessionSettings": {"proxyCountryCode": "de"}}',
        ),
        {"llm": "gpt-4.1", "start_url": "https://example.com"},
    )
    common = {"llm": "gpt-4.1", "start_url": "https://example.com"}
    assert inputs == [
        {**common, "task": "Find flights", "key": "0"},
        {**common, "task": "Find hotels", "max_steps": 3, "key": "hotels"},
        {**common, "task": "Find cars", "max_steps": 4, "llm": "o3", "key": "2"},
        {
            **common,
            "task": "Find trains",
            "session_settings": SessionSettings(proxy_country_code="de"),
            "key": "3",
        },
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{", "line 2: not JSON (Expecting property name"),
        (
            "42",
            "line 2: expected a JSON string (the prompt) or an object of create keywords, "
            "got a number",
        ),
        ("null", "got null"),
        ("true", "got a boolean"),
        ("1.5", "got a number"),
        ('["a"]', "got an array"),
        ('{"maxSteps": 3}', "line 2: an object needs 'task' (the prompt)"),
        ('{"task": "x", "steps": 3}', "line 2: unknown key 'steps'"),
        ('{"task": "x", "maxSteps": 3, "max_steps": 4}', "'max_steps' is given twice"),
        ('{"task": "x", "maxSteps": 0}', "line 2: max_steps"),
        ('""', "line 2: task"),
        ('{"task": "x", "key": ""}', "'key' must be a non-empty string"),
        ('{"task": "x", "key": 7}', "'key' must be a non-empty string"),
        ('{"task": "x", "key": "0"}', "line 2: key '0' is line 1's too"),
        ('{"task": "x", "sessionSettings": {"proxy": 1}}', "line 2: unknown key 'proxy'"),
        ('{"task": "x", "sessionSettings": "de"}', "line 2: session_settings"),
        ("[" * 100_000, "line 2: not JSON"),
    ],
)
def test_a_bad_line_is_named_by_its_number(line: str, message: str) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        read_inputs([b'"first"\n', line.encode(), b'"third"\n'], {})
    assert message in str(info.value)


def test_text_that_is_not_utf8_is_refused_by_line() -> None:
    with pytest.raises(InvalidArgumentError, match=r"^line 1: not UTF-8 text$"):
        read_inputs([b'"caf\xe9"\n'], {})


def test_a_secret_in_a_refused_line_is_not_repeated() -> None:
    line = b'{"task": "x", "secrets": {"password": "hunter2"}, "maxSteps": -1}'
    with pytest.raises(InvalidArgumentError) as info:
        read_inputs([line], {})
    assert "hunter2" not in str(info.value)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from([*NAMES, "key", "other"]), inner, max_size=4)
    ),
    max_leaves=8,
)


@settings(max_examples=300)
@given(st.lists(JSON | st.text(max_size=8).map(str.encode), max_size=4))
def test_any_line_is_an_input_or_refused_with_a_line_number(values: list[object]) -> None:
    lines = [value if isinstance(value, bytes) else json.dumps(value).encode() for value in values]
    try:
        inputs: list[dict[str, object]] | str = read_inputs(lines, {})
    except InvalidArgumentError as error:
        inputs = str(error)
    if isinstance(inputs, str):
        assert re.match(r"line \d+: ", inputs), inputs
    else:
        assert len(inputs) == sum(bool(line.strip()) for line in lines)


# -- the command, end to end -------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[FakeBrowserUseCloud]:
    """A fake whose clock runs in real time, with tasks that end within a tenth of a second."""
    with FakeBrowserUseCloud() as cloud:
        cloud.default_scenario = QUICK
        yield cloud


def prompts(tmp_path: Path, *texts: str) -> str:
    path = tmp_path / "prompts.jsonl"
    path.write_text("".join(f"{text}\n" for text in texts))
    return str(path)


def results(text: str) -> dict[str, dict[str, object]]:
    """Result lines by key; each key once."""
    lines = [json.loads(line) for line in text.splitlines()]
    by_key = {line["key"]: line for line in lines}
    assert len(by_key) == len(lines)
    return by_key


def creates(fake: FakeBrowserUseCloud) -> int:
    return sum(r.method == "POST" and r.path == "/api/v2/tasks" for r in fake.requests)


def test_each_input_gets_a_result_line_and_the_progress_goes_to_stderr(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path
) -> None:
    file = prompts(
        tmp_path,
        '"Find flights"',
        "",
        '{"task": "Find hotels", "key": "hotels", "maxSteps": 5}',
        '{"task": "Find cars", "max_steps": 4, "llm": "o3"}',
    )
    out = tmp_path / "results.jsonl"
    argv = cli_on(fake, "tasks", "run-many", file, "--out", str(out), "--llm", "gpt-4.1", *FAST)
    code, stdout, stderr = run(capsys, *argv)
    assert code == 0, stderr
    assert stdout == ""
    lines = results(out.read_text())
    assert set(lines) == {"0", "hotels", "2"}
    for key, index, prompt in [("0", 0, "Find flights"), ("hotels", 1, "Find hotels")]:
        line = lines[key]
        task = fake.tasks[uuid.UUID(str(line["taskId"]))]
        assert task["task"] == prompt
        assert line == {
            "index": index,
            "key": key,
            "taskId": task["id"],
            "status": "finished",
            "output": f"Done: {prompt}",
            "error": None,
            "cost": "0.02",
        }
    sent = {r.json()["task"]: r.json() for r in fake.requests if r.path == "/api/v2/tasks"}
    assert (sent["Find flights"]["llm"], sent["Find cars"]["llm"]) == ("gpt-4.1", "o3")
    assert sent["Find hotels"]["maxSteps"] == 5
    assert stderr.splitlines()[-1] == "done 3 · running 0 · queued 0 · failed 0 · $0.06"
    assert "\r" not in stderr


def test_without_out_the_results_go_to_stdout(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path
) -> None:
    code, stdout, _ = run(
        capsys, *cli_on(fake, "tasks", "run-many", prompts(tmp_path, '"a"', '"b"'), *FAST)
    )
    assert code == 0
    assert {line["status"] for line in results(stdout).values()} == {"finished"}


def test_stdin_is_read_with_a_dash(
    capsys: Capture, fake: FakeBrowserUseCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'"a"\n{"task": "b"}\n')))
    code, stdout, _ = run(capsys, *cli_on(fake, "tasks", "run-many", "-", *FAST))
    assert code == 0
    assert set(results(stdout)) == {"0", "1"}


def test_a_failed_input_has_its_error_and_the_exit_status_is_8(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path
) -> None:
    fake.scenarios["Break the site"] = TaskScenario(
        steps=1, start_delay=0.02, step_interval=0.03, fail=True
    )
    file = prompts(tmp_path, '"Break the site"', '"Find flights"')
    code, stdout, stderr = run(capsys, *cli_on(fake, "tasks", "run-many", file, *FAST))
    assert code == 8
    lines = results(stdout)
    assert lines["1"]["status"] == "finished"
    assert lines["1"]["error"] is None
    assert lines["0"]["status"] == "failed"
    assert "failed" in str(lines["0"]["error"])
    assert "failed 1" in stderr.splitlines()[-1]


def test_an_output_schema_gives_each_task_a_structured_output(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path
) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "properties": {"price": {"type": "number"}},
                "required": ["price"],
            }
        )
    )
    file = prompts(tmp_path, '"Find flights"', '{"task": "plain", "structuredOutput": null}')
    argv = cli_on(fake, "tasks", "run-many", file, "--output-schema", str(schema), *FAST)
    code, stdout, stderr = run(capsys, *argv)
    assert code == 0, stderr
    lines = results(stdout)
    assert isinstance(lines["0"]["output"], dict)
    assert isinstance(lines["0"]["output"]["price"], int | float)
    assert lines["1"]["output"] == "Done: plain"  # its own null: no schema, output as it is


def test_a_rerun_with_the_journal_rewrites_out_complete_without_creating_again(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path
) -> None:
    file = prompts(tmp_path, '"a"', '"b"', '"c"')
    out, journal = tmp_path / "results.jsonl", str(tmp_path / "batch.db")
    argv = cli_on(fake, "tasks", "run-many", file, "--journal", journal, "--out", str(out), *FAST)
    assert run(capsys, *argv)[0] == 0
    first = results(out.read_text())
    made = creates(fake)
    assert run(capsys, *argv)[0] == 0
    assert results(out.read_text()) == first
    assert creates(fake) == made == 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--concurrency", "0"], "--concurrency must be auto or a whole number of at least 1"),
        (["--concurrency", "many"], "got 'many'"),
        (["--max-cost", "-1"], "--max-cost"),
        (["--max-total-cost", "lots"], "--max-total-cost"),
        (["--poll-interval", "0"], "--poll-interval"),
        (["--wait-timeout", "nan"], "--wait-timeout"),
        (["--max-steps", "0"], "max_steps"),
        (["--output-schema", "/nonexistent/schema.json"], "cannot read --output-schema"),
        (["--output-schema", "{bad}"], "--output-schema is not valid JSON"),
        (["--out", "/nonexistent/dir/out.jsonl"], "cannot write --out"),
    ],
)
def test_bad_arguments_exit_2_before_anything_is_sent(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path, argv: list[str], message: str
) -> None:
    file = prompts(tmp_path, '"a"')
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    argv = [part.format(bad=bad) for part in argv]
    code, stdout, stderr = run(capsys, *cli_on(fake, "tasks", "run-many", file, *argv))
    assert fake.requests == []
    assert (code, stdout) == (2, "")
    assert stderr.startswith("error: ")
    assert stderr.count("\n") == 1
    assert message in stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('"a"\n\n{"task": "b", "bogus": 1}\n', "error: line 3: unknown key 'bogus'"),
        ('"a"\n"a"\n{"task": "b", "key": "1"}\n', "error: line 3: key '1' is line 2's too"),
    ],
)
def test_a_bad_line_exits_2_naming_it_before_anything_is_sent(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path, content: str, message: str
) -> None:
    file = tmp_path / "prompts.jsonl"
    file.write_text(content)
    code, stdout, stderr = run(capsys, *cli_on(fake, "tasks", "run-many", str(file)))
    assert fake.requests == []
    assert (code, stdout, stderr) == (2, "", message + "\n")


def test_a_missing_file_exits_2(capsys: Capture, fake: FakeBrowserUseCloud) -> None:
    code, _, stderr = run(capsys, *cli_on(fake, "tasks", "run-many", "/nonexistent.jsonl"))
    assert code == 2
    assert stderr == "error: cannot read FILE '/nonexistent.jsonl': No such file or directory\n"


def test_on_a_terminal_the_progress_line_is_redrawn_on_stderr(
    capsys: Capture,
    fake: FakeBrowserUseCloud,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    file = prompts(tmp_path, '"a"', '"b"')
    out = tmp_path / "results.jsonl"
    code = run(capsys, *cli_on(fake, "tasks", "run-many", file, "--out", str(out), *FAST))[0]
    assert code == 0
    assert screen.getvalue().startswith("\r")
    assert screen.getvalue().endswith("\rdone 2 · running 0 · queued 0 · failed 0 · $0.04\x1b[K\n")


def test_results_printed_on_a_terminal_are_not_mixed_with_a_progress_line(
    capsys: Capture,
    fake: FakeBrowserUseCloud,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setattr(sys, "stderr", screen)
    code = main_on(fake, "tasks", "run-many", prompts(tmp_path, '"a"', '"b"'), *FAST)
    assert code == 0
    assert set(results(screen.getvalue())) == {"0", "1"}  # only the result lines


def main_on(fake: FakeBrowserUseCloud, *argv: str) -> int:
    from browser_use_async.cli import main  # noqa: PLC0415

    return main(cli_on(fake, *argv))


@pytest.mark.parametrize(
    ("signum", "said", "status"),
    [(signal.SIGINT, "interrupted", 130), (signal.SIGTERM, "terminated", 143)],
)
async def test_ctrl_c_stops_the_running_tasks_says_how_many_and_exits_130(
    tmp_path: Path, signum: signal.Signals, said: str, status: int
) -> None:
    async with FakeBrowserUseCloud() as fake:
        fake.default_scenario = SLOW
        file = prompts(tmp_path, *(f'"task {i}"' for i in range(5)))
        argv = cli_on(fake, "tasks", "run-many", file, "--concurrency", "3", *FAST)
        async with child_process("-m", "browser_use_async", *argv) as child:
            async with asyncio.timeout(50):
                while len(fake.tasks) < 3:  # noqa: ASYNC110 (the server's state, not an event)
                    await asyncio.sleep(0.01)
                child.send_signal(signum)
                stdout, stderr = await child.communicate()
        statuses = [task["status"] for task in fake.tasks.values()]
    assert child.returncode == status
    assert stdout == b""
    assert statuses == ["stopped"] * 3
    assert stderr.decode().splitlines()[-2:] == [
        said,
        "The batch ended early: stopped 3 of its 3 running tasks.",
    ]


SLOW = TaskScenario(steps=1000, start_delay=0.02, step_interval=1.0)


def test_a_closed_stdout_stops_the_running_tasks(fake: FakeBrowserUseCloud, tmp_path: Path) -> None:
    """`run-many ... | head -1`: the next result finds the pipe closed; the batch's running
    tasks are stopped on the way out."""
    fake.scenarios["later"] = TaskScenario(steps=1, start_delay=0.5, step_interval=0.5)
    fake.scenarios["slow"] = SLOW
    file = prompts(tmp_path, '"quick"', '"later"', '"slow"')
    argv = cli_on(fake, "tasks", "run-many", file, *FAST)
    with subprocess.Popen(
        [sys.executable, "-m", "browser_use_async", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as child:
        assert child.stdout is not None
        assert json.loads(child.stdout.readline())["key"] == "0"
        child.stdout.close()
        _, stderr = child.communicate(timeout=50)
    statuses = {task["task"]: task["status"] for task in fake.tasks.values()}
    assert child.returncode == 141, stderr
    assert statuses == {"quick": "finished", "later": "finished", "slow": "stopped"}
    assert stderr.decode().splitlines()[-1] == (
        "The batch ended early: stopped 1 of its 1 running tasks."
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_out_that_cannot_be_written_ends_the_batch_and_stops_its_tasks(
    capsys: Capture, fake: FakeBrowserUseCloud, tmp_path: Path
) -> None:
    fake.scenarios["slow"] = SLOW
    file = prompts(tmp_path, '"quick"', '"slow"')
    argv = cli_on(fake, "tasks", "run-many", file, "--out", "/dev/full", *FAST)
    code, stdout, stderr = run(capsys, *argv)
    assert (code, stdout) == (1, "")
    assert stderr.splitlines()[-2:] == [
        "error: cannot write --out '/dev/full': No space left on device",
        "The batch ended early: stopped 1 of its 1 running tasks.",
    ]
    assert {task["task"]: task["status"] for task in fake.tasks.values()} == {
        "quick": "finished",
        "slow": "stopped",
    }


@pytest.mark.parametrize(
    ("output", "structured", "shown"),
    [
        ('{"price": 1.5}', True, {"price": 1.5}),
        ('{"price": 1.5}', False, '{"price": 1.5}'),
        ('{"price": NaN}', True, '{"price": NaN}'),  # no JSON: as it is
        ("not json", True, "not json"),
        (None, True, None),
    ],
)
def test_a_structured_output_is_read_as_json_when_it_is(
    output: str | None, structured: bool, shown: object
) -> None:
    task = decode(task_bytes(output=output, status="finished"), TaskView)
    result = TaskResult(index=3, key="k", task_id=task.id, task=task, value=task)
    line = json.loads(result_line(result, structured))
    assert line == {
        "index": 3,
        "key": "k",
        "taskId": TASK_ID,
        "status": "finished",
        "output": shown,
        "error": None,
        "cost": "0.0123",
    }
