"""Browser session models of the v2 API: bare cloud browsers you drive over CDP."""

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterable

import attrs

from browser_use_async._codec import NULL_IS_DEFAULT
from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    at_most_items,
    boolean,
    check_member,
    in_range,
    instance_of,
    str_values,
    to_metadata,
    to_uuid,
    uuid_list,
)
from browser_use_async.models._shared import ProxyCountryCode, to_proxy_country_code
from browser_use_async.models.sessions import CustomProxy

__all__ = [
    "BrowserDownloadFile",
    "BrowserDownloadListResponse",
    "BrowserExtensionView",
    "BrowserSessionItemView",
    "BrowserSessionListResponse",
    "BrowserSessionStatus",
    "BrowserSessionUpdateAction",
    "BrowserSessionView",
    "CreateBrowserSessionRequest",
    "UpdateBrowserSessionRequest",
]


class BrowserSessionStatus(enum.StrEnum):
    """Whether a browser is running. Statuses this SDK does not know arrive as `str`."""

    ACTIVE = "active"
    STOPPED = "stopped"


class BrowserSessionUpdateAction(enum.StrEnum):
    """What `PATCH /browsers/{session_id}` can do to a browser session."""

    STOP = "stop"


def _browser_action(value: BrowserSessionUpdateAction | str) -> BrowserSessionUpdateAction:
    return check_member(BrowserSessionUpdateAction, value, "action")


def _extension_ids(value: Iterable[uuid.UUID | str] | NotGiven) -> list[uuid.UUID] | NotGiven:
    return uuid_list(value, "extension_ids")


@attrs.frozen(kw_only=True)
class BrowserExtensionView:
    """An extension installed in a browser; `runtime_id` is its Chromium id, as in
    `chrome-extension://{runtime_id}/`, and `id` the one `extension_ids` named."""

    id: uuid.UUID
    runtime_id: str
    version: str


@attrs.frozen(kw_only=True)
class BrowserSessionItemView:
    """A browser session as listed by `GET /browsers` and returned by `POST /browsers`.

    Connect to `cdp_url` with a CDP client; watch at `live_url`. Costs are US dollars.
    `agent_session_id` is set when an agent session created the browser; `metadata` holds
    the labels it was created with and `extensions` what it installed, in that order.
    """

    id: uuid.UUID
    status: BrowserSessionStatus | str
    timeout_at: dt.datetime
    started_at: dt.datetime
    live_url: str | None = None
    cdp_url: str | None = None
    finished_at: dt.datetime | None = None
    proxy_used_mb: decimal.Decimal = decimal.Decimal(0)
    proxy_cost: decimal.Decimal = decimal.Decimal(0)
    browser_cost: decimal.Decimal = decimal.Decimal(0)
    agent_session_id: uuid.UUID | None = None
    recording_url: str | None = None
    metadata: dict[str, str] = attrs.field(factory=lambda: {}, metadata=NULL_IS_DEFAULT)
    extensions: list[BrowserExtensionView] = attrs.field(
        factory=lambda: [], metadata=NULL_IS_DEFAULT
    )


@attrs.frozen(kw_only=True)
class BrowserSessionView(BrowserSessionItemView):
    """A browser session (`GET /browsers/{session_id}`): the list's fields, and whether a
    recording can still appear (`recording_available`): poll for `recording_url` while True.
    """

    recording_available: bool = attrs.field(default=True, metadata=NULL_IS_DEFAULT)


@attrs.frozen(kw_only=True)
class BrowserSessionListResponse:
    """One page of browser sessions."""

    items: list[BrowserSessionItemView]
    total_items: int
    page_number: int
    page_size: int


@attrs.frozen(kw_only=True)
class CreateBrowserSessionRequest:
    """Body of `POST /browsers`. Fields left as `NOT_GIVEN` are not sent; `None` is sent as null.

    `timeout` is the session's lifetime in minutes (1 to 240; the API's default is 60).
    `proxy_country_code=None` turns the proxy off; left out, the API uses a US proxy.
    `metadata` labels the browser (up to 10 str pairs); `extension_ids` installs up to 3
    extensions. PDFs render in a tab and CAPTCHAs are solved unless turned off.
    """

    profile_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    proxy_country_code: ProxyCountryCode | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=to_proxy_country_code
    )
    metadata: dict[str, str] | NotGiven | None = attrs.field(
        default=NOT_GIVEN,
        converter=to_metadata,
        validator=[str_values, at_most_items(10)],
    )
    timeout: int | NotGiven = attrs.field(default=NOT_GIVEN, validator=in_range(1, 240))
    browser_screen_width: int | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=in_range(320, 6144, nullable=True)
    )
    browser_screen_height: int | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=in_range(320, 3456, nullable=True)
    )
    allow_resizing: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    pdf_renderer_enabled: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    solve_captchas: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    custom_proxy: CustomProxy | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=instance_of(CustomProxy)
    )
    enable_recording: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    extension_ids: list[uuid.UUID] | NotGiven = attrs.field(
        default=NOT_GIVEN, converter=_extension_ids, validator=at_most_items(3)
    )


@attrs.frozen(kw_only=True)
class UpdateBrowserSessionRequest:
    """Body of `PATCH /browsers/{session_id}`."""

    action: BrowserSessionUpdateAction = attrs.field(converter=_browser_action)


@attrs.frozen(kw_only=True)
class BrowserDownloadFile:
    """A file the browser downloaded during the session.

    `path` is its name under the session's downloads; `url` (a presigned link valid for about
    15 minutes) is set only when listed with `include_urls=True`.
    """

    path: str
    size: int
    last_modified: dt.datetime
    url: str | None = None


@attrs.frozen(kw_only=True)
class BrowserDownloadListResponse:
    """One page of a browser session's downloads; pass `next_cursor` on to get the next."""

    files: list[BrowserDownloadFile]
    next_cursor: str | None = None
    has_more: bool = False
