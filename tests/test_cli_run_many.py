"""`browser-use-async tasks run-many`: its JSON-lines input, checked line by line before
anything is sent, and the batch run end to end against the fake cloud."""

import pytest

from browser_use_async import InvalidArgumentError, SessionSettings
from browser_use_async._cli_batch import read_inputs


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
