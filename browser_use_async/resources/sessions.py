"""`client.sessions`: the agent session operations of the v2 API."""

import uuid
from typing import Unpack

from browser_use_async._protocol import conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import check_enum
from browser_use_async.models.sessions import (
    CreateSessionRequest,
    CustomProxy,
    ProxyCountryCode,
    SessionItemView,
    SessionListResponse,
    SessionStatus,
    SessionUpdateAction,
    SessionView,
    ShareView,
    UpdateSessionRequest,
)
from browser_use_async.resources._base import AsyncResource, page_params
from browser_use_async.resources._pagination import AsyncPager, numbered_pager


def _session_path(session_id: object) -> str:
    return f"/sessions/{uuid_segment(session_id, 'session_id')}"


class AsyncSessions(AsyncResource):
    """Agent sessions: a browser that runs one task after another, keeping its state."""

    @property
    def with_raw_response(self) -> "AsyncSessionsWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` answers one page."""
        return AsyncSessionsWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        filter_by: SessionStatus | str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[SessionItemView, SessionListResponse]:
        """Sessions (`GET /sessions`), as a pager: one `SessionListResponse` page, or every
        session from that page on, page after page.

        `page_size` is 1 to 100 (the API's default is 10).
        """
        params = {
            **page_params(page_size, page_number),
            "filterBy": check_enum(SessionStatus, filter_by, "filter_by"),
        }
        return numbered_pager(
            self._request, "/sessions", SessionListResponse, params, extra, items=lambda p: p.items
        )

    async def create(
        self,
        *,
        profile_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        proxy_country_code: ProxyCountryCode | str | NotGiven | None = NOT_GIVEN,
        start_url: str | NotGiven | None = NOT_GIVEN,
        browser_screen_width: int | NotGiven | None = NOT_GIVEN,
        browser_screen_height: int | NotGiven | None = NOT_GIVEN,
        persist_memory: bool | NotGiven = NOT_GIVEN,
        keep_alive: bool | NotGiven = NOT_GIVEN,
        custom_proxy: CustomProxy | NotGiven | None = NOT_GIVEN,
        enable_recording: bool | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> SessionItemView:
        """Start a session (`POST /sessions`); run tasks in it with `tasks.create(session_id=...)`.

        `proxy_country_code=None` turns the proxy off (left out: a US proxy). Billable: once the
        request may have reached the server it is retried only on a 429, which refuses it
        before anything is made (`TooManyConcurrentActiveSessionsError`: no capacity).
        """
        body = CreateSessionRequest(
            profile_id=profile_id,
            proxy_country_code=proxy_country_code,
            start_url=start_url,
            browser_screen_width=browser_screen_width,
            browser_screen_height=browser_screen_height,
            persist_memory=persist_memory,
            keep_alive=keep_alive,
            custom_proxy=custom_proxy,
            enable_recording=enable_recording,
        )
        return await self._request("POST", "/sessions", SessionItemView, body, extra=extra)

    async def get(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SessionView:
        """A session with its tasks and live URL (`GET /sessions/{session_id}`)."""
        return await self._request("GET", _session_path(session_id), SessionView, extra=extra)

    async def update(
        self,
        session_id: uuid.UUID | str,
        *,
        action: SessionUpdateAction | str,
        **extra: Unpack[RequestOptions],
    ) -> SessionView:
        """Apply `action` to a session (`PATCH /sessions/{session_id}`) and return it."""
        body = UpdateSessionRequest(action=action)
        return await self._request(
            "PATCH", _session_path(session_id), SessionView, body, extra=extra
        )

    async def stop(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> SessionView:
        """Stop a session and every task running in it; this cannot be undone."""
        conceal(extra)
        return await self.update(session_id, action=SessionUpdateAction.STOP, **extra)

    async def delete(self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Delete a session and all its tasks (`DELETE /sessions/{session_id}`)."""
        return await self._request("DELETE", _session_path(session_id), None, extra=extra)

    async def purge(self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]) -> None:
        """Erase a session's data now: files, screenshots, logs (`POST .../purge`; ZDR only)."""
        return await self._request("POST", f"{_session_path(session_id)}/purge", None, extra=extra)

    async def get_share(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> ShareView:
        """The session's public share link and view count (`GET .../public-share`)."""
        return await self._request(
            "GET", f"{_session_path(session_id)}/public-share", ShareView, extra=extra
        )

    async def create_share(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> ShareView:
        """Share the session publicly, or return the existing share (`POST .../public-share`)."""
        return await self._request(
            "POST", f"{_session_path(session_id)}/public-share", ShareView, extra=extra
        )

    async def delete_share(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> None:
        """Remove the session's public share (`DELETE .../public-share`)."""
        return await self._request(
            "DELETE", f"{_session_path(session_id)}/public-share", None, extra=extra
        )


class AsyncSessionsWithRawResponse(RawView):
    """`client.sessions.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncSessions.list)
    create = raw_twin(AsyncSessions.create)
    get = raw_twin(AsyncSessions.get)
    update = raw_twin(AsyncSessions.update)
    stop = raw_twin(AsyncSessions.stop)
    delete = raw_twin(AsyncSessions.delete)
    purge = raw_twin(AsyncSessions.purge)
    get_share = raw_twin(AsyncSessions.get_share)
    create_share = raw_twin(AsyncSessions.create_share)
    delete_share = raw_twin(AsyncSessions.delete_share)
