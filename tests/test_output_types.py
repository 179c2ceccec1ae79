"""Output types beyond attrs classes and dataclasses: pydantic models (by duck typing),
TypedDicts and `list[...]`, from the schema on the wire to the value returned."""

import asyncio
import dataclasses
import datetime as dt
import decimal
import enum
import ipaddress
import json
import subprocess
import sys
import uuid
from typing import Any, Generic, Literal, NotRequired, Required, TypedDict, TypeVar, assert_type

import attrs
import pydantic
import pydantic.v1
import pytest

from browser_use_async import (
    AsyncBrowserUse,
    BrowserUse,
    InvalidArgumentError,
    TaskFailedError,
)
from browser_use_async._codec import DecodeError
from browser_use_async._structured._output import decode_output
from browser_use_async._structured._schema import json_schema, schema_text
from browser_use_async._structured._types import type_name
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from browser_use_async.testing._outputs import sample_output
from tests.conftest import RecordingClock, error_texts


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Item(pydantic.BaseModel):
    name: str
    price: float = pydantic.Field(gt=0)
    color: Color = Color.RED


class Cart(pydantic.BaseModel):
    items: list[Item]
    main: Item
    note: str | None = None
    at: dt.datetime
    id: uuid.UUID


class StrictCart(pydantic.BaseModel):
    """A strict model reads dates and UUIDs from JSON strings only in JSON mode."""

    model_config = pydantic.ConfigDict(strict=True)
    at: dt.datetime
    id: uuid.UUID


class Address(TypedDict):
    city: str
    zip: NotRequired[str]


class Person(TypedDict, total=False):
    name: Required[str]
    age: int
    address: Address
    cart: "Cart"  # a forward reference that resolves


@attrs.frozen
class Flight:
    airline: str
    price: float


TASK_SECRET = "task-secret-hunter2"


def requests_sent(fake: FakeBrowserUseCloud) -> list[dict[str, Any]]:
    return [r.json() for r in fake.requests if r.method == "POST"]


def sent_schema(fake: FakeBrowserUseCloud) -> Any:
    [body] = requests_sent(fake)
    return json.loads(body["structuredOutput"])


def test_importing_the_package_never_imports_pydantic() -> None:
    code = (
        "import sys, browser_use_async, browser_use_async.testing\n"
        "from browser_use_async import AsyncBrowserUse, BrowserUse\n"
        "assert 'pydantic' not in sys.modules, sorted(m for m in sys.modules if 'pydantic' in m)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr.decode()


async def test_a_pydantic_model_sends_its_own_schema_and_comes_back_valid(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, clock: RecordingClock
) -> None:
    cart = await linked.tasks.run("Fill the cart", output_type=Cart)
    assert_type(cart, Cart)
    assert isinstance(cart, Cart)
    assert cart.items
    assert isinstance(cart.items[0], Item)
    schema = sent_schema(fake)
    assert schema == Cart.model_json_schema()
    assert schema["$defs"]["Item"]["properties"]["price"]["exclusiveMinimum"] == 0
    assert schema["properties"]["main"] == {"$ref": "#/$defs/Item"}


async def test_a_strict_pydantic_model_reads_strings_as_json_does(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    strict = await linked.tasks.run("When", output_type=StrictCart)
    assert_type(strict, StrictCart)
    assert strict.at.tzinfo is not None
    assert isinstance(strict.id, uuid.UUID)


async def test_a_typeddict_comes_back_as_a_checked_plain_dict(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    person = await linked.tasks.run("Who", output_type=Person)
    assert_type(person, Person)
    assert type(person) is dict
    assert isinstance(person["name"], str)
    assert isinstance(person.get("cart"), Cart)
    schema = sent_schema(fake)
    assert schema["required"] == ["name"]
    assert schema["properties"]["address"]["required"] == ["city"]
    assert schema["properties"]["cart"] == {
        k: v for k, v in Cart.model_json_schema().items() if k != "$defs"
    }
    assert schema["$defs"] == Cart.model_json_schema()["$defs"]


async def test_a_list_is_asked_for_as_an_object_and_returned_as_the_list(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    carts = await linked.tasks.run("Carts", output_type=list[Cart])
    assert_type(carts, list[Cart])
    assert carts
    assert all(isinstance(c, Cart) for c in carts)
    schema = sent_schema(fake)
    assert schema["type"] == "object"
    assert schema["required"] == ["items"]
    assert schema["properties"]["items"]["type"] == "array"
    assert schema["$defs"] == Cart.model_json_schema()["$defs"]
    numbers = await linked.tasks.run("Numbers", output_type=list[int])
    assert_type(numbers, list[int])
    assert numbers
    assert all(type(n) is int for n in numbers)
    people = await linked.tasks.run("People", output_type=list[Person])
    assert_type(people, list[Person])
    flights = await linked.tasks.run("Flights", output_type=list[Flight])
    assert_type(flights, list[Flight])
    assert people
    assert flights
    assert isinstance(flights[0], Flight)


async def test_create_takes_the_same_output_types(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    for output_type in (Cart, Person, list[Item]):
        await client.tasks.create("x", structured_output=output_type)
    sent = [json.loads(b["structuredOutput"]) for b in requests_sent(fake)]
    assert sent == [json_schema(Cart), json_schema(Person), json_schema(list[Item])]
    assert sent[0] == Cart.model_json_schema()


def test_the_sync_client_runs_them_too() -> None:
    quick = TaskScenario(steps=1, start_delay=0.0, step_interval=0.01)
    with FakeBrowserUseCloud() as fake:
        fake.default_scenario = quick
        with BrowserUse(api_key=fake.api_key, base_url=fake.base_url, timeout=10) as client:
            cart = client.tasks.run("Cart", output_type=Cart, timeout=10, poll_interval=0.01)
            people = client.tasks.run("P", output_type=list[Person], timeout=10, poll_interval=0.01)
            assert_type(cart, Cart)
            assert_type(people, list[Person])
    assert isinstance(cart, Cart)
    assert people
    assert isinstance(people[0].get("cart"), Cart)


@pytest.mark.parametrize(
    ("output", "output_type", "errors"),
    [
        (
            {"items": [{"name": "a", "price": -1}], "main": {"name": 5, "price": 1}},
            Cart,
            [
                "Input should be greater than 0 @ $.items[0].price",
                "Input should be a valid string @ $.main.name",
                "Field required @ $.at",
                "Field required @ $.id",
            ],
        ),
        ({"items": [{"name": "a", "price": "free"}]}, list[Item], None),
        (
            {"items": [{"city": 5}]},
            list[Address],
            ["invalid value for type, expected str @ $.items[0].city"],
        ),
        ({"name": "x", "address": {}}, Person, ["required field missing @ $.address.city"]),
        ({"things": []}, list[int], ["required field missing @ $.items"]),
        ([1, 2], list[int], ["expected a JSON object @ $, got an array"]),
    ],
)
def test_a_wrong_output_names_the_paths_in_our_words(
    output: object, output_type: Any, errors: list[str] | None
) -> None:
    with pytest.raises(DecodeError) as info:
        decode_output(json.dumps(output), output_type)
    if errors is not None:
        assert info.value.errors == errors
    assert info.value.__cause__ is None
    assert info.value.__context__ is None or info.value.__suppress_context__


async def test_run_wraps_a_pydantic_failure_without_showing_the_values(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    fake.default_scenario = TaskScenario(
        output=json.dumps({"name": "hunter2-secret", "price": "x"})
    )
    with pytest.raises(TaskFailedError) as info:
        await linked.tasks.run("Item", output_type=Item)
    message = str(info.value)
    assert "finished, but its output is not a Item" in message
    assert "@ $.price" in message
    assert "hunter2" not in message
    assert not isinstance(info.value.__cause__, pydantic.ValidationError)
    assert info.value.__suppress_context__


class Picky(pydantic.BaseModel):
    value: int

    @pydantic.model_validator(mode="after")
    def refuse(self) -> "Picky":
        raise KeyError("hunter2")


@dataclasses.dataclass
class Checked:
    value: int

    def __post_init__(self) -> None:
        raise RuntimeError("hunter2")


class Blunt(pydantic.BaseModel):
    """pydantic lets a TypeError from a validator through, whose text may show the value."""

    value: int

    @pydantic.field_validator("value")
    @classmethod
    def refuse(cls, value: int) -> int:
        raise TypeError(f"hunter2 {value}")


@pytest.mark.parametrize("output_type", [Picky, Checked, list[Picky], Blunt, list[Blunt]])
def test_whatever_the_output_types_own_code_raises_is_our_error(output_type: Any) -> None:
    listed = output_type in (list[Picky], list[Blunt])
    output = {"items": [{"value": 1}]} if listed else {"value": 1}
    with pytest.raises(DecodeError) as info:
        decode_output(json.dumps(output), output_type)
    assert "hunter2" not in str(info.value)
    assert any(name in str(info.value) for name in ("KeyError", "RuntimeError", "TypeError"))


class Node(pydantic.BaseModel):
    value: int
    children: list["Node"] = []


class Names(pydantic.RootModel[list[str]]):
    pass


class Broken(pydantic.BaseModel):
    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("no schema today")


class OnlySchema:
    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return {"type": "object"}


class OnlyValidate:
    @classmethod
    def model_validate_json(cls, data: str) -> "OnlyValidate":
        return cls()


class BadRef:
    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return {"type": "object", "properties": {"a": {"$ref": "#/$defs/Nowhere"}}}

    @classmethod
    def model_validate_json(cls, data: str) -> "BadRef":
        return cls()


class UnresolvedForward(TypedDict):
    x: "Missing"  # type: ignore[name-defined]  # noqa: F821  # pyright: ignore[reportUndefinedVariable]


@dataclasses.dataclass
class Plain:
    value: int


class OldStyle(pydantic.v1.BaseModel):
    value: int


V = TypeVar("V")


@attrs.frozen
class Box(Generic[V]):
    value: V


class Tagged(TypedDict, Generic[V]):
    value: V


@pytest.mark.parametrize(
    ("output_type", "message"),
    [
        (Broken, r"Broken.model_json_schema\(\) failed: RuntimeError: no schema today"),
        (OnlySchema, "has model_json_schema but not model_validate_json"),
        (OnlyValidate, "has model_validate_json but not model_json_schema"),
        (BadRef, "refers to '#/\\$defs/Nowhere', which is not in its \\$defs"),
        (Node, "Node refers to itself"),
        (Names, "is not an object"),
        (list, "list needs its item type"),
        (dict[str, Item], "an attrs class, dataclass"),
        (int, "an attrs class, dataclass"),
        (list[complex], "cannot derive a JSON schema for complex"),
        (UnresolvedForward, "cannot read the field types of UnresolvedForward: NameError"),
        (Item(name="a", price=1), "got an instance of Item: pass the class"),
        (Plain(1), "got an instance of Plain: pass the class"),
        ('{"type": "object"}', "output_type must be"),
        (OldStyle, "OldStyle is a pydantic v1 model; output types are pydantic v2 models"),
        (list[OldStyle], "OldStyle is a pydantic v1 model"),
        (Box[int], r"Box\[int\] is a generic attrs class, .* write one with the field types"),
        (Tagged[str], r"Tagged\[str\] is a generic"),
        (list[Box[int]], r"Box\[int\] is a generic"),
    ],
)
async def test_unusable_output_types_are_refused_before_anything_is_sent(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse, output_type: Any, message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        await client.tasks.run("x", output_type=output_type)
    if not isinstance(output_type, str):
        with pytest.raises(InvalidArgumentError, match=message.replace("output_type", "")):
            await client.tasks.create("x", structured_output=output_type)
    assert fake.requests == []


async def test_run_refuses_both_an_output_type_and_a_schema(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    schema = {"type": "object", "properties": {"mine": {"type": "string"}}}
    with pytest.raises(InvalidArgumentError, match="output_type or structured_output, not both"):
        async with asyncio.timeout(10):  # the fake's clock stands still: a sent task never ends
            await client.tasks.run("x", output_type=Item, structured_output=schema)
    assert fake.requests == []


async def test_a_refused_output_type_keeps_the_task_secrets_out_of_the_error(
    fake: FakeBrowserUseCloud, client: AsyncBrowserUse
) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        await client.tasks.run("x", output_type=Node, secrets={"password": TASK_SECRET})
    assert not any(TASK_SECRET in text for text in error_texts(info.value))
    assert fake.requests == []


def test_two_different_models_of_one_name_are_refused() -> None:
    first = pydantic.create_model("Part", a=(int, ...))
    second = pydantic.create_model("Part", b=(str, ...))
    holder = pydantic.create_model("Holder", x=(first, ...))
    other = pydantic.create_model("Other", y=(second, ...))

    @dataclasses.dataclass
    class Both:
        one: holder  # type: ignore[valid-type]  # pyright: ignore[reportInvalidTypeForm]
        two: other  # type: ignore[valid-type]  # pyright: ignore[reportInvalidTypeForm]

    with pytest.raises(InvalidArgumentError, match="two different models are named Part"):
        json_schema(Both)


class Kind(TypedDict):
    kind: Literal["a", "b"]
    when: NotRequired[dt.date]


def test_the_fake_writes_outputs_that_fit_any_schema_it_is_given() -> None:
    recursive = {
        "$defs": {
            "N": {
                "type": "object",
                "properties": {"next": {"anyOf": [{"$ref": "#/$defs/N"}, {"type": "null"}]}},
            }
        },
        "$ref": "#/$defs/N",
    }
    endless = {
        "$defs": {
            "N": {"type": "object", "properties": {"n": {"$ref": "#/$defs/N"}}, "required": ["n"]}
        },
        "$ref": "#/$defs/N",
    }
    cases: list[tuple[object, object]] = [
        ({"type": "array", "items": {"type": "integer", "minimum": 5}}, [5]),
        ({"type": ["null", "string"], "maxLength": 3}, "sam"),
        ({"type": "number", "exclusiveMinimum": 2, "exclusiveMaximum": 3}, 2.5),
        ({"type": "integer", "minimum": 5, "maximum": 1}, None),
        ({"oneOf": [{"type": "integer", "maximum": 0, "minimum": 1}, {"const": 7}]}, 7),
        ({"allOf": [{"$ref": "#/definitions/A"}], "definitions": {"A": {"enum": ["x"]}}}, "x"),
        (
            {"type": "object", "required": ["free"], "additionalProperties": {"type": "boolean"}},
            {"free": True},
        ),
        ({"type": "string", "format": "date"}, "2025-06-01"),
        (endless, None),
        ({"$ref": "#"}, None),
        ({"type": "string", "minLength": 10**9}, None),
        ({"type": "array", "minItems": 10**9}, None),
        ({"type": "string", "format": ["not", "a", "name"], "maxLength": 2}, "sa"),
        ({"$ref": "https://example.com/schema"}, None),
        ({"type": "integer", "multipleOf": 3, "minimum": 4}, 6),
        ({"type": "number", "multipleOf": 5e-324}, None),  # 1.5 / 5e-324 overflows
        ({"type": "string", "format": "duration"}, "PT1H"),
    ]
    for schema, expected in cases:
        text = sample_output(json.dumps(schema))
        assert (None if text is None else json.loads(text)) == expected, schema
    chain = json.loads(sample_output(json.dumps(recursive)) or "null")
    depth = 0
    while chain is not None:
        chain, depth = chain.get("next"), depth + 1
    assert 1 < depth < 30
    assert sample_output("not json") is None
    assert decode_output(sample_output(json.dumps(json_schema(Kind))) or "", Kind) == {
        "kind": "a",
        "when": dt.date(2025, 6, 1),
    }


class Measures(pydantic.BaseModel):
    """Formats and steps pydantic writes into its schemas, which the fake must honour."""

    wait: dt.timedelta
    server: ipaddress.IPv4Address
    v6: ipaddress.IPv6Address | None
    even: int = pydantic.Field(multiple_of=2, ge=3)
    quarter: float = pydantic.Field(multiple_of=0.25, gt=2)


@attrs.frozen
class Pair:
    """A tuple of two types, and a Literal of an enum member."""

    pair: tuple[int, str]
    many: tuple[float, ...]
    red: Literal[Color.RED]


_SCALAR_TYPES = [str, int, float, bool, decimal.Decimal, uuid.UUID, dt.datetime, dt.date, Color]


def _wrapped(scalar: Any) -> list[Any]:
    """`scalar` as an attrs, dataclass, TypedDict and pydantic field, a list item and deeper."""
    fields: dict[str, Any] = {"value": scalar, "values": list[scalar], "maybe": scalar | None}
    name = scalar.__name__
    make_model: Any = pydantic.create_model  # its overloads cannot take types in variables
    return [
        attrs.make_class(f"A{name}", {k: attrs.field(type=t) for k, t in fields.items()}),
        dataclasses.make_dataclass(f"D{name}", list(fields.items())),
        TypedDict(f"T{name}", fields),  # type: ignore[operator]  # pyright: ignore
        make_model(f"P{name}", **{k: (t, ...) for k, t in fields.items()}),
        list[scalar],
        list[list[scalar]],
        list[scalar | None],
    ]


@pytest.mark.parametrize(
    "output_type",
    [
        Measures,
        list[Measures],
        Pair,
        list[tuple[str, int, bool]],
        *(tp for scalar in _SCALAR_TYPES for tp in _wrapped(scalar)),
    ],
    ids=type_name,
)
def test_the_fakes_output_for_any_derived_schema_decodes(output_type: Any) -> None:
    text = sample_output(schema_text(output_type))
    assert text is not None
    decode_output(text, output_type)


async def test_decimals_are_asked_for_as_numbers_and_come_back(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    prices = await linked.tasks.run("Prices", output_type=list[decimal.Decimal])
    assert prices == [decimal.Decimal("1.5")]
    assert sent_schema(fake)["properties"]["items"]["items"]["anyOf"][0] == {"type": "number"}


async def test_a_schema_the_fake_cannot_fill_leaves_its_usual_text(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse
) -> None:
    impossible = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 2, "maximum": 1}},
        "required": ["n"],
    }
    created = await linked.tasks.create("Impossible", structured_output=impossible)
    task = await linked.tasks.wait(created.id)
    assert task.output == "Done: Impossible"
