"""`client.browsers`: the browser session operations of the v2 API."""

import uuid
from collections.abc import Iterable, Mapping
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
from browser_use_async.resources._base import AsyncResource, RequestFn, page_params
from browser_use_async.resources._pagination import AsyncPager, cursor_pager, numbered_pager


def _browser_path(session_id: object) -> str:
    return f"/browsers/{uuid_segment(session_id, 'session_id')}"


def list_params(
    page_size: int | NotGiven,
    page_number: int | NotGiven,
    filter_by: BrowserSessionStatus | str | NotGiven | None,
    agent_session_id: uuid.UUID | str | NotGiven | None,
) -> dict[str, object]:
    """The query of `GET /browsers`, checked (the v4 API's adds `metadata`)."""
    return {
        **page_params(page_size, page_number),
        "filterBy": check_enum(BrowserSessionStatus, filter_by, "filter_by"),
        "agentSessionId": check_uuid(agent_session_id, "agent_session_id"),
    }


def list_browsers(
    request: RequestFn, params: Mapping[str, object], extra: RequestOptions
) -> AsyncPager[BrowserSessionItemView, BrowserSessionListResponse]:
    """The pager over `GET /browsers?params`."""
    return numbered_pager(
        request, "/browsers", BrowserSessionListResponse, params, extra, items=lambda p: p.items
    )


class AsyncBrowsers(AsyncResource):
    """Browser sessions: cloud browsers you drive yourself over CDP, billed by the minute."""

    @property
    def with_raw_response(self) -> "AsyncBrowsersWithRawResponse":
        """Each operation that sends one request, answering a `RawResponse` (status, headers,
        timing; `parse()` gives the model).
        `list` and `downloads` answer one page."""
        return AsyncBrowsersWithRawResponse(self._raw_copy())

    def list(
        self,
        *,
        page_size: int | NotGiven = NOT_GIVEN,
        page_number: int | NotGiven = NOT_GIVEN,
        filter_by: BrowserSessionStatus | str | NotGiven | None = NOT_GIVEN,
        agent_session_id: uuid.UUID | str | NotGiven | None = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[BrowserSessionItemView, BrowserSessionListResponse]:
        """Browser sessions (`GET /browsers`), as a pager: one `BrowserSessionListResponse`
        page, or every browser session from that page on, page after page.

        `agent_session_id` keeps the browsers of that agent session only."""
        params = list_params(page_size, page_number, filter_by, agent_session_id)
        return list_browsers(self._request, params, extra)

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

    def downloads(
        self,
        session_id: uuid.UUID | str,
        *,
        limit: int | NotGiven = NOT_GIVEN,
        cursor: str | NotGiven | None = NOT_GIVEN,
        include_urls: bool | NotGiven = NOT_GIVEN,
        **extra: Unpack[RequestOptions],
    ) -> AsyncPager[BrowserDownloadFile, BrowserDownloadListResponse]:
        """The files the browser downloaded (`GET /browsers/{session_id}/downloads`), as a
        pager: one `BrowserDownloadListResponse` page, or every file from `cursor` on, the
        pager following each page's `next_cursor`.

        `limit` is 1 to 100 (the API's default is 50). `include_urls=True` adds presigned links.
        """
        path = f"{_browser_path(session_id)}/downloads"
        params = {
            "limit": check_int(limit, "limit", 1, 100),
            "cursor": check_text(cursor, "cursor"),
            "includeUrls": check_bool(include_urls, "include_urls"),
        }
        return cursor_pager(
            self._request, path, BrowserDownloadListResponse, params, extra, items=lambda p: p.files
        )


class AsyncBrowsersWithRawResponse(RawView):
    """`client.browsers.with_raw_response`: each operation answering `RawResponse`."""

    list = raw_twin(AsyncBrowsers.list)
    create = raw_twin(AsyncBrowsers.create)
    get = raw_twin(AsyncBrowsers.get)
    update = raw_twin(AsyncBrowsers.update)
    stop = raw_twin(AsyncBrowsers.stop)
    downloads = raw_twin(AsyncBrowsers.downloads)
