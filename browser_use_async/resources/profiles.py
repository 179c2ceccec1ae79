"""`client.profiles`: the browser profile operations of the v2 API."""

import uuid
from collections.abc import AsyncIterator
from typing import Unpack

from browser_use_async._protocol import conceal, uuid_segment
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
from browser_use_async.resources._pagination import iterate_pages


def _profile_path(profile_id: object) -> str:
    return f"/profiles/{uuid_segment(profile_id, 'profile_id')}"


class AsyncProfiles(AsyncResource):
    """Browser profiles: cookies and logins kept from one session to the next."""

    @property
    def with_raw_response(self) -> "AsyncProfilesWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `iter` sends several, so it is not there."""
        return AsyncProfilesWithRawResponse(self._raw_copy())

    async def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        query: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> ProfileListResponse:
        """One page of profiles (`GET /profiles`); `iter` walks every page.

        `query` (up to 200 characters) searches profile names and user ids.
        """
        params = {
            **page_params(page_size, page_number),
            "query": check_text(query, "query", 0, 200),
        }
        return await self._request(
            "GET", "/profiles", ProfileListResponse, params=params, extra=extra
        )

    async def iter(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        query: str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncIterator[ProfileView]:
        """Every profile matching `query`, fetching page after page as you iterate."""
        conceal(extra)
        pages = iterate_pages(
            lambda number: self.list(page_size=page_size, page_number=number, query=query, **extra)
        )
        async for profile in pages:
            yield profile

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
