"""Answer shapes seen in the real world (tests/quirks/*.json, each saying where it was seen),
served over real sockets: every one decodes without loss."""

import asyncio
import datetime as dt
import decimal
import hashlib
import hmac
import json
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from aiohttp import ClientSession, web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from browser_use_async import AsyncBrowserUse, BrowserSessionStatus, TaskStatus, verify_webhook
from browser_use_async._codec import DecodeError, decode, parse_datetime
from browser_use_async._codec._decode import checked_structure, fast_structurer
from browser_use_async._structured._output import decode_output
from browser_use_async.models import (
    BrowserSessionView,
    ProfileListResponse,
    ProfileView,
    TaskView,
    WebhookEvent,
)
from browser_use_async.testing import FakeBrowserUseCloud, TaskScenario
from tests.conftest import CannedServer

QUIRKS = Path(__file__).with_name("quirks")
BROWSER_ID = "5d9f8f3e-7a39-4c33-9a5c-2f0e4b1c0001"
TASK_ID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
PROFILE_ID = "0b0c6a8e-3a55-4d59-9a1e-1f7a4b7f0004"


def quirk(name: str) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads((QUIRKS / f"{name}.json").read_text())
    return fixture


def serve(canned: CannedServer, name: str) -> dict[str, Any]:
    """Make `canned` answer every request with fixture `name`; returns the fixture's body."""
    fixture = quirk(name)
    canned.respond(fixture["status"], json.dumps(fixture["body"]).encode())
    body: dict[str, Any] = fixture["body"]
    return body


def test_every_fixture_says_where_it_was_seen() -> None:
    names = sorted(path.stem for path in QUIRKS.glob("*.json"))
    assert names == sorted(
        [
            "browser_status_running",
            "error_402_api_key_spend_limit",
            "error_429_too_many_concurrent_sessions",
            "money_30_digits",
            "profile_null_cookie_domains",
            "structured_output_double_encoded",
            "structured_output_json_string",
            "task_cost_30_digits",
            "timestamps",
            "webhook_session_status_update",
        ]
    )
    for name in names:
        fixture = quirk(name)
        assert set(fixture) == {"provenance", "request", "status", "body"}, name
        assert fixture["provenance"], name
        assert all(isinstance(note, str) and len(note) > 40 for note in fixture["provenance"])


UTC_MOMENT = dt.datetime(2026, 12, 1, 21, 5, 17, 606630, tzinfo=dt.UTC)


async def test_naive_z_and_offset_timestamps_are_aware_utc_with_their_microseconds(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    serve(canned, "timestamps")
    async with asyncio.timeout(10):
        page = await canned_client.profiles.list()
    assert canned.requests[-1].path == "/api/v2/profiles"
    whole_second = UTC_MOMENT.replace(microsecond=0)
    assert [p.created_at for p in page.items] == [whole_second] * 3
    assert [p.updated_at for p in page.items] == [UTC_MOMENT] * 3
    assert [p.last_used_at for p in page.items] == [
        None,
        whole_second.replace(microsecond=1),
        UTC_MOMENT,
    ]
    stamps = [p.created_at for p in page.items] + [p.updated_at for p in page.items]
    assert all(stamp.tzinfo is dt.UTC for stamp in stamps)
    assert [p.updated_at.microsecond for p in page.items] == [606630] * 3


async def test_30_digit_money_strings_are_exact_decimals(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    body = serve(canned, "money_30_digits")
    async with asyncio.timeout(10):
        browser = await canned_client.browsers.get(BROWSER_ID)
    assert browser.browser_cost == decimal.Decimal(body["browserCost"])
    assert str(browser.browser_cost) == "0.0006666666666666666666666666667"
    assert str(browser.proxy_cost) == body["proxyCost"]
    assert str(browser.proxy_used_mb) == body["proxyUsedMb"]

    serve(canned, "task_cost_30_digits")
    async with asyncio.timeout(10):
        task = await canned_client.tasks.get(TASK_ID)
    assert str(task.cost) == "0.0006666666666666666666666666667"


async def test_a_browser_status_outside_the_enum_stays_its_string(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    serve(canned, "browser_status_running")
    async with asyncio.timeout(10):
        browser = await canned_client.browsers.get(BROWSER_ID)
    assert browser.status == "running"
    assert type(browser.status) is str
    assert browser.status not in set(BrowserSessionStatus)
    assert browser.cdp_url == "wss://cdp.browser-use.com/5d9f8f3e"


async def test_null_cookie_domains_is_none(
    canned: CannedServer, canned_client: AsyncBrowserUse
) -> None:
    serve(canned, "profile_null_cookie_domains")
    async with asyncio.timeout(10):
        profile = await canned_client.profiles.get(PROFILE_ID)
    assert profile.cookie_domains is None
    assert profile.name == "work"
    assert profile.updated_at == UTC_MOMENT


@attrs.frozen
class Flight:
    airline: str
    price_eur: decimal.Decimal
    stops: int


FLIGHT = Flight(airline="TAP", price_eur=decimal.Decimal("89.99"), stops=0)


@pytest.mark.parametrize(
    "name", ["structured_output_json_string", "structured_output_double_encoded"]
)
async def test_structured_output_read_as_given_and_structured(
    canned: CannedServer, canned_client: AsyncBrowserUse, name: str
) -> None:
    body = serve(canned, name)
    async with asyncio.timeout(10):
        task = await canned_client.tasks.get(TASK_ID)
    assert task.status is TaskStatus.FINISHED
    assert task.output == body["output"]  # the text as sent, untouched
    assert decode_output(body["output"], Flight) == FLIGHT


@pytest.mark.parametrize(
    "name", ["structured_output_json_string", "structured_output_double_encoded"]
)
async def test_run_structures_either_form_of_output(
    fake: FakeBrowserUseCloud, linked: AsyncBrowserUse, name: str
) -> None:
    fake.default_scenario = TaskScenario(steps=1, output=quirk(name)["body"]["output"])
    async with asyncio.timeout(10):
        assert await linked.tasks.run("Find a flight", output_type=Flight) == FLIGHT


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (json.dumps("not JSON inside"), "got a string"),
        (json.dumps(json.dumps(json.dumps({"airline": "TAP"}))), "got a string"),
        (json.dumps(json.dumps([1, 2])), "got an array"),
        ("[1, 2]", "got an array"),
        ("null", "got null"),
        ('"{\\"airline\\": "', "got a string"),
        ("{", "not valid JSON"),
    ],
)
def test_output_that_is_not_an_object_fails_saying_what_it_is(text: str, problem: str) -> None:
    with pytest.raises(DecodeError, match=problem):
        decode_output(text, Flight)


SECRET = "whsec_quirk_corpus"


async def test_a_session_status_update_webhook_verifies_and_keeps_its_payload() -> None:
    fixture = quirk("webhook_session_status_update")
    raw = json.dumps(fixture["body"], indent=2).encode()  # as sent: whitespace, key order
    stamp = str(int(time.time()))
    canonical = json.dumps(fixture["body"], sort_keys=True, separators=(",", ":"))
    signature = hmac.new(SECRET.encode(), f"{stamp}.{canonical}".encode(), hashlib.sha256)
    received: list[Any] = []

    async def endpoint(request: web.Request) -> web.Response:
        received.append(verify_webhook(await request.read(), request.headers, SECRET))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hooks/browser-use", endpoint)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        headers = {
            "Content-Type": "application/json",
            "X-Browser-Use-Timestamp": stamp,
            "X-Browser-Use-Signature": signature.hexdigest(),
        }
        async with asyncio.timeout(10), ClientSession() as http:
            url = f"http://{host}:{port}/hooks/browser-use"
            async with http.post(url, data=raw, headers=headers) as answer:
                assert answer.status == 200
    finally:
        await runner.cleanup()
    (event,) = received
    assert event.type == "session.status.update"
    assert event.timestamp == UTC_MOMENT
    assert event.timestamp.tzinfo is dt.UTC
    assert event.payload == fixture["body"]["payload"]


# -- the parsers, over every form they may meet ---------------------------------------------

MOMENTS = st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2200, 12, 30)).map(
    lambda moment: moment.replace(tzinfo=dt.UTC)
)
OFFSETS = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59)


def rfc3339(moment: dt.datetime, offset: int, form: dict[str, Any]) -> str:
    """`moment` written as RFC 3339 allows: `offset` minutes east, Z or z for UTC (or no
    offset at all, which the API's older answers mean as UTC), T, t or a space, and the
    fraction left out when zero, trimmed, or padded to nanoseconds."""
    local = moment.astimezone(dt.timezone(dt.timedelta(minutes=offset)))
    text = local.strftime(f"%Y-%m-%d{form['separator']}%H:%M:%S")
    fraction = f"{moment.microsecond:06d}"
    if form["fraction"] == "trimmed":
        fraction = fraction.rstrip("0")
    elif form["fraction"] == "nanoseconds":
        fraction += "000"
    if fraction:
        text += "." + fraction
    if offset or form["utc"] == "offset":
        sign = "+" if offset >= 0 else "-"
        text += f"{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    elif form["utc"] != "naive":
        text += form["utc"]
    return text


FORMS = st.fixed_dictionaries(
    {
        "separator": st.sampled_from(["T", "t", " "]),
        "fraction": st.sampled_from(["full", "trimmed", "nanoseconds"]),
        "utc": st.sampled_from(["Z", "z", "offset", "naive"]),
    }
)


@given(moment=MOMENTS, offset=st.one_of(st.just(0), OFFSETS), form=FORMS)
def test_every_rfc3339_form_reads_as_the_same_utc_moment(
    moment: dt.datetime, offset: int, form: dict[str, Any]
) -> None:
    text = rfc3339(moment, offset, form)
    parsed = parse_datetime(text)
    assert parsed == moment, text
    assert parsed.tzinfo is dt.UTC
    assert parsed.microsecond == moment.microsecond


BROWSER = {
    "id": BROWSER_ID,
    "status": "stopped",
    "timeoutAt": "2026-12-01T22:05:17Z",
    "startedAt": "2026-12-01T21:05:17Z",
}

# The official SDK's pattern for money: ^(?!^[-+.]*$)[+-]?0*\d*\.?\d*$
MONEY = st.from_regex(r"\A[+-]?0*[0-9]{0,40}\.?[0-9]{0,40}\Z").filter(
    lambda text: any(c.isdigit() for c in text)
)


MONEY_FIELDS = {
    "browserCost": "browser_cost",
    "proxyCost": "proxy_cost",
    "proxyUsedMb": "proxy_used_mb",
}


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(text=MONEY, field=st.sampled_from(sorted(MONEY_FIELDS)))
def test_every_money_string_decodes_to_its_exact_value(text: str, field: str) -> None:
    browser = decode(json.dumps({**BROWSER, field: text}).encode(), BrowserSessionView)
    amount = getattr(browser, MONEY_FIELDS[field])
    sign = -1 if text.startswith("-") else 1
    whole, _, fraction = text.lstrip("+-").partition(".")
    exact = Fraction(sign * int(whole + fraction or "0"), 10 ** len(fraction))
    assert isinstance(amount, decimal.Decimal)
    assert Fraction(amount) == exact, text
    assert amount.as_tuple().exponent == -len(fraction)  # every digit written is kept


DECODED_AS = {
    "timestamps": ProfileListResponse,
    "money_30_digits": BrowserSessionView,
    "task_cost_30_digits": TaskView,
    "browser_status_running": BrowserSessionView,
    "profile_null_cookie_domains": ProfileView,
    "structured_output_json_string": TaskView,
    "structured_output_double_encoded": TaskView,
    "webhook_session_status_update": WebhookEvent,
}


@pytest.mark.parametrize("name", sorted(DECODED_AS))
def test_the_fast_path_and_cattrs_read_every_fixture_alike(name: str) -> None:
    cls = DECODED_AS[name]
    body = quirk(name)["body"]
    fast = fast_structurer(cls)
    assert fast is not None
    assert fast(json.loads(json.dumps(body))) == checked_structure(body, cls)
