"""`client.browsers`: the browser session operations of the v2 API."""

import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Unpack

from browser_use_async._protocol import conceal, uuid_segment
from browser_use_async._raw import RawView, raw_twin
from browser_use_async._types import NOT_GIVEN, NotGiven, RequestOptions
from browser_use_async._validation import (
    check_bool,
    check_enum,
    check_int,
    check_text,
    check_uuid,
)
from browser_use_async.models.browsers import (
    BrowserDownloadFile,
    BrowserDownloadListResponse,
    BrowserSessionItemView,
    BrowserSessionListResponse,
    BrowserSessionStatus,
    BrowserSessionUpdateAction,
    BrowserSessionView,
    CreateBrowserSessionRequest,
    UpdateBrowserSessionRequest,
)
from browser_use_async.models.sessions import CustomProxy, ProxyCountryCode
from browser_use_async.resources._base import AsyncResource, page_params
from browser_use_async.resources._pagination import iterate_cursor, iterate_pages


def _browser_path(session_id: object) -> str:
    return f"/browsers/{uuid_segment(session_id, 'session_id')}"


class AsyncBrowsers(AsyncResource):
    """Browser sessions: cloud browsers you drive yourself over CDP, billed by the minute."""

    @property
    def with_raw_response(self) -> "AsyncBrowsersWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `iter` and `iter_downloads` send several, so they are not there."""
        return AsyncBrowsersWithRawResponse(self._raw_copy())

    async def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        filter_by: BrowserSessionStatus | str | NotGiven | None = NOT_GIVEN,
        agent_session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> BrowserSessionListResponse:
        """One page of browser sessions (`GET /browsers`); `iter` walks every page.

        `agent_session_id` keeps the browsers of that agent session only."""
        params = {
            **page_params(page_size, page_number),
            "filterBy": check_enum(BrowserSessionStatus, filter_by, "filter_by"),
            "agentSessionId": check_uuid(agent_session_id, "agent_session_id"),
        }
        return await self._request(
            "GET", "/browsers", BrowserSessionListResponse, params=params, extra=extra
        )

    async def iter(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        filter_by: BrowserSessionStatus | str | NotGiven | None = NOT_GIVEN,
        agent_session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncIterator[BrowserSessionItemView]:
        """Every browser session matching the filters, fetching page after page."""
        conceal(extra)
        pages = iterate_pages(
            lambda number: self.list(
                page_size=page_size,
                page_number=number,
                filter_by=filter_by,
                agent_session_id=agent_session_id,
                **extra,
            )
        )
        async for browser in pages:
            yield browser

    async def create(
        self,
        *,
        profile_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        proxy_country_code: ProxyCountryCode | str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        timeout: int | NotGiven = NOT_GIVEN,
        browser_screen_width: int | NotGiven | None = NOT_GIVEN,
        browser_screen_height: int | NotGiven | None = NOT_GIVEN,
        allow_resizing: bool | NotGiven = NOT_GIVEN,
        pdf_renderer_enabled: bool | NotGiven = NOT_GIVEN,
        solve_captchas: bool | NotGiven = NOT_GIVEN,
        custom_proxy: CustomProxy | NotGiven | None = NOT_GIVEN,
        enable_recording: bool | NotGiven = NOT_GIVEN,
        extension_ids: Iterable[uuid.UUID | str] | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> BrowserSessionItemView:
        """Start a browser (`POST /browsers`); connect to its `cdp_url`. Billable.

        `timeout` is the browser's lifetime in minutes (1 to 240; the API's default is 60),
        not a network timeout. `proxy_country_code=None` turns the proxy off. `metadata`
        labels the browser (up to 10 str pairs); `extension_ids` installs up to 3 extensions.
        `pdf_renderer_enabled` and `solve_captchas` are on unless set to False. Once the request
        may have reached the server, it is retried only on a 429, which refuses it before
        anything is made (`TooManyConcurrentActiveSessionsError`: no capacity).
        """
        body = CreateBrowserSessionRequest(
            profile_id=profile_id,
            proxy_country_code=proxy_country_code,
            metadata=metadata,
            timeout=timeout,
            browser_screen_width=browser_screen_width,
            browser_screen_height=browser_screen_height,
            allow_resizing=allow_resizing,
            pdf_renderer_enabled=pdf_renderer_enabled,
            solve_captchas=solve_captchas,
            custom_proxy=custom_proxy,
            enable_recording=enable_recording,
            extension_ids=extension_ids,
        )
        return await self._request("POST", "/browsers", BrowserSessionItemView, body, extra=extra)

    async def get(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> BrowserSessionView:
        """A browser session with its URLs and costs (`GET /browsers/{session_id}`)."""
        return await self._request(
            "GET", _browser_path(session_id), BrowserSessionView, extra=extra
        )

    async def update(
        self,
        session_id: uuid.UUID | str,
        *,
        action: BrowserSessionUpdateAction | str,
        **extra: Unpack[RequestOptions],
    ) -> BrowserSessionView:
        """Apply `action` to a browser session (`PATCH /browsers/{session_id}`)."""
        body = UpdateBrowserSessionRequest(action=action)
        return await self._request(
            "PATCH", _browser_path(session_id), BrowserSessionView, body, extra=extra
        )

    async def stop(
        self, session_id: uuid.UUID | str, **extra: Unpack[RequestOptions]
    ) -> BrowserSessionView:
        """Stop a browser; unused time is refunded. This cannot be undone."""
        conceal(extra)
        return await self.update(session_id, action=BrowserSessionUpdateAction.STOP, **extra)

    async def downloads(
        self,
        session_id: uuid.UUID | str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven | None = NOT_GIVEN,
        include_urls: bool | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> BrowserDownloadListResponse:
        """One page of the files the browser downloaded (`GET /browsers/{session_id}/downloads`).

        `limit` is 1 to 100 (the API's default is 50); pass the page's `next_cursor` as `cursor`
        for the next one, or use `iter_downloads`. `include_urls=True` adds presigned links.
        """
        path = f"{_browser_path(session_id)}/downloads"
        params = {
            "limit": check_int(limit, "limit", 1, 100),
            "cursor": check_text(cursor, "cursor"),
            "includeUrls": check_bool(include_urls, "include_urls"),
        }
        return await self._request(
            "GET", path, BrowserDownloadListResponse, params=params, extra=extra
        )

    async def iter_downloads(
        self,
        session_id: uuid.UUID | str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        include_urls: bool | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncIterator[BrowserDownloadFile]:
        """Every file the browser downloaded, following the cursor as you iterate."""
        conceal(extra)
        files = iterate_cursor(
            lambda cursor: self.downloads(
                session_id, limit=limit, cursor=cursor, include_urls=include_urls, **extra
            ),
            lambda page: page.files,
        )
        async for file in files:
            yield file


class AsyncBrowsersWithRawResponse(RawView):
    """`client.browsers.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncBrowsers.list)
    create = raw_twin(AsyncBrowsers.create)
    get = raw_twin(AsyncBrowsers.get)
    update = raw_twin(AsyncBrowsers.update)
    stop = raw_twin(AsyncBrowsers.stop)
    downloads = raw_twin(AsyncBrowsers.downloads)
