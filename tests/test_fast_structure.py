"""The generated fast path gives cattrs' answer or defers to it, for every response model."""

import datetime as dt
import decimal
import enum
import functools
import json
import types
import typing
import uuid
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser_use_async import _codec, models
from browser_use_async._codec import _decode
from browser_use_async.models import TaskStepView, TaskView
from browser_use_async.v4 import models as v4_models
from tests.samples import full_task


def _is_response_model(cls: object) -> bool:
    """An attrs model the API answers with (not a request body, nor one of its parts, which
    check their arguments)."""
    return (
        isinstance(cls, type)
        and attrs.has(cls)
        and not cls.__name__.endswith("Request")
        and not any("NotGiven" in repr(field.type) for field in attrs.fields(cls))
        and not any(field.validator or field.converter for field in attrs.fields(cls))
    )


RESPONSE_MODELS = sorted(
    {
        cls
        for module in (models, v4_models)
        for cls in vars(module).values()
        if _is_response_model(cls)
    },
    key=lambda cls: (cls.__module__, cls.__name__),
)


def _json_values(floats: st.SearchStrategy[float]) -> st.SearchStrategy[object]:
    return st.recursive(
        st.none() | st.booleans() | st.integers(-(2**70), 2**70) | floats | st.text(max_size=8),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=6,
    )


JSON_VALUES = _json_values(st.floats(allow_nan=False, allow_infinity=False))
"""Any JSON value: what a field holds when the server gets it wrong."""

SMALL_FLOATS = st.floats(-1e18, 1e18)
"""Floats the fast path takes (it leaves those of magnitude 2**63 or more to cattrs)."""


@functools.cache
def _valid(tp: Any, noise: bool) -> st.SearchStrategy[Any]:
    """Wire values of type `tp` as the API sends them (with `noise`, some of them wrong)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    scalars: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=8),
        int: st.integers(-(2**64), 2**64),
        bool: st.booleans(),
        float: SMALL_FLOATS | st.integers(-100, 100),
        Any: _json_values(SMALL_FLOATS),
        decimal.Decimal: st.decimals(allow_nan=False, allow_infinity=False).map(str),
        dt.datetime: st.datetimes(timezones=st.sampled_from([dt.UTC, None])).map(
            dt.datetime.isoformat
        ),
        uuid.UUID: st.uuids().map(str),
    }
    if tp in scalars:
        return scalars[tp]
    if attrs.has(tp):
        return documents(tp, noise)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members: list[enum.Enum] = list(tp)
        return st.sampled_from([typing.cast(object, member.value) for member in members])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_valid(arg, noise) for arg in args])
    if origin is list:
        return st.lists(_value(args[0], noise), max_size=2)
    if origin is dict:
        return st.dictionaries(st.text(max_size=4), _value(args[1], noise), max_size=3)
    if tp is type(None):
        return st.none()
    raise AssertionError(f"no strategy for {tp!r}")


def _value(tp: Any, noise: bool) -> st.SearchStrategy[Any]:
    """A value of type `tp`; with `noise`, one in ten is any JSON value instead, so that a
    document often has exactly one thing wrong (more, and the fast path always defers)."""
    valid = st.deferred(lambda: _valid(tp, noise))
    if not noise:
        return valid
    return st.integers(0, 9).flatmap(lambda n: JSON_VALUES if n == 0 else valid)


@st.composite
def documents(draw: st.DrawFn, cls: type, noise: bool) -> dict[str, Any]:
    """Wire documents for model `cls`; with `noise`, some values wrong and some keys missing."""
    document: dict[str, Any] = {}
    for field in attrs.fields(cls):
        required = field.default is attrs.NOTHING
        if required and noise and draw(st.integers(0, 30)) == 0:
            continue
        if not required and draw(st.booleans()):
            continue
        document[_codec.wire_name(field)] = draw(_value(field.type, noise))
    return document


FAILED = object()


def _outcome(structure: typing.Callable[[], object]) -> object:
    """The result, or FAILED when it defers or refuses; a bug in generated code propagates."""
    try:
        return structure()
    except (NameError, AttributeError, IndexError, AssertionError):
        raise
    except Exception:  # Defer, a missing key, a hook's refusal: which is cattrs' business
        return FAILED


def _fast(cls: type) -> typing.Callable[[Any], Any]:
    fast = _decode.fast_structurer(cls)
    assert fast is not None
    return fast


@pytest.mark.parametrize("cls", RESPONSE_MODELS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fast_path_agrees_with_cattrs(cls: type[object], data: st.DataObject) -> None:
    fast = _fast(cls)
    valid = data.draw(documents(cls, noise=False))
    reference: object = _decode.checked_structure(valid, cls)
    # repr tells 1 from 1.0 and True from 1, which == would not.
    assert repr(fast(valid)) == repr(reference)
    noisy = data.draw(documents(cls, noise=True))
    outcome = _outcome(lambda: fast(noisy))
    if outcome is not FAILED:
        reference = _decode.checked_structure(noisy, cls)
        assert repr(outcome) == repr(reference)


WRONG_VALUES: list[object] = [None, True, 0, 2**64, 1.5, 1e30, "x", [], ["x"], {}, {"x": 1}]


@pytest.mark.parametrize("cls", RESPONSE_MODELS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
@settings(max_examples=5, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_wrong_or_missing_field_gets_cattrs_answer(
    cls: type[object], data: st.DataObject
) -> None:
    fast = _fast(cls)
    valid = data.draw(documents(cls, noise=False))
    for field in attrs.fields(typing.cast(type, cls)):
        wire = _codec.to_camel(field.name)
        without = {key: value for key, value in valid.items() if key != wire}
        for document in [without] + [{**valid, wire: wrong} for wrong in WRONG_VALUES]:
            outcome = _outcome(lambda: fast(document))  # noqa: B023 (called at once)
            if outcome is not FAILED:
                reference: object = _decode.checked_structure(document, cls)
                assert repr(outcome) == repr(reference), document


def test_the_property_test_covers_the_response_models() -> None:
    names = {cls.__name__ for cls in RESPONSE_MODELS}
    assert {"TaskView", "TaskStepView", "SessionView", "SkillResponse", "AccountView"} <= names
    assert {"RunSummary", "RunEventsResponse", "QueuedMessage", "WorkspaceInfo"} <= names
    assert len(names) >= 45


def test_a_well_formed_task_takes_the_fast_path() -> None:
    document = full_task()
    task = _fast(TaskView)(document)
    assert isinstance(task, TaskView)
    assert task == _decode.checked_structure(document, TaskView)
    assert [type(step) for step in task.steps] == [TaskStepView] * 2


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"llm": 5}, "invalid value for type, expected str @ $.llm"),
        ({"steps": {}}, "invalid value for type, expected list @ $.steps"),
        ({"isSuccess": 1}, "invalid value for type, expected bool | None @ $.isSuccess"),
    ],
)
def test_a_refused_document_still_gets_cattrs_error(change: dict[str, Any], error: str) -> None:
    document = {**full_task(), **change}
    with pytest.raises(_codec.DecodeError) as caught:
        _decode.structure(document, TaskView)
    assert str(caught.value) == error


LONG_NUMBERS = st.sampled_from([2**64, -(2**63) - 1, 10**30, 1e19, -1e300, 12.5])


@settings(max_examples=50)
@given(
    number=LONG_NUMBERS,
    where=st.sampled_from(["metadata", "duration", "number", "cost", "suggestions"]),
)
def test_a_body_decodes_as_json_loads_reads_it(number: float, where: str) -> None:
    """orjson reads integers beyond 64 bits as floats: such bodies take the exact path."""
    task = full_task()
    step = task["steps"][0]
    if where == "metadata":
        task["metadata"] = {"n": number}
    elif where == "suggestions":
        task["suggestions"] = [{"n": [number]}]
    elif where == "cost":
        task["cost"] = number
    else:
        step[where] = number
    body = json.dumps(task).encode()
    reference = _outcome(lambda: _decode.checked_structure(json.loads(body), TaskView))
    decoded = _outcome(lambda: _decode.decode(body, TaskView))
    assert repr(decoded) == repr(reference)


@attrs.frozen(kw_only=True)
class Nested:
    """Shapes the API's models do not have yet: containers in containers."""

    grid: list[list[int]]
    table: dict[str, dict[str, float]] = attrs.field(factory=lambda: {})


@attrs.frozen(kw_only=True)
class Node:
    name: str
    children: "list[Node]" = attrs.field(factory=lambda: [])


@settings(max_examples=100)
@given(document=documents(Nested, noise=True))
def test_nested_containers_agree_with_cattrs(document: dict[str, Any]) -> None:
    outcome = _outcome(lambda: _fast(Nested)(document))
    reference = _outcome(lambda: _decode.checked_structure(document, Nested))
    if outcome is not FAILED:
        assert repr(outcome) == repr(reference)


def test_nested_containers_and_recursion_take_the_fast_path() -> None:
    nested = {"grid": [[1, 2], [3]], "table": {"a": {"x": 1, "y": 2.5}, "b": {}}}
    structured = _fast(Nested)(nested)
    assert structured == _decode.checked_structure(nested, Nested)
    assert type(structured.table["a"]["x"]) is float
    tree = {"name": "root", "children": [{"name": "leaf", "children": [{"name": "deep"}]}]}
    node = _fast(Node)(tree)
    assert node == _decode.checked_structure(tree, Node)
    assert node.children[0].children[0] == Node(name="deep")


@attrs.frozen(kw_only=True)
class LookAlikes:
    """Field names like the generated code's own locals."""

    tags_item: str
    tags: list[str]
    values_key: str = "k"
    values: dict[str, float] = attrs.field(factory=lambda: {})
    d: int = 0
    item1: str = ""
    key2: str = ""


def test_field_names_do_not_clash_with_the_generated_code() -> None:
    document = {
        "tagsItem": "mine",
        "tags": ["a", "b"],
        "valuesKey": "own",
        "values": {"x": 1},
        "d": 7,
        "item1": "i",
        "key2": "k",
    }
    assert _fast(LookAlikes)(document) == _decode.checked_structure(document, LookAlikes)
    assert _fast(LookAlikes)(document).tags_item == "mine"


def _upper(value: str) -> str:
    return value.upper()


@attrs.frozen(kw_only=True)
class _Checked:
    seen: typing.ClassVar[list[str]] = []
    name: str = attrs.field(converter=_upper)
    size: int = 0

    def __attrs_post_init__(self) -> None:
        self.seen.append(self.name)


@attrs.frozen(kw_only=True, cache_hash=True)
class _CachedHash:
    name: str


def test_a_model_whose_init_does_more_than_store_is_built_by_its_init() -> None:
    checked = _decode.fast_structurer(_Checked)
    assert checked is not None
    assert checked({"name": "a", "size": 2}) == _Checked(name="A", size=2)
    assert _Checked.seen[-2:] == ["A", "A"]  # the fast path's instance, then the expected one
    cached = _decode.fast_structurer(_CachedHash)
    assert cached is not None
    built = cached({"name": "b"})
    assert hash(built) == hash(_CachedHash(name="b"))


def test_a_model_built_from_its_slots_is_the_one_init_would_build() -> None:
    fast = _decode.fast_structurer(TaskView)
    assert fast is not None
    document = full_task()
    built = fast(document)
    fields: dict[str, Any] = {f.name: getattr(built, f.name) for f in attrs.fields(TaskView)}
    expected = TaskView(**fields)
    assert (built, repr(built)) == (expected, repr(expected))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.llm = "x"  # pyright: ignore[reportAttributeAccessIssue]
    assert type(built.steps[0]) is TaskStepView
