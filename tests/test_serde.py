"""JSON <-> model conversion, with no sockets."""

import datetime as dt
import decimal
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from browser_use_async import (
    FileView,
    InvalidArgumentError,
    TaskStatus,
    TaskStepView,
    TaskUpdateAction,
    TaskView,
    parse_judgement,
)
from browser_use_async._codec import DecodeError, decode, decode_json, encode, parse_datetime
from browser_use_async.models import UpdateTaskRequest
from tests.samples import FILE_ID, SESSION_ID, TASK_ID, full_task, task_bytes


def test_every_field_of_a_full_task() -> None:
    task = decode(task_bytes(), TaskView)
    assert task.id == uuid.UUID(TASK_ID)
    assert task.session_id == uuid.UUID(SESSION_ID)
    assert task.llm == "browser-use-2.0"
    assert task.task == "Find the weather in Zurich"
    assert task.status is TaskStatus.STOPPED
    assert task.created_at == dt.datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)
    assert task.started_at == dt.datetime(2025, 1, 2, 3, 4, 6, tzinfo=dt.UTC)
    assert task.finished_at == dt.datetime(2025, 1, 2, 3, 4, 7, tzinfo=dt.UTC)
    assert task.finished_at is not None
    assert task.finished_at.tzinfo is dt.UTC
    assert task.metadata == {"customer": "acme", "attempt": 2}
    assert task.output == "12 degrees and sunny"
    assert task.output_files == [FileView(id=uuid.UUID(FILE_ID), file_name="weather.csv")]
    assert task.browser_use_version == "0.9.4"
    assert task.is_success is True
    assert task.judgement == '{"verdict": true, "reasoning": "matches"}'
    assert task.judge_verdict is False
    assert task.cost == decimal.Decimal("0.0123")
    assert task.suggestions == [{"kind": "use_start_url"}]
    first, second = task.steps
    assert first == TaskStepView(
        number=1,
        memory="Opened the weather site.",
        evaluation_previous_goal="Starting",
        next_goal="Search for Zurich",
        url="https://weather.example.com",
        actions=['{"go_to_url": {"url": "https://weather.example.com"}}'],
        screenshot_url="https://shots.example.com/1.png",
        duration=2.5,
    )
    assert second.screenshot_url is None
    assert second.duration is None


def test_optional_fields_may_be_absent() -> None:
    body = {
        key: full_task()[key]
        for key in ("id", "sessionId", "llm", "task", "status", "createdAt", "steps", "outputFiles")
    }
    task = decode(json.dumps(body).encode(), TaskView)
    assert task.metadata == {}
    assert task.started_at is None
    assert task.cost is None
    assert task.suggestions is None


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2025-01-02T03:04:05", dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        ("2025-01-02T03:04:05Z", dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)),
        ("2025-01-02T03:04:05.5+00:00", dt.datetime(2025, 1, 2, 3, 4, 5, 500000, tzinfo=dt.UTC)),
        ("2025-01-02T04:04:05-01:00", dt.datetime(2025, 1, 2, 5, 4, 5, tzinfo=dt.UTC)),
    ],
)
def test_timestamps_are_aware_utc(wire: str, expected: dt.datetime) -> None:
    task = decode(task_bytes(createdAt=wire), TaskView)
    assert task.created_at == expected
    assert task.created_at.utcoffset() == dt.timedelta(0)


MINUTE_OFFSETS = st.integers(-23 * 60, 23 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))


@given(st.datetimes(timezones=MINUTE_OFFSETS))
def test_any_aware_timestamp_keeps_its_instant(moment: dt.datetime) -> None:
    parsed = parse_datetime(moment.isoformat())
    assert parsed == moment
    assert parsed.tzinfo is dt.UTC


@given(st.datetimes())
def test_any_naive_timestamp_is_read_as_utc(moment: dt.datetime) -> None:
    assert parse_datetime(moment.isoformat()) == moment.replace(tzinfo=dt.UTC)


def test_unknown_fields_are_ignored() -> None:
    task = decode(task_bytes(brandNewField={"x": 1}, anotherOne=[1, 2]), TaskView)
    assert task.id == uuid.UUID(TASK_ID)


def test_unknown_status_is_kept_as_the_raw_string() -> None:
    task = decode(task_bytes(status="paused"), TaskView)
    assert task.status == "paused"
    assert type(task.status) is str
    assert not isinstance(task.status, TaskStatus)


@pytest.mark.parametrize("status", list(TaskStatus))
def test_known_status_is_the_member(status: TaskStatus) -> None:
    assert decode(task_bytes(status=status.value), TaskView).status is status


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"id": None}, "@ $.id"),
        ({"id": "not-a-uuid"}, "@ $.id"),
        ({"llm": 7}, "@ $.llm"),
        ({"status": 3}, "@ $.status"),
        ({"steps": "abc"}, "@ $.steps"),
        ({"steps": [{"number": "1"}]}, "@ $.steps[0].number"),
        ({"isSuccess": "yes"}, "@ $.isSuccess"),
        ({"cost": "a lot"}, "@ $.cost"),
        ({"cost": "NaN"}, "@ $.cost"),
        ({"metadata": [1]}, "@ $.metadata"),
        ({"createdAt": "yesterday"}, "@ $.createdAt"),
        ({"outputFiles": [{"id": FILE_ID}]}, "@ $.outputFiles[0].fileName"),
    ],
)
def test_wrong_types_name_the_field_path(overrides: dict[str, object], expected: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(task_bytes(**overrides), TaskView)
    assert any(expected in error for error in info.value.errors), info.value.errors


def test_missing_required_field_names_it() -> None:
    body = full_task()
    del body["id"]
    with pytest.raises(DecodeError) as info:
        decode(json.dumps(body).encode(), TaskView)
    assert info.value.errors == ["required field missing @ $.id"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "expected a JSON object @ $, got list"),
        (b"\xff\xfe\xfd", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_bodies_that_are_not_objects(body: bytes, expected: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode(body, TaskView)
    assert expected in str(info.value)


def test_request_body_is_compact_camel_case_json() -> None:
    assert encode(UpdateTaskRequest(action=TaskUpdateAction.STOP)) == b'{"action":"stop"}'
    assert (
        encode(UpdateTaskRequest(action=TaskUpdateAction.STOP_TASK_AND_SESSION))
        == b'{"action":"stop_task_and_session"}'
    )


def test_models_are_frozen_and_slotted() -> None:
    task = decode(task_bytes(), TaskView)
    with pytest.raises(AttributeError):
        task.status = TaskStatus.STARTED  # type: ignore[misc]
    assert not hasattr(task, "__dict__")


def test_enums_are_str_enums_with_upper_case_members() -> None:
    stopped: str = "stopped"
    both: str = "stop_task_and_session"
    assert stopped == TaskStatus.STOPPED
    assert both == TaskUpdateAction.STOP_TASK_AND_SESSION
    assert TaskStatus.FAILED.is_terminal
    assert not TaskStatus.STARTED.is_terminal


def test_parse_judgement() -> None:
    assert parse_judgement('{"verdict": true}') == {"verdict": True}
    assert parse_judgement(None) is None
    with pytest.raises(InvalidArgumentError, match="not valid JSON"):
        parse_judgement("{")
    with pytest.raises(InvalidArgumentError, match="not an object"):
        parse_judgement("[1]")


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ({"actions": ["click", 1]}, "@ $.steps[0].actions[1]"),
        ({"actions": [True]}, "@ $.steps[0].actions[0]"),
        ({"actions": "click"}, "@ $.steps[0].actions"),
        ({"screenshotUrl": 5}, "@ $.steps[0].screenshotUrl"),
        ({"duration": "2.5"}, "@ $.steps[0].duration"),
        ({"duration": True}, "@ $.steps[0].duration"),
    ],
)
def test_wrong_items_and_optional_values_name_their_path(
    step: dict[str, object], expected: str
) -> None:
    steps = [{**full_task()["steps"][0], **step}]
    with pytest.raises(DecodeError) as info:
        decode(task_bytes(steps=steps), TaskView)
    assert any(expected in error for error in info.value.errors), info.value.errors


def test_optional_values_and_string_lists_are_read_as_they_are() -> None:
    steps = [{**full_task()["steps"][0], "duration": 3, "actions": ["a", "b"]}]
    task = decode(task_bytes(steps=steps), TaskView)
    assert task.steps[0].duration == 3.0
    assert type(task.steps[0].duration) is float
    assert task.steps[0].actions == ["a", "b"]
    assert task.steps[0].screenshot_url == "https://shots.example.com/1.png"


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES, st.booleans())
def test_bodies_are_read_exactly_as_json_loads_reads_them(value: object, ascii: bool) -> None:
    body = json.dumps(value, ensure_ascii=ascii).encode()
    # json.dumps tells int from float, NaN from null and keeps the order of keys.
    assert json.dumps(decode_json(body)) == json.dumps(json.loads(body))


@pytest.mark.parametrize(
    "body",
    [
        b'{"n": 123456789012345678901234567890, "m": -9223372036854775809}',
        b'{"x": NaN, "y": -Infinity, "z": 1e400}',
        b'{"s": "\\ud800"}',
        '{"s": "Zürich"}'.encode("utf-16"),
        b'\xef\xbb\xbf{"bom": 1}',
    ],
)
def test_what_orjson_reads_otherwise_is_left_to_json(body: bytes) -> None:
    assert json.dumps(decode_json(body)) == json.dumps(json.loads(body))


def test_a_very_long_integer_in_metadata_stays_exact() -> None:
    task = decode(task_bytes(metadata={"big": 2**70, "neg": -(2**63) - 1}), TaskView)
    assert task.metadata == {"big": 2**70, "neg": -(2**63) - 1}
    assert type(task.metadata["big"]) is int
