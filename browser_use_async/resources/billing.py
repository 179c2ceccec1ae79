"""`client.billing`: the account's credits and plan."""

from typing import Unpack

from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import RequestOptions
from browser_use_async.models.billing import AccountView
from browser_use_async.resources._base import AsyncResource


class AsyncBilling(AsyncResource):
    """Credits and plan of the account behind the API key."""

    @property
    def with_raw_response(self) -> "AsyncBillingWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model)."""
        return AsyncBillingWithRawResponse(self._raw_copy())

    async def account(self, **extra: Unpack[RequestOptions]) -> AccountView:
        """Credit balances, rate limit and plan of the account (`GET /billing/account`)."""
        return await self._request("GET", "/billing/account", AccountView, extra=extra)


class AsyncBillingWithRawResponse(RawView):
    """`client.billing.with_raw_response`: each operation answering `RawResponse`."""

    account = raw_twin(AsyncBilling.account)
