"""`client.profiles`: the browser profile operations of the v2 API."""

import uuid
from typing import Unpack

from browser_use_async._protocol import uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import check_text
from browser_use_async.models.profiles import (
    ProfileCreateRequest,
    ProfileListResponse,
    ProfileUpdateRequest,
    ProfileView,
)
from browser_use_async.resources._base import AsyncResource, page_params
from browser_use_async.resources._pagination import AsyncPager, numbered_pager


def _profile_path(profile_id: object) -> str:
    return f"/profiles/{uuid_segment(profile_id, 'profile_id')}"


class AsyncProfiles(AsyncResource):
    """Browser profiles: cookies and logins kept from one session to the next."""

    @property
    def with_raw_response(self) -> "AsyncProfilesWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` answers one page."""
        return AsyncProfilesWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        query: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[ProfileView, ProfileListResponse]:
        """Profiles (`GET /profiles`), as a pager: one `ProfileListResponse` page, or every
        profile from that page on, page after page.

        `query` (up to 200 characters) searches profile names and user ids.
        """
        params = {
            **page_params(page_size, page_number),
            "query": check_text(query, "query", 0, 200),
        }
        return numbered_pager(
            self._request, "/profiles", ProfileListResponse, params, extra, items=lambda p: p.items
        )

    async def create(
        self,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        user_id: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> ProfileView:
        """Create a profile (`POST /profiles`); `user_id` is your own id for its user."""
        body = ProfileCreateRequest(name=name, user_id=user_id)
        return await self._request("POST", "/profiles", ProfileView, body, extra=extra)

    async def get(
        self, profile_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> ProfileView:
        """A profile (`GET /profiles/{profile_id}`)."""
        return await self._request("GET", _profile_path(profile_id), ProfileView, extra=extra)

    async def update(
        self,
        profile_id: uuid.UUID | str,
        *,
        name: str | NotGiven | None = NOT_GIVEN,
        user_id: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> ProfileView:
        """Change a profile's name or user id (`PATCH /profiles/{profile_id}`).

        Fields left out stay as they are; `None` is sent as null.
        """
        body = ProfileUpdateRequest(name=name, user_id=user_id)
        return await self._request(
            "PATCH", _profile_path(profile_id), ProfileView, body, extra=extra
        )

    async def delete(self, profile_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Delete a profile for good (`DELETE /profiles/{profile_id}`)."""
        return await self._request("DELETE", _profile_path(profile_id), None, extra=extra)


class AsyncProfilesWithRawResponse(RawView):
    """`client.profiles.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncProfiles.list)
    create = raw_twin(AsyncProfiles.create)
    get = raw_twin(AsyncProfiles.get)
    update = raw_twin(AsyncProfiles.update)
    delete = raw_twin(AsyncProfiles.delete)
