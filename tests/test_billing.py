"""Billing: the account call's wire format and parsed result."""

import decimal
import json
import uuid
from typing import Any

import pytest

from browser_use_async import AccountView, APIResponseValidationError, AsyncBrowserUse, PlanInfo
from tests.conftest import CannedServer
from tests.samples import TASK_ID

PROJECT_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
API_KEY_ID = "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"


def account(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Ada",
        "totalCreditsBalanceUsd": 12.34,
        "monthlyCreditsBalanceUsd": 10,
        "additionalCreditsBalanceUsd": 2.34,
        "rateLimit": 60,
        "concurrentSessionLimit": 25,
        "activeSessionCount": 3,
        "planInfo": {
            "planName": "Pro",
            "subscriptionStatus": "active",
            "subscriptionId": "sub_123",
            "subscriptionCurrentPeriodEnd": "2025-07-01T00:00:00Z",
            "subscriptionCanceledAt": None,
        },
        "isFreeTier": False,
        "projectId": PROJECT_ID,
        "apiKeyId": API_KEY_ID,
        "tracingDisabled": True,
    }
    body.update(overrides)
    return body


async def test_account(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    canned.respond(200, json.dumps(account()).encode())
    result = await canned_client.billing.account()
    assert canned.requests[0].method == "GET"
    assert canned.requests[0].path_qs == "/api/v2/billing/account"
    assert canned.bodies == [b""]
    assert result == AccountView(
        name="Ada",
        total_credits_balance_usd=decimal.Decimal("12.34"),
        monthly_credits_balance_usd=decimal.Decimal(10),
        additional_credits_balance_usd=decimal.Decimal("2.34"),
        rate_limit=60,
        concurrent_session_limit=25,
        active_session_count=3,
        plan_info=PlanInfo(
            plan_name="Pro",
            subscription_status="active",
            subscription_id="sub_123",
            subscription_current_period_end="2025-07-01T00:00:00Z",
            subscription_canceled_at=None,
        ),
        is_free_tier=False,
        project_id=uuid.UUID(PROJECT_ID),
        api_key_id=uuid.UUID(API_KEY_ID),
        tracing_disabled=True,
    )
    assert isinstance(result.total_credits_balance_usd, decimal.Decimal)
    # the balances are exact: 12.34 - 10 is 2.34, not 2.3399999999999999
    assert result.total_credits_balance_usd - result.monthly_credits_balance_usd == (
        result.additional_credits_balance_usd
    )


async def test_account_defaults(canned: CannedServer, canned_client: AsyncBrowserUse) -> None:
    body = account()
    del body["name"], body["isFreeTier"], body["apiKeyId"], body["tracingDisabled"]
    canned.respond(200, json.dumps(body).encode())
    result = await canned_client.billing.account()
    assert result.name is None
    assert result.is_free_tier is False
    assert result.api_key_id is None
    assert result.tracing_disabled is False


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"planInfo": None}, "@ $.planInfo"),
        ({"rateLimit": 1.5}, "@ $.rateLimit"),
        ({"totalCreditsBalanceUsd": True}, "@ $.totalCreditsBalanceUsd"),
        ({"projectId": TASK_ID[:-1]}, "@ $.projectId"),
        ({"activeSessionCount": "3"}, "@ $.activeSessionCount"),
        ({"concurrentSessionLimit": None}, "@ $.concurrentSessionLimit"),
    ],
)
async def test_account_that_does_not_validate(
    canned: CannedServer, canned_client: AsyncBrowserUse, overrides: dict[str, Any], error: str
) -> None:
    canned.respond(200, json.dumps(account(**overrides)).encode())
    with pytest.raises(APIResponseValidationError) as caught:
        await canned_client.billing.account()
    assert any(error in e for e in caught.value.errors), caught.value.errors
