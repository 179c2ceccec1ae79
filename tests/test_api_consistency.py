"""What is written twice in the SDK says the same thing both times.

A method's keywords are written once in its signature and again in the request model it fills
or the spec's query parameters it sends; the README names each method again; a few tables in
the code (the CLI's list groups, the generator's classes) repeat names kept elsewhere; and
each paged operation is one pager method, with no walking twin to keep in step. Each check
below fails on the first mismatch, naming it.

The calls are recorded, not sent: every resource's request function is replaced by one that
keeps the request and stops the method there.
"""

import datetime as dt
import inspect
import re
import types
import typing
import uuid
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Literal, Unpack

import attrs
import pytest

from browser_use_async import (
    AsyncBrowserUse,
    AsyncPager,
    BrowserUse,
    Pager,
    RequestOptions,
    cli,
    v4,
)
from browser_use_async._raw import RawView
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async.resources._base import AsyncResource
from scripts import generate_sync
from tests.test_spec_parity import TABLES, V2_OPERATIONS, Operations

CALLS, OPERATIONS = V2_OPERATIONS.calls, V2_OPERATIONS.operations
TABLE_CASES = pytest.mark.parametrize("table", TABLES, ids=lambda table: table.api.version)

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text("utf-8")
EMPTY = inspect.Parameter.empty


class _Sent(Exception):
    """Raised by the recording request function: the method got as far as sending."""


@attrs.define
class Sent:
    method: str
    path: str
    body: object
    params: dict[str, object]


def _record(into: list[Sent]) -> Any:
    async def request(
        method: str,
        path: str,
        response_type: object,
        body: object = None,
        params: dict[str, object] | None = None,
        **_: object,
    ) -> object:
        into.append(Sent(method, path, body, dict(params or {})))
        raise _Sent

    return request


def resources(client: object) -> Iterator[tuple[str, Any]]:
    for name, value in sorted(vars(client).items()):
        if not name.startswith("_"):
            yield name, value


def kind_of(value: object) -> type[object]:
    return type(value)


def _client(table: Operations) -> Any:
    return table.client(api_key="bu_key", base_url=f"http://127.0.0.1:9{table.prefix}")


async def _recorded(table: Operations, dotted: str) -> Sent:
    """What the method of `table.calls` for `dotted` sends, called as the table calls it."""
    client = _client(table)
    sent: list[Sent] = []
    for _, resource in resources(client):
        resource._request = _record(sent)
    world = {name: str(uuid.uuid4()) for name in _WORLD_IDS} | {
        "slug": "a-skill",
        "message_id": 7,
        "provider": "github",
    }
    [call] = [call for name, call in table.calls.values() if name == dotted]
    with pytest.raises(_Sent):
        await call(client, world)
    [one] = sent
    return one


_WORLD_IDS = (
    "task_id",
    "session_id",
    "profile_id",
    "browser_id",
    "file_id",
    "skill_id",
    "generating_id",
    "execution_id",
    "market_id",
    "run_id",
    "workspace_id",
    "extension_id",
    "upload_id",
)


def _method(client: object, dotted: str) -> Any:
    resource, name = dotted.split(".")
    return getattr(getattr(client, resource), name)


def _members(tp: Any) -> list[Any]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(tp) for m in _members(arg)]
    return [tp]


def _covers(given: Any, wanted: Any) -> bool:
    """Whether an argument annotated `given` may be what a field of type `wanted` holds
    (a UUID field takes `uuid.UUID`, a list field any `Iterable`, ...)."""
    if given is Any or given == wanted:
        return True
    if typing.get_origin(wanted) is Literal:
        return False
    outer_given = typing.get_origin(given) or given
    outer_wanted = typing.get_origin(wanted) or wanted
    return (
        isinstance(outer_given, type)
        and isinstance(outer_wanted, type)
        and issubclass(outer_wanted, outer_given)
    )


def _type_errors(name: str, given: Any, wanted: Any) -> list[str]:
    given_members, wanted_members = _members(given), _members(wanted)
    errors = [
        f"{name}: {marker.__name__} allowed by one of {given} / {wanted} only"
        for marker in (type(None), NotGiven)
        if (marker in given_members) != (marker in wanted_members)
    ]
    errors += [
        f"{name}: `{given}` does not take the field's {member}"
        for member in wanted_members
        if member not in (type(None), NotGiven)
        and not any(_covers(g, member) for g in given_members)
    ]
    return errors


def _keywords(method: Any, path: str) -> dict[str, tuple[Any, bool]]:
    """The method's arguments that are neither path segments nor request options: name ->
    (annotation, optional), `**options: Unpack[...]` keys included."""
    path_names = set(re.findall(r"\{([a-z_]+)\}", path))
    hints = typing.get_type_hints(method, include_extras=True)
    found: dict[str, tuple[Any, bool]] = {}
    for name, parameter in inspect.signature(method).parameters.items():
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            (options,) = typing.get_args(hints[name])  # Unpack[SomeTypedDict]
            option_hints = typing.get_type_hints(options)
            for key in set(option_hints) - set(RequestOptions.__annotations__):
                optional = key in options.__optional_keys__  # left out: NOT_GIVEN
                hint = typing.Union[option_hints[key], NotGiven] if optional else option_hints[key]  # noqa: UP007
                found[key] = (hint, optional)
        elif name not in path_names:
            if parameter.default not in (EMPTY, NOT_GIVEN):
                raise AssertionError(f"{name} defaults to {parameter.default!r}, not NOT_GIVEN")
            found[name] = (hints[name], parameter.default is NOT_GIVEN)
    return found


def _spec_type(schema: dict[str, Any], module: types.ModuleType) -> tuple[Any, bool]:
    """The Python type a parameter's schema stands for, and whether it is nullable."""
    options = schema.get("anyOf", [schema])
    nullable = {"type": "null"} in options
    [kind] = [option for option in options if option != {"type": "null"}]
    if "$ref" in kind:
        return getattr(module, kind["$ref"].rsplit("/", 1)[-1]), nullable
    if "const" in kind:
        return Literal[kind["const"]], nullable
    if kind.get("type") == "array":
        item: Any = _spec_type(kind["items"], module)[0]
        return types.GenericAlias(list, (item,)), nullable
    formats = {"uuid": uuid.UUID, "date-time": dt.datetime}
    if kind.get("format") in formats:
        return formats[kind["format"]], nullable
    return {"integer": int, "boolean": bool, "string": str}[kind["type"]], nullable


def _snake(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", camel).lower()


def _argument(table: Operations, parameter: dict[str, Any]) -> str:
    """The keyword that sends a query or header parameter."""
    return table.headers.get(parameter["name"]) or _snake(parameter["name"])


OPERATION_METHODS = [
    pytest.param(table, name, key, id=f"{table.api.version}-{name}")
    for table in TABLES
    for name, key in sorted((name, key) for key, (name, _) in table.calls.items())
]


async def _keyword_errors(
    table: Operations, dotted: str, key: tuple[str, str], method: Any = None
) -> list[str]:
    """How the keywords of `method` (by default the table's own for `dotted`) differ from the
    fields of the body the table's call sends and the spec's query and header parameters."""
    method_name, path = key
    method = method or _method(_client(table), dotted)
    operation = table.operations[key]
    form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
    if form is not None:  # the form's fields, and the name to give the file
        arguments = set(inspect.signature(method).parameters)
        expected = set(form["schema"]["properties"]) | {"file_name", "extra"}
        return [] if arguments == expected else [f"arguments {arguments}, not {expected}"]
    keywords = _keywords(method, path)
    sent = await _recorded(table, dotted)
    wanted: dict[str, tuple[Any, bool]] = {}
    if sent.body is not None:
        model = kind_of(sent.body)
        assert attrs.has(model), f"{dotted} sends a {model.__name__}"
        hints = typing.get_type_hints(model)
        for field in attrs.fields(model):
            if field.init:
                wanted[field.name] = (hints[field.name], field.default is not attrs.NOTHING)
    parameters = [p for p in operation.get("parameters", ()) if p["in"] in ("query", "header")]
    for parameter in parameters:
        kind, nullable = _spec_type(parameter["schema"], table.api.models)
        optional = not parameter.get("required", False)
        members = [kind, *([type(None)] if nullable else []), *([NotGiven] if optional else [])]
        wanted[_argument(table, parameter)] = (typing.Union[tuple(members)], optional)  # noqa: UP007
    if set(keywords) != set(wanted):
        return [f"keywords {sorted(keywords)} ({method_name} {path}), not {sorted(wanted)}"]
    errors: list[str] = []
    for name, (annotation, optional) in keywords.items():
        field_type, field_optional = wanted[name]
        if optional != field_optional:
            errors.append(f"{name}: optional {optional}, the field's is {field_optional}")
        errors += _type_errors(name, annotation, field_type)
    sent_names = {_snake(name) for name in sent.params}
    errors += [f"sends {name}, no field nor parameter" for name in sent_names - set(wanted)]
    return errors


@pytest.mark.parametrize(("table", "dotted", "key"), OPERATION_METHODS)
async def test_keywords_are_the_request_models_fields_and_the_query_parameters(
    table: Operations, dotted: str, key: tuple[str, str]
) -> None:
    """Every argument an operation's method takes (besides path segments and request options)
    is a field of the body model it sends or a query (or header) parameter of the spec, with
    the field's type, nullability and optionality, and every field and parameter is an
    argument. A form upload's arguments are the form's fields and how to name the file."""
    assert await _keyword_errors(table, dotted, key) == [], dotted


async def _no_title(session_id: str, **extra: Unpack[RequestOptions]) -> None: ...


async def _title_not_nullable(
    session_id: str, *, title: str | NotGiven = NOT_GIVEN, **extra: Unpack[RequestOptions]
) -> None: ...


async def _limit_a_str(
    *, limit: str | NotGiven = NOT_GIVEN, cursor: str | NotGiven | None = NOT_GIVEN
) -> None: ...


@pytest.mark.parametrize(
    ("dotted", "key", "method", "error"),
    [
        ("sessions.update", ("PATCH", "/sessions/{session_id}"), _no_title, "keywords []"),
        (
            "sessions.update",
            ("PATCH", "/sessions/{session_id}"),
            _title_not_nullable,
            "title: NoneType allowed by one of",
        ),
        (
            "sessions.list",
            ("GET", "/sessions"),
            _limit_a_str,
            "limit: `str | browser_use_async._types.NotGiven` does not take",
        ),
    ],
)
async def test_the_keyword_check_sees_a_v4_keyword_left_out_or_mistyped(
    dotted: str, key: tuple[str, str], method: Any, error: str
) -> None:
    [table] = [table for table in TABLES if table.api.version == "v4"]
    errors = await _keyword_errors(table, dotted, key, method)
    assert len(errors) == 1, errors
    assert errors[0].startswith(error), errors


@pytest.mark.parametrize(
    ("table", "group"), [(table, ("tasks", "runs")[i]) for i, table in enumerate(TABLES)]
)
def test_run_takes_the_options_create_takes(table: Operations, group: str) -> None:
    resource = getattr(_client(table), group)
    run, create = (
        typing.get_type_hints(method, include_extras=True)["options"]
        for method in (resource.run, resource.create)
    )
    assert run == create


# -- the README ---------------------------------------------------------------------------------


def _public_methods(kind: type) -> list[str]:
    return sorted(
        name
        for name, member in inspect.getmembers(kind)
        if not name.startswith("_") and callable(member) and not isinstance(member, type)
    )


def _named_in_readme(resource: str, method: str, text: str) -> bool:
    """`tasks.get` appears, or `.get(` on a line that names `tasks.` (a table row listing
    `client.sessions.delete(id)`, `.purge(id)`)."""
    if f"{resource}.{method}" in text:
        return True
    return any(f"{resource}." in line and f".{method}(" in line for line in text.splitlines())


def _v4_section(text: str) -> str:
    """The README's "## API v4" section, up to the next section."""
    return text.split("\n## API v4\n", 1)[1].split("\n## ", 1)[0]


def _v2s_own(resource: str, method: str) -> bool:
    """Whether v4's `resource.method` is v2's, inherited unchanged (v4's browsers and profiles
    are v2's): then v2's part of the README names it."""
    v2_kind = kind_of(getattr(AsyncBrowserUse(api_key="bu_key"), resource, None))
    v4_kind = kind_of(getattr(v4.AsyncBrowserUse(api_key="bu_key"), resource))
    return issubclass(v4_kind, v2_kind) and getattr(v4_kind, method) is getattr(v2_kind, method)


def _readme_gaps(text: str) -> list[str]:
    """Each public method of both clients of both APIs that the README does not name: v2's
    anywhere, v4's in its section ("## API v4"), so that a v2 name does not stand for it
    (unless it is v2's method, inherited)."""
    missing: list[str] = []
    with (
        BrowserUse(api_key="bu_key", base_url="http://127.0.0.1:9/api/v2") as blocking,
        v4.BrowserUse(api_key="bu_key", base_url="http://127.0.0.1:9/api/v4") as blocking_v4,
    ):
        clients = [
            ("", AsyncBrowserUse(api_key="bu_key"), text),
            ("", blocking, text),
            ("v4.", v4.AsyncBrowserUse(api_key="bu_key"), _v4_section(text)),
            ("v4.", blocking_v4, _v4_section(text)),
        ]
        for api, make, where in clients:
            for resource, value in resources(make):
                for method in _public_methods(kind_of(value)):
                    named = text if api and _v2s_own(resource, method) else where
                    if not _named_in_readme(resource, method, named):
                        missing.append(f"{api}{type(make).__name__}.{resource}.{method}")
    return missing


def test_readme_names_every_public_method_of_every_resource() -> None:
    assert _readme_gaps(README) == []


def test_the_readme_check_sees_a_method_left_out() -> None:
    without = README.replace("tasks.logs", "tasks.log_file")
    assert _readme_gaps(without) == ["AsyncBrowserUse.tasks.logs", "BrowserUse.tasks.logs"]


def test_the_readme_check_sees_a_v4_method_named_only_outside_its_section() -> None:
    v4_part = _v4_section(README)
    without = README.replace(v4_part, v4_part.replace("runs.cancel", "runs.stop_run"))
    assert without != README
    assert _readme_gaps(without) == ["v4.AsyncBrowserUse.runs.cancel", "v4.BrowserUse.runs.cancel"]


# -- tables kept by hand ------------------------------------------------------------------------


def test_the_cli_list_groups_are_resources_with_their_status_enums() -> None:
    client = AsyncBrowserUse(api_key="bu_key")
    assert set(cli._LISTED) == set(cli._STATUSES)  # pyright: ignore[reportPrivateUsage]
    for group, status in cli._STATUSES.items():  # pyright: ignore[reportPrivateUsage]
        resource = getattr(client, group)
        for name in ("list", "get", "stop"):
            assert callable(getattr(resource, name, None)), f"{group}.{name}"
        filter_by = typing.get_type_hints(resource.list)["filter_by"]
        assert status in _members(filter_by), group


def test_the_generator_lists_every_resource_and_raw_view() -> None:
    client = AsyncBrowserUse(api_key="bu_key")
    kinds = {kind_of(value) for _, value in resources(client)}
    views = {kind_of(value.with_raw_response) for _, value in resources(client)}
    assert all(issubclass(kind, AsyncResource) for kind in kinds)
    assert all(issubclass(view, RawView) for view in views)
    listed = {(spec.module, spec.name) for spec in generate_sync.CLASSES}
    assert {(k.__module__, k.__name__) for k in kinds | views} <= listed


# -- the README's "Contributing: adding an operation" -------------------------------------------

CONTRIBUTING = README[README.index("## Contributing: adding an operation") :]


def _named_places(section: str) -> list[str]:
    """The files and make targets the section names, `<group>` written as `tasks`."""
    return [
        name.replace("<group>", "tasks")
        for name in re.findall(r"`((?:make [a-z]+)|[\w/<>.-]+\.(?:py|json))`", section)
    ]


def _operation_tables() -> set[str]:
    """The test modules that list every operation of the spec, or count them: each must be
    updated for a new one."""
    count = len(OPERATIONS)
    tables: set[str] = set()
    for module in (ROOT / "tests").glob("test_*.py"):
        text = module.read_text("utf-8")
        listed = r"(OPERATIONS|[\w.]*operations(\(\))?)"
        compares = re.search(rf"assert (set|sorted)\([\w.]+\) == (set|sorted)\({listed}\)", text)
        counts = re.search(rf"(== {count}\b|Tested: {count}\b)", text)
        if compares or counts:
            tables.add(f"tests/{module.name}")
    return tables


def test_every_place_the_contributing_section_names_exists() -> None:
    places = _named_places(CONTRIBUTING)
    assert len(places) > 10
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for place in places:
        if place.startswith("make "):
            assert f"\n{place.removeprefix('make ')}:" in makefile, place
        else:
            bases = (ROOT, ROOT / "browser_use_async")
            assert any((base / place).is_file() for base in bases), place


def test_the_contributing_section_names_every_test_that_lists_the_operations() -> None:
    tables = _operation_tables()
    assert {"tests/test_spec_parity.py", "tests/test_fake_spec.py"} <= tables  # the check sees them
    assert sorted(tables - set(_named_places(CONTRIBUTING))) == []


def _pagers(client: object) -> list[tuple[str, str, Any, Any, Any]]:
    """(resource, method, pager class, item type, page type) of each method returning a pager."""
    found: list[tuple[str, str, Any, Any, Any]] = []
    for resource, value in resources(client):
        for name in _public_methods(kind_of(value)):
            returns = typing.get_type_hints(getattr(value, name))["return"]
            if typing.get_origin(returns) in (AsyncPager, Pager):
                found.append(
                    (resource, name, typing.get_origin(returns), *typing.get_args(returns))
                )
    return found


PAGING = {"pageNumber", "cursor", "offset"}
"""The query parameters that say where a page starts."""


def _paged(table: Operations) -> list[str]:
    return sorted(
        name
        for key, (name, _) in table.calls.items()
        if PAGING & {p["name"] for p in table.operations[key].get("parameters", ())}
    )


WALKS = {"v2": (8, ["tasks.run_many", "tasks.stream"]), "v4": (8, ["runs.stream"])}
"""Per version: how many operations are paged, and the only other methods that iterate."""


def _iterates(method: Any) -> bool:
    returns = typing.get_origin(typing.get_type_hints(method)["return"])
    walking = (AsyncIterator, AsyncIterable, AsyncGenerator)
    return inspect.isasyncgenfunction(method) or returns in walking


@TABLE_CASES
def test_every_paged_operation_is_a_pager_and_nothing_else_walks(table: Operations) -> None:
    """Each operation the spec pages (by `pageNumber`, `cursor` or `offset`) is a method
    returning a pager, with no second method beside it for walking: the only other async
    iterators are v2's `tasks.run_many` and `tasks.stream`, and v4's `runs.stream`."""
    client = _client(table)
    pagers = _pagers(client)
    count, iterators = WALKS[table.api.version]
    assert sorted(f"{r}.{m}" for r, m, *_ in pagers) == _paged(table)
    assert len(_paged(table)) == count
    walks = [
        f"{resource}.{name}"
        for resource, value in resources(client)
        for name, member in inspect.getmembers(kind_of(value), inspect.isfunction)
        if not name.startswith("_") and _iterates(member)
    ]
    assert walks == iterators


@TABLE_CASES
def test_every_pager_walks_the_items_of_its_page_type(table: Operations) -> None:
    """A list method is a plain def (it sends nothing) whose pager's item type is what its
    page model lists, and which takes where the walk starts (`page_number`, `cursor` or
    `offset`)."""
    client = _client(table)
    for resource, name, _, item, page in _pagers(client):
        method = _method(client, f"{resource}.{name}")
        assert not inspect.iscoroutinefunction(method), name
        hints = typing.get_type_hints(page)
        lists = [
            f.name for f in attrs.fields(page) if hints[f.name] == types.GenericAlias(list, (item,))
        ]
        assert len(lists) == 1, f"{resource}.{name}: {page.__name__} lists no {item.__name__}"
        start = {"page_number", "cursor", "offset"} & set(inspect.signature(method).parameters)
        assert len(start) == 1, f"{resource}.{name}"


@TABLE_CASES
def test_the_sync_client_returns_a_pager_where_the_async_one_does(table: Operations) -> None:
    with table.sync_client(
        api_key="bu_key", base_url=f"http://127.0.0.1:9{table.prefix}"
    ) as blocking:
        synced = _pagers(blocking)
    expected = [(r, m, Pager, i, p) for r, m, _, i, p in _pagers(_client(table))]
    assert synced == expected
    assert all(kind is AsyncPager for *_, kind, _, _ in _pagers(_client(table)))
