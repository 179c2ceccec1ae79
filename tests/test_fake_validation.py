"""The fake checks keys, ids, queries and bodies as the API does, in the API's own shapes."""

import json
import pathlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._schema import SchemaValidator
from browser_use_async.testing._spec import load_spec, validator
from tests.fakecloud import Api

ROOT = pathlib.Path(__file__).parent.parent


@pytest.fixture
async def api(fake: FakeBrowserUseCloud) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(fake, session)


def test_the_shipped_spec_is_the_projects_spec() -> None:
    assert load_spec() == json.loads((ROOT / "spec" / "openapi-v2.json").read_text())


@pytest.mark.parametrize("key", ["", "bu_wrong"])
async def test_a_missing_or_wrong_key_is_401(api: Api, key: str) -> None:
    answer = await api.call("GET", "/billing/account", key=key)
    assert answer.status == 401
    assert answer.body == {"detail": "Invalid or missing API key"}


async def test_the_open_marketplace_needs_no_key(api: Api) -> None:
    answer = await api.call("GET", "/marketplace/skills", key="")
    assert answer.status == 200
    assert answer.body["totalItems"] == 2
    assert (await api.call("POST", "/marketplace/skills/x/clone", key="")).status == 401


async def test_the_key_is_checked_before_the_input(api: Api) -> None:
    answer = await api.call("GET", "/tasks/not-a-uuid", key="bu_wrong")
    assert answer.status == 401


async def test_a_bad_path_id_is_422(api: Api) -> None:
    answer = await api.call("GET", "/sessions/42")
    assert answer.status == 422
    assert answer.body == {
        "detail": [
            {
                "type": "uuid_parsing",
                "loc": ["path", "session_id"],
                "msg": "Input should be a valid UUID",
                "input": "42",
            }
        ]
    }


@pytest.mark.parametrize(
    ("query", "loc", "kind"),
    [
        ({"pageSize": "0"}, ["query", "pageSize"], "greater_than_equal"),
        ({"pageSize": "101"}, ["query", "pageSize"], "less_than_equal"),
        ({"pageNumber": "0"}, ["query", "pageNumber"], "greater_than_equal"),
        ({"pageSize": "ten"}, ["query", "pageSize"], "int_parsing"),
        ({"filterBy": "paused"}, ["query", "filterBy"], "enum"),
        ({"sessionId": "nope"}, ["query", "sessionId"], "uuid_parsing"),
        ({"after": "yesterday"}, ["query", "after"], "datetime_parsing"),
    ],
)
async def test_bad_query_parameters_are_422(
    api: Api, query: dict[str, str], loc: list[str], kind: str
) -> None:
    answer = await api.call("GET", "/tasks", params=query)
    assert answer.status == 422
    [item] = answer.body["detail"]
    assert (item["loc"], item["type"], item["input"]) == (loc, kind, next(iter(query.values())))


async def test_every_problem_is_reported_at_once(api: Api) -> None:
    body = {"task": "", "maxSteps": 0, "llm": "gpt-2", "metadata": {"n": 1}}
    answer = await api.call("POST", "/tasks", body=body)
    assert answer.status == 422
    found = [(item["loc"], item["type"]) for item in answer.body["detail"]]
    assert found == [
        (["body", "task"], "string_too_short"),
        (["body", "llm"], "enum"),
        (["body", "maxSteps"], "greater_than_equal"),
        (["body", "metadata", "n"], "string_type"),
    ]
    assert api.fake.tasks == {}


@pytest.mark.parametrize(
    ("raw", "content_type", "expected"),
    [
        (b"", "application/json", {"type": "missing", "loc": ["body"], "input": None}),
        (b"{oops", "application/json", {"type": "json_invalid", "loc": ["body", 1]}),
        (b"[1]", "application/json", {"type": "model_attributes_type", "loc": ["body"]}),
        (b'{"action":"stop"}', "text/plain", {"type": "model_attributes_type", "loc": ["body"]}),
        (b"{}", "application/json", {"type": "missing", "loc": ["body", "action"], "input": {}}),
        (b'{"action":"pause"}', "application/json", {"type": "enum", "input": "pause"}),
    ],
)
async def test_bad_bodies_are_422_in_fastapis_shape(
    api: Api, raw: bytes, content_type: str, expected: dict[str, Any]
) -> None:
    task_id = api.fake.create_task()
    headers = {"Content-Type": content_type}
    answer = await api.call("PATCH", f"/tasks/{task_id}", raw=raw, headers=headers)
    assert answer.status == 422
    [item] = answer.body["detail"]
    assert set(item) >= {"type", "loc", "msg", "input"}
    assert item | expected == item
    assert api.fake.tasks[task_id]["status"] == "started"


async def test_enum_messages_name_the_choices(api: Api) -> None:
    task_id = api.fake.create_task()
    answer = await api.call("PATCH", f"/tasks/{task_id}", body={"action": "pause"})
    [item] = answer.body["detail"]
    assert item["msg"] == "Input should be 'stop' or 'stop_task_and_session'"


@pytest.mark.parametrize(
    ("method", "path", "detail"),
    [
        ("GET", "/tasks/{id}", "Task not found"),
        ("GET", "/sessions/{id}", "Session not found"),
        ("GET", "/profiles/{id}", "Profile not found"),
        ("GET", "/browsers/{id}", "Session not found"),
        ("GET", "/skills/{id}", "Skill not found"),
        ("POST", "/marketplace/skills/{id}/clone", "Skill not found"),
        ("GET", "/marketplace/skills/no-such-slug", "Skill not found"),
        ("GET", "/no/such/route", "Not Found"),
    ],
)
async def test_unknown_things_are_404(api: Api, method: str, path: str, detail: str) -> None:
    answer = await api.call(method, path.replace("{id}", str(uuid.uuid4())))
    assert (answer.status, answer.body) == (404, {"detail": detail})


async def test_a_wrong_method_is_405(api: Api) -> None:
    answer = await api.call("PUT", "/tasks")
    assert (answer.status, answer.body) == (405, {"detail": "Method Not Allowed"})


def test_validator_refuses_what_the_schema_refuses() -> None:
    check = validator().check
    task_view = {"$ref": "#/components/schemas/TaskView"}
    _, issues = check(task_view, {"id": "x", "status": "done"})
    kinds = {(tuple(issue["loc"]), issue["type"]) for issue in issues}
    assert (("id",), "uuid_parsing") in kinds
    assert (("status",), "enum") in kinds
    assert (("sessionId",), "missing") in kinds
    _, issues = check(
        {"$ref": "#/components/schemas/TaskStatusView"},
        {"id": str(uuid.uuid4()), "status": "started", "cost": "1.x"},
    )
    assert [issue["type"] for issue in issues] == ["string_pattern_mismatch"]


@pytest.mark.parametrize(
    ("schema", "value", "kind"),
    [
        ({"type": "integer"}, 1.5, "int_from_float"),
        ({"type": "integer"}, True, "int_type"),
        ({"type": "number"}, "1", "float_type"),
        ({"type": "boolean"}, 1, "bool_type"),
        ({"type": "array", "items": {"type": "string"}}, "a", "list_type"),
        ({"type": "array", "items": {"type": "string"}}, [1], "string_type"),
        ({"type": "string", "maxLength": 2}, "abc", "string_too_long"),
        (
            {"type": "object", "additionalProperties": False, "properties": {}},
            {"a": 1},
            "extra_forbidden",
        ),
        ({"type": "object"}, [], "dict_type"),
        ({"const": "POST"}, "GET", "literal_error"),
        ({"type": "string", "format": "date-time"}, "soon", "datetime_parsing"),
        ({"anyOf": [{"type": "boolean"}, {"const": "auto"}]}, "x", "bool_type"),
    ],
)
def test_validator_keywords(schema: dict[str, Any], value: object, kind: str) -> None:
    _, issues = SchemaValidator({"components": {"schemas": {}}}).check(schema, value)
    assert issues
    assert issues[0]["type"] == kind


def test_validator_fills_defaults_and_reads_parameters() -> None:
    check = validator().check
    value, issues = check({"$ref": "#/components/schemas/CreateSessionRequest"}, {})
    assert issues == []
    assert value["keepAlive"] is True
    assert value["proxyCountryCode"] == "us"
    assert check({"type": "integer"}, "7", text=True) == (7, [])
    assert check({"type": "boolean"}, "yes", text=True) == (True, [])
    given = str(uuid.uuid4())
    assert check({"type": "string", "format": "uuid"}, given, text=True) == (uuid.UUID(given), [])
    assert check({"type": "integer"}, 2.0) == (2, [])
