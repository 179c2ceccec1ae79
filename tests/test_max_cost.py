"""`_validation.usd_amount`: the US dollar amounts `max_cost` and its kin take."""

import decimal
from decimal import Decimal

import pytest

from browser_use_async import InvalidArgumentError
from browser_use_async._validation import usd_amount

# Each refused with InvalidArgumentError naming the argument.
BAD_AMOUNTS: list[object] = [
    True,
    -1,
    "-0.01",
    "nan",
    "Infinity",
    float("nan"),
    float("inf"),
    Decimal("sNaN"),
    "$1",
    b"1",
    "",
    [1],
    None,
]


@pytest.mark.parametrize("value", BAD_AMOUNTS, ids=repr)
def test_usd_amount_refuses_what_is_not_an_amount(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^max_total_cost must be an amount of US"):
        usd_amount(value, "max_total_cost")


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (Decimal("0.50"), Decimal("0.50")),
        (0, Decimal(0)),
        (3, Decimal(3)),
        ("0.5", Decimal("0.5")),
        ("1e-2", Decimal("0.01")),
        (0.1, Decimal("0.1")),  # the number written, not the binary fraction nearest it
        (10**400, Decimal(10**400)),
    ],
)
def test_usd_amount_reads_decimals_ints_strings_and_floats(value: object, amount: Decimal) -> None:
    read = usd_amount(value, "max_cost")
    assert isinstance(read, Decimal)
    assert read == amount


def test_usd_amount_holds_when_invalid_operations_are_not_trapped() -> None:
    with decimal.localcontext() as context:
        context.traps[decimal.InvalidOperation] = False
        with pytest.raises(InvalidArgumentError, match="got 'abc'"):
            usd_amount("abc", "max_total_cost")
