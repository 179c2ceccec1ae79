"""`client.integrations`: the third-party integrations of the v4 API (OAuth connections the
agent can use)."""

from typing import Unpack

from browser_use_async._protocol import slug_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import check_bool, check_int, check_text
from browser_use_async.resources._base import AsyncResource
from browser_use_async.resources._pagination import AsyncPager, offset_pager
from browser_use_async.v4.models import (
    AuthorizeResponse,
    ConnectionStatusResponse,
    DisconnectResponse,
    IntegrationCategoryResponse,
    IntegrationListResponse,
    IntegrationResponse,
)


def _provider_path(provider: object) -> str:
    return f"/integrations/{slug_segment(provider, 'provider')}"


class AsyncIntegrations(AsyncResource):
    """The v4 API's integrations: providers a project connects (OAuth) for its agents."""

    @property
    def with_raw_response(self) -> "AsyncIntegrationsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` answers one page."""
        return AsyncIntegrationsWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        offset: int | NotGiven = NOT_GIVEN,
        search: str | NotGiven | None = NOT_GIVEN,
        popular_only: bool | NotGiven = NOT_GIVEN,
        connected_only: bool | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[IntegrationResponse, IntegrationListResponse]:
        """The available integrations and whether this project has connected each
        (`GET /integrations`), as a pager: one `IntegrationListResponse` page, or every
        integration from `offset` on, page after page."""
        params = {
            "limit": check_int(limit, "limit", 1),
            "offset": check_int(offset, "offset", 0),
            "search": check_text(search, "search"),
            "popular_only": check_bool(popular_only, "popular_only"),
            "connected_only": check_bool(connected_only, "connected_only"),
        }
        return offset_pager(
            self._request,
            "/integrations",
            IntegrationListResponse,
            params,
            extra,
            items=lambda p: p.integrations,
        )

    async def categories(self, **extra: Unpack[RequestOptions]) -> IntegrationCategoryResponse:
        """The integrations' categories (`GET /integrations/categories`)."""
        return await self._request(
            "GET", "/integrations/categories", IntegrationCategoryResponse, extra=extra
        )

    async def authorize(self, provider: str, **extra: Unpack[RequestOptions]) -> AuthorizeResponse:
        """The OAuth URL that connects `provider` (`POST /integrations/{provider}/authorize`):
        open its `redirect_url`, then check `status(provider)`. It connects nothing by itself,
        so it is retried as a GET is."""
        path = f"{_provider_path(provider)}/authorize"
        return await self._request("POST", path, AuthorizeResponse, extra=extra, idempotent=True)

    async def status(
        self, provider: str, **extra: Unpack[RequestOptions]
    ) -> ConnectionStatusResponse:
        """Whether this project has connected `provider` (`GET /integrations/{provider}/status`)."""
        path = f"{_provider_path(provider)}/status"
        return await self._request("GET", path, ConnectionStatusResponse, extra=extra)

    async def disconnect(
        self, provider: str, **extra: Unpack[RequestOptions]
    ) -> DisconnectResponse:
        """Disconnect `provider` from this project (`DELETE /integrations/{provider}`)."""
        return await self._request(
            "DELETE", _provider_path(provider), DisconnectResponse, extra=extra
        )


class AsyncIntegrationsWithRawResponse(RawView):
    """`client.integrations.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncIntegrations.list)
    categories = raw_twin(AsyncIntegrations.categories)
    authorize = raw_twin(AsyncIntegrations.authorize)
    status = raw_twin(AsyncIntegrations.status)
    disconnect = raw_twin(AsyncIntegrations.disconnect)
