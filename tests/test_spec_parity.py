"""The SDK against the specs it was written from (spec/openapi-v2.json and
spec/openapi-v4.json: each upstream copy with the amendments of spec/amendments-<v>.json, see
tests/test_refresh_spec.py).

For each version, every schema has a model of the same name with the same fields, required
and nullable as the spec says, every enum (named or inline) a StrEnum with the spec's values,
every amount a Decimal; the codec reads every response model and writes every request model as
the spec has them. Every operation has a method (async and sync) that sends exactly the spec's
verb and path, and only the spec's query parameters and body fields (`TABLES`: v2's now, v4's
with the v4 resources).
"""

import datetime as dt
import decimal
import email.message
import email.parser
import email.policy
import enum
import functools
import inspect
import io
import json
import re
import types
import typing
import uuid
import zipfile
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any, cast

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
from browser_use_async._codec import decode, encode, to_camel, to_dict, wire_name
from browser_use_async._types import NotGiven
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.v4 import AsyncBrowserUse as V4AsyncBrowserUse
from browser_use_async.v4 import BrowserUse as V4BrowserUse
from browser_use_async.v4 import models as v4_models
from browser_use_async.v4.resources.runs import RunOptions
from tests.fakecloud import Api, build_world

ROOT = Path(__file__).parent.parent


def _refs_in(schemas: dict[str, Any], schema: Any) -> set[str]:
    """Names of the schemas `schema` refers to, directly or through others."""
    found: set[str] = set()
    pending = [schema]
    while pending:
        for name in re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(pending.pop())):
            if name not in found:
                found.add(name)
                pending.append(schemas[name])
    return found


@attrs.frozen
class ApiSpec:
    """One API version's spec and the module of its models, with what the checks need."""

    version: str
    models: types.ModuleType
    inline_enums: dict[tuple[str, str], type[enum.StrEnum]]
    """Enums the spec writes inline in a property, and the model's enum for each."""

    @property
    def spec(self) -> dict[str, Any]:
        return _spec(self.version)

    @property
    def schemas(self) -> dict[str, Any]:
        schemas: dict[str, Any] = self.spec["components"]["schemas"]
        return schemas

    @property
    def errors(self) -> set[str]:
        """Error bodies (and what only they use) are read into `APIStatusError.body` as they
        come, not into models."""
        return {name for name in self.schemas if name.endswith("Error")} | {
            "APIKeySpendLimitDetail"
        }

    @property
    def enums(self) -> list[str]:
        return sorted(name for name, schema in self.schemas.items() if "enum" in schema)

    @property
    def objects(self) -> list[str]:
        return sorted(
            name
            for name, schema in self.schemas.items()
            if "properties" in schema and name not in self.errors
        )

    @property
    def requests(self) -> list[str]:
        bodies = [
            op.get("requestBody", {})
            for item in self.spec["paths"].values()
            for op in item.values()
        ]
        return sorted(name for name in _refs_in(self.schemas, bodies) if name in self.objects)

    @property
    def responses(self) -> list[str]:
        answers = [op["responses"] for item in self.spec["paths"].values() for op in item.values()]
        return sorted(name for name in _refs_in(self.schemas, answers) if name in self.objects)


@functools.cache
def _spec(version: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(
        (ROOT / "spec" / f"openapi-{version}.json").read_text("utf-8")
    )
    return spec


V2 = ApiSpec(
    "v2",
    models,
    inline_enums={("UploadFileRequest", "contentType"): models.UploadContentType},
)
V4 = ApiSpec(
    "v4",
    v4_models,
    inline_enums={
        ("RunCreateRequest", "model"): v4_models.RunModel,
        ("RunCreateResponse", "status"): v4_models.RunStatus,
        ("RunStatusResponse", "status"): v4_models.RunStatus,
        ("RunSummary", "status"): v4_models.RunStatus,
        ("SessionInfo", "status"): v4_models.RunStatus,
        ("QueuedMessage", "status"): v4_models.QueuedMessageStatus,
        ("QueuedMessage", "mode"): v4_models.QueuedMessageMode,
        ("RunAttachment", "status"): v4_models.RunAttachmentStatus,
    },
)
APIS = (V2, V4)


def _cases(names: Callable[[ApiSpec], list[str]]) -> Any:
    return pytest.mark.parametrize(
        ("api", "name"),
        [
            pytest.param(api, name, id=f"{api.version}-{name}")
            for api in APIS
            for name in names(api)
        ],
    )


def nullable(schema: dict[str, Any]) -> bool:
    return any(option.get("type") == "null" for option in schema.get("anyOf", ()))


def allows_none(tp: Any) -> bool:
    if tp is Any:
        return True
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(
        None
    ) in typing.get_args(tp)


def _model(api: ApiSpec, name: str) -> Any:
    cls = getattr(api.models, name, None)
    assert cls is not None, f"no model {api.models.__name__}.{name}"
    return cls


@_cases(lambda api: api.objects)
def test_every_schema_has_a_model_with_its_fields(api: ApiSpec, name: str) -> None:
    cls = _model(api, name)
    assert attrs.has(cls)
    schema = api.schemas[name]
    fields = {wire_name(field): field for field in attrs.fields(cls)}
    assert set(fields) == set(schema["properties"]), "fields differ from the spec's properties"
    hints = typing.get_type_hints(cls)
    required = set(schema.get("required", ()))
    for wire, field in fields.items():
        prop = schema["properties"][wire]
        if "const" in prop and name in api.requests:  # fixed to the one value, not an argument
            assert (field.init, field.default) == (False, prop["const"]), f"{name}.{field.name}"
            continue
        has_default = field.default is not attrs.NOTHING
        assert has_default == (wire not in required), f"{name}.{field.name}: required differs"
        if nullable(prop):
            assert allows_none(hints[field.name]), f"{name}.{field.name} must allow None"


@_cases(lambda api: api.requests)
def test_request_models_leave_out_what_was_not_given(api: ApiSpec, name: str) -> None:
    cls = _model(api, name)
    optional = [f for f in attrs.fields(cls) if f.default is not attrs.NOTHING and f.init]
    for field in optional:
        assert isinstance(field.default, NotGiven), f"{name}.{field.name} defaults to NOT_GIVEN"


@_cases(lambda api: api.enums)
def test_every_enum_is_a_str_enum_with_the_spec_values(api: ApiSpec, name: str) -> None:
    cls = _model(api, name)
    assert isinstance(cls, type)
    assert issubclass(cls, enum.StrEnum)
    assert [member.value for member in cls] == api.schemas[name]["enum"]
    assert all(member.name == member.name.upper() for member in cls)


def _inline_enums(api: ApiSpec) -> dict[tuple[str, str], list[str]]:
    """The spec's enums written inside a property (of the property, its items or options)."""
    found: dict[tuple[str, str], list[str]] = {}
    for name in api.objects:
        for prop, schema in api.schemas[name]["properties"].items():
            options = [schema, schema.get("items", {}), *schema.get("anyOf", ())]
            for option in options:
                if "enum" in option:
                    found[name, prop] = option["enum"]
    return found


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.version)
def test_every_inline_enum_is_a_str_enum_with_the_spec_values(api: ApiSpec) -> None:
    spec_enums = _inline_enums(api)
    assert set(spec_enums) == set(api.inline_enums), "an inline enum without its model enum"
    for (name, prop), cls in api.inline_enums.items():
        assert issubclass(cls, enum.StrEnum)
        assert [member.value for member in cls] == spec_enums[name, prop], (name, prop)
        assert all(member.name == member.name.upper() for member in cls)
        field = next(f for f in attrs.fields(_model(api, name)) if wire_name(f) == prop)
        hint = typing.get_type_hints(_model(api, name))[field.name]
        assert cls in (hint, *typing.get_args(hint)), f"{name}.{field.name} is not a {cls}"


DECIMAL = r"^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$"


@_cases(lambda api: api.objects)
def test_amounts_are_decimals(api: ApiSpec, name: str) -> None:
    """A decimal string of the spec (or an amount in US dollars) is a `Decimal`."""
    hints = typing.get_type_hints(_model(api, name))
    for field in attrs.fields(_model(api, name)):
        prop = api.schemas[name]["properties"][wire_name(field)]
        options = [prop, *prop.get("anyOf", ())]
        decimal_text = any(option.get("pattern") == DECIMAL for option in options)
        if decimal_text or field.name.endswith("_usd"):
            hint = hints[field.name]
            assert decimal.Decimal in (hint, *typing.get_args(hint)), f"{name}.{field.name}"


def test_upload_content_types_are_the_spec_list() -> None:
    spec_types = V2.schemas["UploadFileRequest"]["properties"]["contentType"]["enum"]
    assert [member.value for member in models.UploadContentType] == spec_types


def test_v4_reuses_a_v2_model_only_where_the_schemas_are_alike() -> None:
    """A v4 model that is v2's stands for two schemas: they have the same properties, each of
    the same type, required and nullable alike, with the same constraints (descriptions may
    differ)."""

    def shape(node: object) -> object:
        if isinstance(node, dict):
            items = typing.cast(dict[str, object], node).items()
            return {k: shape(v) for k, v in items if k not in ("description", "title")}
        if isinstance(node, list):
            return [shape(v) for v in typing.cast(list[object], node)]
        return node

    shared = [
        name
        for name in V4.objects + V4.enums
        if getattr(V4.models, name) is getattr(V2.models, name, None)
    ]
    assert len(shared) >= 15
    for name in shared:
        assert shape(V4.schemas[name]) == shape(V2.schemas[name]), name


# -- the codec reads every response model, and writes every request model, as the spec says --

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def sample(api: ApiSpec, schema: dict[str, Any], name: str = "") -> Any:
    """A JSON value of `schema` (of the property `name`) with every property set: the last of
    `anyOf`'s options that is not null (a decimal string rather than a number, a model rather
    than null), an amount for a string named as one."""
    while "$ref" in schema:
        schema = api.schemas[schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:
        return sample(api, [o for o in schema["anyOf"] if o.get("type") != "null"][-1], name)
    if "const" in schema or "enum" in schema:
        return schema.get("const", schema.get("enum", [None])[0])
    kind = schema.get("type", "object" if "properties" in schema else None)
    if kind == "object":
        properties = schema.get("properties", {"key": {"type": "string"}})
        return {prop: sample(api, value, prop) for prop, value in properties.items()}
    if kind == "array":
        return [sample(api, schema["items"])] * max(schema.get("minItems", 1), 1)
    if kind == "string":
        return _text(schema, name)
    return {"integer": int(schema.get("minimum", 1)), "number": 1.5, "boolean": True}.get(
        kind or "", "any JSON"
    )


def _text(schema: dict[str, Any], name: str) -> str:
    if schema.get("format") == "uuid":
        return UUID
    if schema.get("format") == "date-time":
        return "2026-01-02T03:04:05+00:00"
    if schema.get("pattern") == DECIMAL or name.endswith(("Usd", "Mb")):
        return "1.25"
    if name == "structuredOutput":  # v2's JSON schema, as text
        return '{"type":"object"}'
    return "x" * max(int(schema.get("minLength", 1)), 1)


@_cases(lambda api: api.responses)
def test_the_codec_reads_every_response_model_as_the_spec_writes_it(
    api: ApiSpec, name: str
) -> None:
    document = sample(api, api.schemas[name])
    model = decode(json.dumps(document).encode(), _model(api, name))
    assert to_dict(model) == document


def _build(cls: Any, value: object) -> object:
    """The request model `cls` (or a union or list of them) holding `value`."""
    if isinstance(value, list):
        return [_build(cls, item) for item in typing.cast(list[object], value)]
    classes = [c for c in (cls, *typing.get_args(cls)) if attrs.has(c)]
    if not classes:
        return value
    document = typing.cast(dict[str, object], value)
    for option in classes:  # of a union, the one that writes it back (the `type` decides)
        hints = typing.get_type_hints(option)
        fields = [field for field in attrs.fields(option) if field.init]
        if {wire_name(field) for field in fields} - set(document):
            continue
        kwargs = {
            field.name: _build(_item_type(hints[field.name]), document[wire_name(field)])
            for field in fields
        }
        built = option(**kwargs)
        if to_dict(built) == document:
            return built
    raise AssertionError(f"no {cls} writes {document}")


def _item_type(tp: Any) -> Any:
    """A list's item type (through `| None`), or `tp`."""
    for arg in (tp, *typing.get_args(tp)):
        if typing.get_origin(arg) is list:
            return typing.get_args(arg)[0]
    return tp


@_cases(lambda api: api.requests)
def test_the_codec_writes_every_request_model_as_the_spec_reads_it(api: ApiSpec, name: str) -> None:
    document = sample(api, api.schemas[name])
    model = _build(_model(api, name), document)
    assert json.loads(encode(model)) == document


# -- operations ---------------------------------------------------------------------------------

DAY = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
PROXY = models.CustomProxy(host="proxy.example.com", port=8080, username="u", password="p")
Call = Callable[[AsyncBrowserUse, dict[str, Any]], Awaitable[object]]

# Each operation of the spec: the SDK method that serves it, called with every optional
# argument it has, so that whatever it sends can be compared with the spec.
CALLS_V2: dict[tuple[str, str], tuple[str, Call]] = {
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


async def _v2_world(api: Api, path: str) -> dict[str, Any]:
    world = await build_world(api)
    if path == "/skills/{skill_id}/cancel":  # a skill still being generated
        body = {"goal": "G", "agentPrompt": "Do it now."}
        world["generating_id"] = (await api.ok("POST", "/skills", body=body))["id"]
    return world


@attrs.frozen
class Operations:
    """One API version's operations and the SDK methods serving them. Every check below runs
    for each table of `TABLES`: a version's table lists every operation of its spec."""

    api: ApiSpec
    client: Callable[..., Any]
    """The async client class (`api_key=`, `base_url=`)."""
    sync_client: Callable[..., Any]
    calls: Mapping[tuple[str, str], tuple[str, Callable[[Any, dict[str, Any]], Awaitable[object]]]]
    """(METHOD, path) -> (the method's dotted name, a call of it with every optional argument)."""
    base_url: Callable[[FakeBrowserUseCloud], str]
    world: Callable[[Api, str], Awaitable[dict[str, Any]]]
    """Ids by name, for calling the operation of that path with valid input."""
    options: dict[str, type] = attrs.field(factory=lambda: {})
    """The TypedDict of the keyword arguments a method takes through `**options`."""

    @property
    def operations(self) -> dict[tuple[str, str], Any]:
        return {
            (method.upper(), path): op
            for path, item in self.api.spec["paths"].items()
            for method, op in item.items()
        }

    @property
    def prefix(self) -> str:
        """The path of the server URL, such as `/api/v2`."""
        url: str = self.api.spec["servers"][0]["url"]
        return "/" + url.split("/", 3)[3]


V2_OPERATIONS = Operations(
    V2,
    AsyncBrowserUse,
    BrowserUse,
    CALLS_V2,
    lambda fake: fake.base_url,
    _v2_world,
    options={"tasks.create": models.TaskOptions},
)


def _extension_zip() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            "manifest.json", '{"name": "Parity", "version": "1.0", "manifest_version": 3}'
        )
    return archive.getvalue()


EXTENSION_ZIP = _extension_zip()
"""A Manifest V3 extension: its manifest alone."""


V4Call = Callable[[V4AsyncBrowserUse, dict[str, Any]], Awaitable[object]]

_SAME_IN_V4 = [
    ("POST", "/browsers"),
    ("GET", "/browsers/{session_id}"),
    ("PATCH", "/browsers/{session_id}"),
    ("GET", "/browsers/{session_id}/downloads"),
    ("GET", "/profiles"),
    ("POST", "/profiles"),
    ("GET", "/profiles/{profile_id}"),
    ("PATCH", "/profiles/{profile_id}"),
    ("DELETE", "/profiles/{profile_id}"),
]
"""v4's browser and profile operations but its browser list are v2's (the same resource
classes, the same models): v2's calls serve, on a v4 client."""

CALLS_V4: dict[tuple[str, str], tuple[str, V4Call]] = {
    **{key: cast("tuple[str, V4Call]", CALLS_V2[key]) for key in _SAME_IN_V4},
    ("POST", "/runs"): (
        "runs.create",
        lambda c, w: c.runs.create(
            "Summarize the brief",
            output_schema={"type": "object"},
            model="minimax-m3",
            model_params={"temperature": 0.2},
            workspace_id=w["workspace_id"],
            browser_settings=v4_models.RunBrowserSettings(
                profile_id=w["profile_id"], proxy_country_code="de"
            ),
            keep_alive=300,
            agentmail=False,
            agentcard_wallet_id=None,
            stripe_link_connection_id=None,
            attached_file_ids=[w["upload_id"]],
            secret_bindings=[
                v4_models.SecretBinding(
                    alias="login",
                    source=v4_models.InlineSecretSource(value="pw"),
                    allowed_domains=["example.com"],
                )
            ],
            op_vault_id=None,
            op_vault_allowed_domains=None,
            judge=v4_models.RunJudgeSettings(context="A summary"),
            max_cost_usd="2.5",
        ),
    ),
    ("GET", "/runs"): (
        "runs.list",
        lambda c, w: c.runs.list(limit=5, cursor=None, session_id=w["session_id"]),
    ),
    ("GET", "/runs/{run_id}"): ("runs.get", lambda c, w: c.runs.get(w["run_id"])),
    ("GET", "/runs/{run_id}/status"): ("runs.status", lambda c, w: c.runs.status(w["run_id"])),
    ("POST", "/runs/{run_id}/cancel"): ("runs.cancel", lambda c, w: c.runs.cancel(w["run_id"])),
    ("GET", "/runs/{run_id}/events"): (
        "runs.events",
        lambda c, w: c.runs.events(w["run_id"], after=0, limit=10),
    ),
    ("GET", "/runs/{run_id}/attachments"): (
        "runs.attachments",
        lambda c, w: c.runs.attachments(w["run_id"]),
    ),
    ("GET", "/sessions"): ("sessions.list", lambda c, w: c.sessions.list(limit=5, cursor=None)),
    ("GET", "/sessions/{session_id}"): (
        "sessions.get",
        lambda c, w: c.sessions.get(w["session_id"]),
    ),
    ("PATCH", "/sessions/{session_id}"): (
        "sessions.update",
        lambda c, w: c.sessions.update(w["session_id"], title="Trip"),
    ),
    ("DELETE", "/sessions/{session_id}"): (
        "sessions.delete",
        lambda c, w: c.sessions.delete(w["session_id"]),
    ),
    ("POST", "/sessions/{session_id}/purge"): (
        "sessions.purge",
        lambda c, w: c.sessions.purge(w["session_id"]),
    ),
    ("GET", "/sessions/{session_id}/cost"): (
        "sessions.cost",
        lambda c, w: c.sessions.cost(w["session_id"]),
    ),
    ("PATCH", "/sessions/{session_id}/cost-cap"): (
        "sessions.update_cost_cap",
        lambda c, w: c.sessions.update_cost_cap(w["session_id"], max_cost_usd="3"),
    ),
    ("GET", "/sessions/{session_id}/share"): (
        "sessions.get_share",
        lambda c, w: c.sessions.get_share(w["session_id"]),
    ),
    ("POST", "/sessions/{session_id}/share"): (
        "sessions.create_share",
        lambda c, w: c.sessions.create_share(w["session_id"]),
    ),
    ("PUT", "/sessions/{session_id}/share"): (
        "sessions.update_share",
        lambda c, w: c.sessions.update_share(w["session_id"], is_active=False),
    ),
    ("POST", "/sessions/{session_id}/queue"): (
        "sessions.queue",
        lambda c, w: c.sessions.queue(
            w["session_id"],
            "and hotels",
            interrupt=False,
            attached_file_ids=[w["upload_id"]],
            deduplicate="exact-text-v1",
        ),
    ),
    ("GET", "/sessions/{session_id}/queue"): (
        "sessions.list_queue",
        lambda c, w: c.sessions.list_queue(w["session_id"]),
    ),
    ("GET", "/sessions/{session_id}/queue/{message_id}"): (
        "sessions.get_queued",
        lambda c, w: c.sessions.get_queued(w["session_id"], w["message_id"]),
    ),
    ("DELETE", "/sessions/{session_id}/queue/{message_id}"): (
        "sessions.cancel_queued",
        lambda c, w: c.sessions.cancel_queued(w["session_id"], w["message_id"]),
    ),
    ("POST", "/workspaces"): ("workspaces.create", lambda c, w: c.workspaces.create(name="W")),
    ("GET", "/workspaces/{workspace_id}"): (
        "workspaces.get",
        lambda c, w: c.workspaces.get(w["workspace_id"]),
    ),
    ("PATCH", "/workspaces/{workspace_id}"): (
        "workspaces.update",
        lambda c, w: c.workspaces.update(w["workspace_id"], name="Renamed"),
    ),
    ("DELETE", "/workspaces/{workspace_id}"): (
        "workspaces.delete",
        lambda c, w: c.workspaces.delete(w["workspace_id"]),
    ),
    ("GET", "/workspaces/{workspace_id}/size"): (
        "workspaces.size",
        lambda c, w: c.workspaces.size(w["workspace_id"]),
    ),
    ("GET", "/workspaces/{workspace_id}/files"): (
        "workspaces.files",
        lambda c, w: c.workspaces.files(
            w["workspace_id"],
            prefix="uploads/",
            limit=5,
            cursor=None,
            include_urls=True,
            content_disposition="attachment",
        ),
    ),
    ("DELETE", "/workspaces/{workspace_id}/files"): (
        "workspaces.delete_file",
        lambda c, w: c.workspaces.delete_file(w["workspace_id"], "uploads/brief.txt"),
    ),
    ("POST", "/workspaces/{workspace_id}/files/upload"): (
        "workspaces.upload_urls",
        lambda c, w: c.workspaces.upload_urls(
            w["workspace_id"],
            [v4_models.WorkspaceFileUploadItem(name="a.csv", content_type="text/csv", size=3)],
            allow_overrides=True,
        ),
    ),
    ("GET", "/browsers"): (
        "browsers.list",
        lambda c, w: c.browsers.list(
            page_size=5,
            page_number=1,
            filter_by="active",
            agent_session_id=None,
            metadata=["team=qa"],
        ),
    ),
    ("POST", "/extensions"): (
        "extensions.create",
        lambda c, w: c.extensions.create(EXTENSION_ZIP, file_name="ext.zip"),
    ),
    ("GET", "/extensions"): (
        "extensions.list",
        lambda c, w: c.extensions.list(page_size=5, page_number=1),
    ),
    ("GET", "/extensions/{extension_id}"): (
        "extensions.get",
        lambda c, w: c.extensions.get(w["extension_id"]),
    ),
    ("DELETE", "/extensions/{extension_id}"): (
        "extensions.delete",
        lambda c, w: c.extensions.delete(w["extension_id"]),
    ),
    ("GET", "/integrations"): (
        "integrations.list",
        lambda c, w: c.integrations.list(
            limit=5, offset=0, search="a", popular_only=False, connected_only=False
        ),
    ),
    ("GET", "/integrations/categories"): (
        "integrations.categories",
        lambda c, w: c.integrations.categories(),
    ),
    ("POST", "/integrations/{provider}/authorize"): (
        "integrations.authorize",
        lambda c, w: c.integrations.authorize(w["provider"]),
    ),
    ("GET", "/integrations/{provider}/status"): (
        "integrations.status",
        lambda c, w: c.integrations.status(w["provider"]),
    ),
    ("DELETE", "/integrations/{provider}"): (
        "integrations.disconnect",
        lambda c, w: c.integrations.disconnect(w["provider"]),
    ),
}


async def _v4_world(api: Api, path: str) -> dict[str, Any]:
    """One of everything v4 has: a running run (in its session and workspace) with a pending
    follow-up, an uploaded file, a profile, a browser with a download, an extension."""
    fake, v4 = api.fake, Api(api.fake, api.session, version="v4")
    world: dict[str, Any] = {}
    run_id = fake.create_run("Find flights", steps=1)
    run = fake.runs[run_id]
    world["run_id"], world["session_id"] = str(run_id), run["sessionId"]
    world["workspace_id"] = run["workspaceId"]
    upload = {"files": [{"name": "brief.txt", "contentType": "text/plain", "size": 4}]}
    files = f"/workspaces/{run['workspaceId']}/files/upload"
    [slot] = (await v4.ok("POST", files, body=upload))["files"]
    put = {"Content-Type": "text/plain"}
    async with api.session.put(slot["uploadUrl"], data=b"read", headers=put) as stored:
        assert stored.status == 200
    world["upload_id"] = slot["id"]
    queued = await v4.ok("POST", f"/sessions/{run['sessionId']}/queue", body={"text": "next"})
    await v4.ok("POST", f"/sessions/{run['sessionId']}/share")  # for its PUT
    world["message_id"] = queued["id"]
    world["profile_id"] = (await v4.ok("POST", "/profiles", body={"name": "Work"}))["id"]
    browser = await v4.ok("POST", "/browsers", body={})
    world["browser_id"] = browser["id"]
    fake.add_download(uuid.UUID(browser["id"]), "downloads/a.pdf", b"%PDF-1.4")
    extension = await v4.ok(
        "POST",
        "/extensions",
        raw=_form("file", "ext.zip", EXTENSION_ZIP),
        headers={"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"},
    )
    world["extension_id"] = extension["id"]
    integrations = await v4.ok("GET", "/integrations")
    world["provider"] = integrations["integrations"][0]["provider"]
    return world


_BOUNDARY = "parity-boundary"


def _form(name: str, file_name: str, data: bytes) -> bytes:
    head = (
        f'--{_BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{file_name}"\r\nContent-Type: application/zip\r\n\r\n'
    )
    return head.encode() + data + f"\r\n--{_BOUNDARY}--\r\n".encode()


V4_OPERATIONS = Operations(
    V4,
    V4AsyncBrowserUse,
    V4BrowserUse,
    CALLS_V4,
    lambda fake: fake.v4_base_url,
    _v4_world,
    options={"runs.create": RunOptions},
)
TABLES = (V2_OPERATIONS, V4_OPERATIONS)
CALL_CASES = [
    pytest.param(table, key, id=f"{table.api.version}-{key[0]}-{key[1]}")
    for table in TABLES
    for key in sorted(table.calls)
]
TABLE_CASES = pytest.mark.parametrize("table", TABLES, ids=lambda table: table.api.version)


@TABLE_CASES
def test_every_operation_has_a_method(table: Operations) -> None:
    assert sorted(table.calls) == sorted(table.operations)
    assert len(table.calls) == {"v2": 44, "v4": 48}[table.api.version]


def _method(client: object, dotted: str) -> Any:
    resource, name = dotted.split(".")
    return getattr(getattr(client, resource), name)


def _schema_name(schema: dict[str, Any] | None) -> str | None:
    ref = (schema or {}).get("$ref")
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None


def _template(prefix: str, path: str) -> re.Pattern[str]:
    return re.compile("^" + prefix + re.sub(r"\{[a-z_]+\}", "[^/]+", path) + "$")


@pytest.mark.parametrize(("table", "key"), CALL_CASES)
async def test_method_sends_only_what_the_spec_has(table: Operations, key: tuple[str, str]) -> None:
    (method, path), (dotted, call) = key, table.calls[key]
    operation = table.operations[key]
    async with FakeBrowserUseCloud(manual_time=True) as fake, aiohttp.ClientSession() as session:
        world = await table.world(Api(fake, session), path)
        before = len(fake.requests)
        async with table.client(api_key=fake.api_key, base_url=table.base_url(fake)) as client:
            result = await call(client, world)
            [sent] = fake.requests[before:]
    assert sent.method == method
    assert _template(table.prefix, path).match(sent.path), sent.path
    params = {p["name"] for p in operation.get("parameters", ()) if p["in"] == "query"}
    assert set(sent.query) <= params
    bodies = operation.get("requestBody", {}).get("content", {})
    if sent.body and sent.headers["Content-Type"].startswith("multipart/form-data"):
        form = bodies.get("multipart/form-data")
        assert form is not None, "a form where the spec has none"
        assert set(_form_fields(sent.headers["Content-Type"], sent.body)) <= set(
            form["schema"]["properties"]
        )
    elif sent.body:
        name = _schema_name(bodies.get("application/json", {}).get("schema"))
        assert name is not None, "a body where the spec has none"
        properties = table.api.schemas[name]["properties"]
        assert set(sent.json()) <= set(properties)
    success = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
    content = next(iter(success.values())).get("content")
    schema: dict[str, Any] | None = content["application/json"]["schema"] if content else None
    returns = typing.get_type_hints(_method(client, dotted))["return"]
    if typing.get_origin(returns) is AsyncPager:
        returns = typing.get_args(returns)[1]  # a list: awaited, one page
    choices: list[dict[str, Any]] = (schema or {}).get("anyOf", [])
    nullable = {"type": "null"} in choices
    if nullable:  # a model or null: `Model | None`
        [schema] = [choice for choice in choices if choice != {"type": "null"}]
        [returns] = [t for t in typing.get_args(returns) if t is not type(None)]
    expected = _schema_name(schema)
    if expected is None:
        assert result is None
        assert returns is type(None)
    else:
        assert type(result).__name__ == expected or (nullable and result is None)
        assert returns.__name__ == expected


def _form_fields(content_type: str, body: bytes) -> list[str]:
    """The field names of a multipart/form-data body, as the standard library reads it."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    assert isinstance(message, email.message.EmailMessage)
    return [
        str(part.get_param("name", header="content-disposition")) for part in message.iter_parts()
    ]


def _offline(table: Operations, cls: Callable[..., Any]) -> Any:
    return cls(api_key="bu_key", base_url=f"http://127.0.0.1:9{table.prefix}")


@TABLE_CASES
def test_every_operation_has_a_sync_method_with_the_same_signature(table: Operations) -> None:
    with _offline(table, table.sync_client) as sync:
        async_client = _offline(table, table.client)
        for dotted, _ in table.calls.values():
            blocking, awaitable = _method(sync, dotted), _method(async_client, dotted)
            assert not inspect.iscoroutinefunction(blocking), dotted
            signatures = [inspect.signature(f, eval_str=True) for f in (blocking, awaitable)]
            returns = [s.return_annotation for s in signatures]
            if typing.get_origin(returns[1]) is AsyncPager:  # a list: Pager in blocking code
                assert typing.get_origin(returns[0]) is Pager, dotted
                assert typing.get_args(returns[0]) == typing.get_args(returns[1]), dotted
                signatures = [s.replace(return_annotation=None) for s in signatures]
            assert signatures[0] == signatures[1], dotted


BODY_CASES = [
    pytest.param(table, key, id=f"{table.api.version}-{key[0]}-{key[1]}")
    for table in TABLES
    for key, op in sorted(table.operations.items())
    if "application/json" in op.get("requestBody", {}).get("content", {})
]


@pytest.mark.parametrize(("table", "key"), BODY_CASES)
def test_every_body_field_is_an_argument_of_the_method(
    table: Operations, key: tuple[str, str]
) -> None:
    """A field the spec (or an amendment) adds to a request cannot be left without a way to
    send it: every property of the body is a parameter of the method."""
    dotted, _ = table.calls[key]
    names = set(inspect.signature(_method(_offline(table, table.client), dotted)).parameters)
    if dotted in table.options:
        names |= set(table.options[dotted].__annotations__)
    body = table.operations[key]["requestBody"]["content"]["application/json"]["schema"]
    name = _schema_name(body)
    assert name is not None
    assert set(table.api.schemas[name]["properties"]) <= {to_camel(n) for n in names}


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
