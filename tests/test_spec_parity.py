"""The SDK against the spec it was written from (spec/openapi-v2.json: the upstream copy with
the amendments of spec/amendments-v2.json, see tests/test_refresh_spec.py).

Every schema has a model of the same name with the same fields, required and nullable as the
spec says, and every enum a StrEnum with the spec's values. Every operation has a method
(async and sync) that sends exactly the spec's verb and path, and only the spec's query
parameters and body fields.
"""

import datetime as dt
import enum
import inspect
import json
import re
import types
import typing
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import attrs
import pytest

from browser_use_async import (
    AsyncBrowserUse,
    AsyncPager,
    BrowserUse,
    Pager,
    UnprocessableEntityError,
    models,
)
from browser_use_async._codec import to_camel
from browser_use_async._types import NotGiven
from browser_use_async.testing import FakeBrowserUseCloud
from tests.fakecloud import Api, build_world

SPEC: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "spec" / "openapi-v2.json").read_text("utf-8")
)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]
# Error bodies (and what only they use) are read into `APIStatusError.body` as they come, not
# into models.
ERROR_SCHEMAS = {name for name in SCHEMAS if name.endswith("Error")} | {"APIKeySpendLimitDetail"}
ENUMS = sorted(name for name, schema in SCHEMAS.items() if "enum" in schema)
OBJECTS = sorted(
    name for name, schema in SCHEMAS.items() if "properties" in schema and name not in ERROR_SCHEMAS
)


def _refs(schema: Any) -> set[str]:
    """Names of the schemas `schema` refers to, directly or through others."""
    found: set[str] = set()
    pending = [schema]
    while pending:
        for name in re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(pending.pop())):
            if name not in found:
                found.add(name)
                pending.append(SCHEMAS[name])
    return found


REQUESTS = sorted(
    name
    for name in _refs(
        [op.get("requestBody", {}) for item in SPEC["paths"].values() for op in item.values()]
    )
    if name in OBJECTS
)


def nullable(schema: dict[str, Any]) -> bool:
    return any(option.get("type") == "null" for option in schema.get("anyOf", ()))


def allows_none(tp: Any) -> bool:
    if tp is Any:
        return True
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(
        None
    ) in typing.get_args(tp)


@pytest.mark.parametrize("name", OBJECTS)
def test_every_schema_has_a_model_with_its_fields(name: str) -> None:
    cls = getattr(models, name, None)
    assert cls is not None, f"no model browser_use_async.models.{name}"
    assert attrs.has(cls)
    schema = SCHEMAS[name]
    fields = {to_camel(field.name): field for field in attrs.fields(cls)}
    assert set(fields) == set(schema["properties"]), "fields differ from the spec's properties"
    hints = typing.get_type_hints(cls)
    required = set(schema.get("required", ()))
    for wire, field in fields.items():
        has_default = field.default is not attrs.NOTHING
        assert has_default == (wire not in required), f"{name}.{field.name}: required differs"
        if nullable(schema["properties"][wire]):
            assert allows_none(hints[field.name]), f"{name}.{field.name} must allow None"


@pytest.mark.parametrize("name", REQUESTS)
def test_request_models_leave_out_what_was_not_given(name: str) -> None:
    cls = getattr(models, name)
    optional = [f for f in attrs.fields(cls) if f.default is not attrs.NOTHING]
    for field in optional:
        assert isinstance(field.default, NotGiven), f"{name}.{field.name} defaults to NOT_GIVEN"


@pytest.mark.parametrize("name", ENUMS)
def test_every_enum_is_a_str_enum_with_the_spec_values(name: str) -> None:
    cls = getattr(models, name, None)
    assert isinstance(cls, type)
    assert issubclass(cls, enum.StrEnum)
    assert [member.value for member in cls] == SCHEMAS[name]["enum"]
    assert all(member.name == member.name.upper() for member in cls)


def test_upload_content_types_are_the_spec_list() -> None:
    spec_types = SCHEMAS["UploadFileRequest"]["properties"]["contentType"]["enum"]
    assert [member.value for member in models.UploadContentType] == spec_types


# -- operations ---------------------------------------------------------------------------------

DAY = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
PROXY = models.CustomProxy(host="proxy.example.com", port=8080, username="u", password="p")
Call = Callable[[AsyncBrowserUse, dict[str, Any]], Awaitable[object]]

# Each operation of the spec: the SDK method that serves it, called with every optional
# argument it has, so that whatever it sends can be compared with the spec.
CALLS: dict[tuple[str, str], tuple[str, Call]] = {
    ("GET", "/billing/account"): ("billing.account", lambda c, w: c.billing.account()),
    ("GET", "/tasks"): (
        "tasks.list",
        lambda c, w: c.tasks.list(
            page_size=5,
            page_number=1,
            session_id=w["session_id"],
            filter_by="finished",
            after=DAY,
            before=DAY + dt.timedelta(days=9999),
        ),
    ),
    ("POST", "/tasks"): (
        "tasks.create",
        lambda c, w: c.tasks.create(
            "Find the news",
            llm="browser-use-2.0",
            start_url="https://example.com",
            max_steps=5,
            structured_output={"type": "object"},
            metadata={"k": "v"},
            secrets={"user": "pw"},
            allowed_domains=["example.com"],
            op_vault_id=None,
            session_settings=models.SessionSettings(
                profile_id=w["profile_id"],
                proxy_country_code="de",
                browser_screen_width=1024,
                browser_screen_height=768,
                enable_recording=False,
            ),
            highlight_elements=True,
            flash_mode=False,
            thinking=True,
            thinking_level="medium",
            vision="auto",
            system_prompt_extension="Be brief.",
            judge=True,
            judge_ground_truth="42",
            judge_llm="gpt-4.1",
            skill_ids=["*"],
        ),
    ),
    ("GET", "/tasks/{task_id}"): ("tasks.get", lambda c, w: c.tasks.get(w["task_id"])),
    ("PATCH", "/tasks/{task_id}"): (
        "tasks.update",
        lambda c, w: c.tasks.update(w["task_id"], action="stop"),
    ),
    ("GET", "/tasks/{task_id}/status"): ("tasks.status", lambda c, w: c.tasks.status(w["task_id"])),
    ("GET", "/tasks/{task_id}/logs"): ("tasks.logs", lambda c, w: c.tasks.logs(w["task_id"])),
    ("GET", "/sessions"): (
        "sessions.list",
        lambda c, w: c.sessions.list(page_size=5, page_number=1, filter_by="active"),
    ),
    ("POST", "/sessions"): (
        "sessions.create",
        lambda c, w: c.sessions.create(
            profile_id=w["profile_id"],
            proxy_country_code=None,
            start_url="https://example.com",
            browser_screen_width=1280,
            browser_screen_height=800,
            persist_memory=True,
            keep_alive=True,
            custom_proxy=PROXY,
            enable_recording=True,
        ),
    ),
    ("GET", "/sessions/{session_id}"): (
        "sessions.get",
        lambda c, w: c.sessions.get(w["session_id"]),
    ),
    ("PATCH", "/sessions/{session_id}"): (
        "sessions.update",
        lambda c, w: c.sessions.update(w["session_id"], action="stop"),
    ),
    ("DELETE", "/sessions/{session_id}"): (
        "sessions.delete",
        lambda c, w: c.sessions.delete(w["session_id"]),
    ),
    ("POST", "/sessions/{session_id}/purge"): (
        "sessions.purge",
        lambda c, w: c.sessions.purge(w["session_id"]),
    ),
    ("GET", "/sessions/{session_id}/public-share"): (
        "sessions.get_share",
        lambda c, w: c.sessions.get_share(w["session_id"]),
    ),
    ("POST", "/sessions/{session_id}/public-share"): (
        "sessions.create_share",
        lambda c, w: c.sessions.create_share(w["session_id"]),
    ),
    ("DELETE", "/sessions/{session_id}/public-share"): (
        "sessions.delete_share",
        lambda c, w: c.sessions.delete_share(w["session_id"]),
    ),
    ("POST", "/files/sessions/{session_id}/presigned-url"): (
        "files.session_url",
        lambda c, w: c.files.session_url(
            w["session_id"], file_name="a.txt", content_type="text/plain", size_bytes=5
        ),
    ),
    ("POST", "/files/browsers/{session_id}/presigned-url"): (
        "files.browser_url",
        lambda c, w: c.files.browser_url(
            w["browser_id"], file_name="a.png", content_type="image/png", size_bytes=5
        ),
    ),
    ("GET", "/files/tasks/{task_id}/output-files/{file_id}"): (
        "files.task_output",
        lambda c, w: c.files.task_output(w["task_id"], w["file_id"]),
    ),
    ("GET", "/profiles"): (
        "profiles.list",
        lambda c, w: c.profiles.list(page_size=5, page_number=1, query="Wo"),
    ),
    ("POST", "/profiles"): (
        "profiles.create",
        lambda c, w: c.profiles.create(name="Shopping", user_id="user-1"),
    ),
    ("GET", "/profiles/{profile_id}"): (
        "profiles.get",
        lambda c, w: c.profiles.get(w["profile_id"]),
    ),
    ("PATCH", "/profiles/{profile_id}"): (
        "profiles.update",
        lambda c, w: c.profiles.update(w["profile_id"], name="Home", user_id=None),
    ),
    ("DELETE", "/profiles/{profile_id}"): (
        "profiles.delete",
        lambda c, w: c.profiles.delete(w["profile_id"]),
    ),
    ("GET", "/browsers"): (
        "browsers.list",
        lambda c, w: c.browsers.list(
            page_size=5, page_number=1, filter_by="active", agent_session_id=w["session_id"]
        ),
    ),
    ("POST", "/browsers"): (
        "browsers.create",
        lambda c, w: c.browsers.create(
            profile_id=w["profile_id"],
            proxy_country_code="ci",
            metadata={"team": "qa"},
            timeout=30,
            browser_screen_width=1280,
            browser_screen_height=800,
            allow_resizing=True,
            pdf_renderer_enabled=False,
            solve_captchas=False,
            custom_proxy=None,
            enable_recording=False,
            extension_ids=["3c90c3cc-0d44-4b50-8888-8dd25736052a"],
        ),
    ),
    ("GET", "/browsers/{session_id}"): (
        "browsers.get",
        lambda c, w: c.browsers.get(w["browser_id"]),
    ),
    ("PATCH", "/browsers/{session_id}"): (
        "browsers.update",
        lambda c, w: c.browsers.update(w["browser_id"], action="stop"),
    ),
    ("GET", "/browsers/{session_id}/downloads"): (
        "browsers.downloads",
        lambda c, w: c.browsers.downloads(
            w["browser_id"], limit=10, cursor=None, include_urls=True
        ),
    ),
    ("GET", "/skills"): (
        "skills.list",
        lambda c, w: c.skills.list(
            page_size=5,
            page_number=1,
            is_public=False,
            is_enabled=True,
            category="search",
            query="pri",
            from_date=DAY,
            to_date=DAY + dt.timedelta(days=9999),
        ),
    ),
    ("POST", "/skills"): (
        "skills.create",
        lambda c, w: c.skills.create(
            goal="Weather", agent_prompt="Get the forecast.", title="Weather", description="d"
        ),
    ),
    ("GET", "/skills/{skill_id}"): ("skills.get", lambda c, w: c.skills.get(w["skill_id"])),
    ("DELETE", "/skills/{skill_id}"): (
        "skills.delete",
        lambda c, w: c.skills.delete(w["skill_id"]),
    ),
    ("PATCH", "/skills/{skill_id}"): (
        "skills.update",
        lambda c, w: c.skills.update(
            w["skill_id"],
            title="Prices",
            description="All prices",
            categories=["search"],
            domains=["example.com"],
            is_enabled=True,
        ),
    ),
    ("POST", "/skills/{skill_id}/cancel"): (
        "skills.cancel",
        lambda c, w: c.skills.cancel(w["generating_id"]),
    ),
    ("POST", "/skills/{skill_id}/rollback"): (
        "skills.rollback",
        lambda c, w: c.skills.rollback(w["skill_id"]),
    ),
    ("POST", "/skills/{skill_id}/execute"): (
        "skills.execute",
        lambda c, w: c.skills.execute(
            w["skill_id"], parameters={"query": "x"}, session_id=w["session_id"]
        ),
    ),
    ("POST", "/skills/{skill_id}/refine"): (
        "skills.refine",
        lambda c, w: c.skills.refine(
            w["skill_id"], feedback="Also list sizes.", test_output="out", test_logs="logs"
        ),
    ),
    ("GET", "/skills/{skill_id}/executions"): (
        "skills.executions",
        lambda c, w: c.skills.executions(w["skill_id"], page_size=5, page_number=1),
    ),
    ("GET", "/skills/{skill_id}/executions/{execution_id}/output"): (
        "skills.execution_output",
        lambda c, w: c.skills.execution_output(w["skill_id"], w["execution_id"]),
    ),
    ("GET", "/marketplace/skills"): (
        "marketplace.list",
        lambda c, w: c.marketplace.list(
            page_size=5,
            page_number=1,
            query="a",
            category="travel",
            from_date=DAY,
            to_date=DAY + dt.timedelta(days=9999),
        ),
    ),
    ("GET", "/marketplace/skills/{skill_slug}"): (
        "marketplace.get",
        lambda c, w: c.marketplace.get(w["slug"]),
    ),
    ("POST", "/marketplace/skills/{skill_id}/clone"): (
        "marketplace.clone",
        lambda c, w: c.marketplace.clone(w["market_id"]),
    ),
    ("POST", "/marketplace/skills/{skill_id}/execute"): (
        "marketplace.execute",
        lambda c, w: c.marketplace.execute(
            w["market_id"], parameters={"query": "Lisbon"}, session_id=w["session_id"]
        ),
    ),
}

OPERATIONS = {
    (method.upper(), path): op
    for path, item in SPEC["paths"].items()
    for method, op in item.items()
}


def test_every_operation_has_a_method() -> None:
    assert sorted(CALLS) == sorted(OPERATIONS)
    assert len(CALLS) == 44


def _method(client: object, dotted: str) -> Any:
    resource, name = dotted.split(".")
    return getattr(getattr(client, resource), name)


def _schema_name(schema: dict[str, Any] | None) -> str | None:
    ref = (schema or {}).get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^/api/v2" + re.sub(r"\{[a-z_]+\}", "[^/]+", path) + "$")


@pytest.mark.parametrize(("method", "path"), sorted(CALLS))
async def test_method_sends_only_what_the_spec_has(method: str, path: str) -> None:
    dotted, call = CALLS[method, path]
    operation = OPERATIONS[method, path]
    async with FakeBrowserUseCloud(manual_time=True) as fake, aiohttp.ClientSession() as session:
        world = await build_world(Api(fake, session))
        if path.endswith("/cancel"):
            body = {"goal": "G", "agentPrompt": "Do it now."}
            world["generating_id"] = (await Api(fake, session).ok("POST", "/skills", body=body))[
                "id"
            ]
        before = len(fake.requests)
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            result = await call(client, world)
            [sent] = fake.requests[before:]
    assert sent.method == method
    assert _template(path).match(sent.path), sent.path
    params = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"}
    assert set(sent.query) <= params
    body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if sent.body:
        name = _schema_name(body_schema.get("schema"))
        assert name is not None, "a body where the spec has none"
        properties = SCHEMAS[name]["properties"]
        assert set(sent.json()) <= set(properties)
    success = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
    content = next(iter(success.values())).get("content")
    expected = _schema_name(content["application/json"]["schema"]) if content else None
    returns = typing.get_type_hints(_method(client, dotted))["return"]
    if typing.get_origin(returns) is AsyncPager:
        returns = typing.get_args(returns)[1]  # a list: awaited, one page
    if expected is None:
        assert result is None
        assert returns is type(None)
    else:
        assert type(result).__name__ == expected
        assert returns.__name__ == expected


def test_every_operation_has_a_sync_method_with_the_same_signature() -> None:
    with BrowserUse(api_key="bu_key", base_url="http://127.0.0.1:9/api/v2") as sync:
        async_client = AsyncBrowserUse(api_key="bu_key", base_url="http://127.0.0.1:9/api/v2")
        for dotted, _ in CALLS.values():
            blocking, awaitable = _method(sync, dotted), _method(async_client, dotted)
            assert not inspect.iscoroutinefunction(blocking), dotted
            signatures = [inspect.signature(f, eval_str=True) for f in (blocking, awaitable)]
            returns = [s.return_annotation for s in signatures]
            if typing.get_origin(returns[1]) is AsyncPager:  # a list: Pager in blocking code
                assert typing.get_origin(returns[0]) is Pager, dotted
                assert typing.get_args(returns[0]) == typing.get_args(returns[1]), dotted
                signatures = [s.replace(return_annotation=None) for s in signatures]
            assert signatures[0] == signatures[1], dotted


BODIES = sorted(key for key, op in OPERATIONS.items() if "requestBody" in op)


@pytest.mark.parametrize(("method", "path"), BODIES)
def test_every_body_field_is_an_argument_of_the_method(method: str, path: str) -> None:
    """A field the spec (or an amendment) adds to a request cannot be left without a way to
    send it: every property of the body is a parameter of the method."""
    dotted, _ = CALLS[method, path]
    client = AsyncBrowserUse(api_key="bu_key", base_url="http://127.0.0.1:9/api/v2")
    names = set(inspect.signature(_method(client, dotted)).parameters)
    if dotted == "tasks.create":
        names |= set(models.TaskOptions.__annotations__)
    body = OPERATIONS[method, path]["requestBody"]["content"]["application/json"]["schema"]
    name = _schema_name(body)
    assert name is not None
    assert set(SCHEMAS[name]["properties"]) <= {to_camel(n) for n in names}


async def test_llm_ids_are_an_open_enum() -> None:
    """Known ids are `SupportedLLMs` members; an id newer than the SDK is sent as it is."""
    assert models.SupportedLLMs("claude-opus-5") is models.SupportedLLMs.CLAUDE_OPUS_5
    assert models.SupportedLLMs.GPT_5_6_SOL.value == "gpt-5.6-sol"
    async with FakeBrowserUseCloud() as fake:
        async with AsyncBrowserUse(api_key=fake.api_key, base_url=fake.base_url) as client:
            await client.tasks.create("t", llm=models.SupportedLLMs.GEMINI_3_5_FLASH)
            with pytest.raises(UnprocessableEntityError) as refused:
                await client.tasks.create("t", llm="model-from-the-future", judge_llm="x")
        sent = [request.json() for request in fake.requests]
    assert [body.get("llm") for body in sent] == ["gemini-3.5-flash", "model-from-the-future"]
    assert sent[1]["judgeLlm"] == "x"
    # The fake, like the API, refuses an id it does not list: the client sent it all the same.
    assert "llm" in str(refused.value)
