"""Profile models of the v2 API: saved browser state (cookies, logins) reused across sessions."""

import datetime as dt
import uuid

import attrs

from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import text

__all__ = ["ProfileCreateRequest", "ProfileListResponse", "ProfileUpdateRequest", "ProfileView"]


@attrs.frozen(kw_only=True)
class ProfileView:
    """A browser profile. `user_id` is your own identifier for the user it belongs to."""

    id: uuid.UUID
    created_at: dt.datetime
    updated_at: dt.datetime
    user_id: str | None = None
    name: str | None = None
    last_used_at: dt.datetime | None = None
    cookie_domains: list[str] | None = None


@attrs.frozen(kw_only=True)
class ProfileListResponse:
    """One page of profiles."""

    items: list[ProfileView]
    total_items: int
    page_number: int
    page_size: int


@attrs.frozen(kw_only=True)
class ProfileCreateRequest:
    """Body of `POST /profiles`. Fields left as `NOT_GIVEN` are not sent."""

    name: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 100))
    user_id: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 255))


@attrs.frozen(kw_only=True)
class ProfileUpdateRequest:
    """Body of `PATCH /profiles/{profile_id}`. Fields left as `NOT_GIVEN` are not sent."""

    name: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 100))
    user_id: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(0, 255))
