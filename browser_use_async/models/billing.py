"""Billing models of the v2 API: your account's credits and plan."""

import decimal
import uuid

import attrs

from browser_use_async._codec import JSON_NUMBER


@attrs.frozen(kw_only=True)
class PlanInfo:
    """The account's plan and subscription, as the billing provider reports them."""

    plan_name: str
    subscription_status: str | None
    subscription_id: str | None
    subscription_current_period_end: str | None
    """When the current period ends, as the text the API sends."""
    subscription_canceled_at: str | None
    """When the subscription was canceled, as the text the API sends."""


@attrs.frozen(kw_only=True)
class AccountView:
    """The account behind the API key: credit balances in US dollars, rate limit and plan.

    The balances arrive as JSON numbers and are read as `decimal.Decimal` (by their shortest
    decimal form), like `TaskView.cost`, so that amounts of money add up exactly.
    `active_session_count` of `concurrent_session_limit` browser sessions are running now;
    `api_key_id` names the key the call was made with.
    """

    total_credits_balance_usd: decimal.Decimal = attrs.field(metadata=JSON_NUMBER)
    monthly_credits_balance_usd: decimal.Decimal = attrs.field(metadata=JSON_NUMBER)
    additional_credits_balance_usd: decimal.Decimal = attrs.field(metadata=JSON_NUMBER)
    rate_limit: int
    concurrent_session_limit: int
    active_session_count: int
    plan_info: PlanInfo
    project_id: uuid.UUID
    name: str | None = None
    is_free_tier: bool = False
    api_key_id: uuid.UUID | None = None
    tracing_disabled: bool = False
