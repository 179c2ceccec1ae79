"""`client.billing`: the account's credits and plan."""

from typing import Unpack

from browser_use_async._types import RequestOptions
from browser_use_async.models.billing import AccountView
from browser_use_async.resources._base import AsyncResource


class AsyncBilling(AsyncResource):
    """Credits and plan of the account behind the API key."""

    async def account(self, **extra: Unpack[RequestOptions]) -> AccountView:
        """Credit balances, rate limit and plan of the account (`GET /billing/account`)."""
        return await self._request("GET", "/billing/account", AccountView, extra=extra)
