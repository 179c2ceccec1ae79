"""Session models of the v2 API: agent sessions, their public shares, custom proxies.

`ProxyCountryCode` and `SessionSettings` live in `models._shared` and are re-exported here.
"""

import datetime as dt
import decimal
import enum
import uuid

import attrs

from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import (
    boolean,
    check_member,
    hidden,
    in_range,
    instance_of,
    text,
    to_uuid,
)
from browser_use_async.models._shared import (
    ProxyCountryCode,
    SessionSettings,
    to_proxy_country_code,
)
from browser_use_async.models.tasks import TaskItemView

__all__ = [
    "CreateSessionRequest",
    "CustomProxy",
    "ProxyCountryCode",
    "SessionItemView",
    "SessionListResponse",
    "SessionSettings",
    "SessionStatus",
    "SessionUpdateAction",
    "SessionView",
    "ShareView",
    "UpdateSessionRequest",
]


class SessionStatus(enum.StrEnum):
    """Whether an agent session is running. Statuses this SDK does not know arrive as `str`."""

    ACTIVE = "active"
    STOPPED = "stopped"


class SessionUpdateAction(enum.StrEnum):
    """What `PATCH /sessions/{session_id}` can do to a session."""

    STOP = "stop"


def _session_action(value: SessionUpdateAction | str) -> SessionUpdateAction:
    return check_member(SessionUpdateAction, value, "action")


@attrs.frozen(kw_only=True)
class CustomProxy:
    """Your own proxy for a session or browser, instead of Browser Use's.

    Its repr never shows the password.
    """

    host: str = attrs.field(validator=text(1, 255))
    port: int = attrs.field(validator=in_range(1, 65535, required=True))
    username: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(1, 255))
    password: str | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=text(1, 255), repr=hidden
    )
    ignore_cert_errors: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())


@attrs.frozen(kw_only=True)
class SessionItemView:
    """An agent session as listed by `GET /sessions` and returned by `POST /sessions`.

    `proxy_used_mb` is megabytes; `proxy_cost` is US dollars.
    """

    id: uuid.UUID
    status: SessionStatus | str
    started_at: dt.datetime
    persist_memory: bool
    keep_alive: bool
    live_url: str | None = None
    recording_url: str | None = None
    finished_at: dt.datetime | None = None
    proxy_used_mb: decimal.Decimal = decimal.Decimal(0)
    proxy_cost: decimal.Decimal = decimal.Decimal(0)


@attrs.frozen(kw_only=True)
class SessionView:
    """An agent session with its tasks (`GET /sessions/{session_id}`)."""

    id: uuid.UUID
    status: SessionStatus | str
    started_at: dt.datetime
    tasks: list[TaskItemView]
    live_url: str | None = None
    recording_url: str | None = None
    finished_at: dt.datetime | None = None
    public_share_url: str | None = None
    persist_memory: bool = True
    keep_alive: bool = True
    proxy_used_mb: decimal.Decimal = decimal.Decimal(0)
    proxy_cost: decimal.Decimal = decimal.Decimal(0)


@attrs.frozen(kw_only=True)
class SessionListResponse:
    """One page of agent sessions."""

    items: list[SessionItemView]
    total_items: int
    page_number: int
    page_size: int


@attrs.frozen(kw_only=True)
class CreateSessionRequest:
    """Body of `POST /sessions`. Fields left as `NOT_GIVEN` are not sent; `None` is sent as null.

    `proxy_country_code=None` turns the proxy off; left out, the API uses a US proxy.
    """

    profile_id: uuid.UUID | NotGiven | None = attrs.field(default=NOT_GIVEN, converter=to_uuid)
    proxy_country_code: ProxyCountryCode | NotGiven | None = attrs.field(
        default=NOT_GIVEN, converter=to_proxy_country_code
    )
    start_url: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text())
    browser_screen_width: int | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=in_range(320, 6144, nullable=True)
    )
    browser_screen_height: int | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=in_range(320, 3456, nullable=True)
    )
    persist_memory: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    keep_alive: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())
    custom_proxy: CustomProxy | NotGiven | None = attrs.field(
        default=NOT_GIVEN, validator=instance_of(CustomProxy)
    )
    enable_recording: bool | NotGiven = attrs.field(default=NOT_GIVEN, validator=boolean())


@attrs.frozen(kw_only=True)
class UpdateSessionRequest:
    """Body of `PATCH /sessions/{session_id}`."""

    action: SessionUpdateAction = attrs.field(converter=_session_action)


@attrs.frozen(kw_only=True)
class ShareView:
    """A session's public share: a link anyone can open to watch it, and its view count."""

    share_token: str
    share_url: str
    view_count: int
    last_viewed_at: dt.datetime | None = None
