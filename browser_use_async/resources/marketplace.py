"""`client.marketplace`: browse public skills, clone them into your project, run them."""

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any, Unpack

from browser_use_async._protocol import slug_segment, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async.models.marketplace import (
    MarketplaceSkillListResponse,
    MarketplaceSkillResponse,
)
from browser_use_async.models.skills import (
    ExecuteSkillRequest,
    ExecuteSkillResponse,
    SkillCategory,
    SkillResponse,
)
from browser_use_async.resources._base import AsyncResource, page_params
from browser_use_async.resources._pagination import AsyncPager, numbered_pager
from browser_use_async.resources.skills import skill_filters


def _skill_path(skill_id: object) -> str:
    return f"/marketplace/skills/{uuid_segment(skill_id, 'skill_id')}"


class AsyncMarketplace(AsyncResource):
    """The public skills marketplace."""

    @property
    def with_raw_response(self) -> "AsyncMarketplaceWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` answers one page."""
        return AsyncMarketplaceWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        query: str | NotGiven | None = NOT_GIVEN,
        category: SkillCategory | str | NotGiven | None = NOT_GIVEN,
        from_date: dt.datetime | NotGiven | None = NOT_GIVEN,
        to_date: dt.datetime | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[MarketplaceSkillResponse, MarketplaceSkillListResponse]:
        """Public skills (`GET /marketplace/skills`), as a pager: one
        `MarketplaceSkillListResponse` page, or every skill from that page on, page after page.

        `page_size` is 1 to 100 (the API's default is 10); `query` searches, up to 100 characters.
        """
        params = {
            **page_params(page_size, page_number),
            **skill_filters(category, query, from_date, to_date),
        }
        path = "/marketplace/skills"
        return numbered_pager(
            self._request,
            path,
            MarketplaceSkillListResponse,
            params,
            extra,
            items=lambda p: p.items,
        )

    async def get(
        self, skill_slug: str, **extra: Unpack[RequestOptions]
    ) -> MarketplaceSkillResponse:
        """A public skill by its slug (`GET /marketplace/skills/{skill_slug}`)."""
        path = f"/marketplace/skills/{slug_segment(skill_slug, 'skill_slug')}"
        return await self._request("GET", path, MarketplaceSkillResponse, extra=extra)

    async def clone(
        self, skill_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SkillResponse:
        """Copy a public skill into your project (`POST /marketplace/skills/{skill_id}/clone`)."""
        path = f"{_skill_path(skill_id)}/clone"
        return await self._request("POST", path, SkillResponse, extra=extra)

    async def execute(
        self,
        skill_id: uuid.UUID | str,
        *,
        parameters: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> ExecuteSkillResponse:
        """Run a public skill with `parameters` (`POST /marketplace/skills/{skill_id}/execute`);
        billable. Pass a `session_id` to run in that session and keep its IP address."""
        body = ExecuteSkillRequest(parameters=parameters, session_id=session_id)
        path = f"{_skill_path(skill_id)}/execute"
        return await self._request("POST", path, ExecuteSkillResponse, body, extra=extra)


class AsyncMarketplaceWithRawResponse(RawView):
    """`client.marketplace.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncMarketplace.list)
    get = raw_twin(AsyncMarketplace.get)
    clone = raw_twin(AsyncMarketplace.clone)
    execute = raw_twin(AsyncMarketplace.execute)
