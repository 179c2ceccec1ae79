"""Integration models of the v4 API: third-party services a project connects (OAuth).

These answers' JSON keys are snake_case, as the attributes (`AS_NAMED`), not camelCase.
"""

import attrs

from browser_use_async._codec import AS_NAMED

__all__ = [
    "AuthorizeResponse",
    "ConnectionStatusResponse",
    "DisconnectResponse",
    "IntegrationCategoryResponse",
    "IntegrationListResponse",
    "IntegrationResponse",
]


@attrs.frozen(kw_only=True)
class IntegrationResponse:
    """A service a project can connect, and whether this one has."""

    provider: str
    display_name: str = attrs.field(metadata=AS_NAMED)
    description: str
    icon_url: str | None = attrs.field(metadata=AS_NAMED)
    category: str
    is_connected: bool = attrs.field(metadata=AS_NAMED)
    auth_type: str = attrs.field(metadata=AS_NAMED)
    is_popular: bool = attrs.field(default=False, metadata=AS_NAMED)


@attrs.frozen(kw_only=True)
class IntegrationListResponse:
    """One page of integrations: `total` in all, this page from `offset`, at most `limit`."""

    integrations: list[IntegrationResponse]
    total: int
    limit: int
    offset: int


@attrs.frozen(kw_only=True)
class IntegrationCategoryResponse:
    """The categories integrations are filed under."""

    categories: list[str]


@attrs.frozen(kw_only=True)
class AuthorizeResponse:
    """Where to send the user to connect `provider` (OAuth); then poll its status."""

    redirect_url: str = attrs.field(metadata=AS_NAMED)
    provider: str


@attrs.frozen(kw_only=True)
class ConnectionStatusResponse:
    """Whether the project has connected `provider`."""

    provider: str
    is_connected: bool = attrs.field(metadata=AS_NAMED)


@attrs.frozen(kw_only=True)
class DisconnectResponse:
    """What `DELETE /integrations/{provider}` answers."""

    success: bool
    provider: str
