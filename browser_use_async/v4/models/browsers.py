"""Browser models of the v4 API: bare cloud browsers driven over CDP.

The v4 API's browser schemas are the v2 API's, field for field (with the fields the official
SDK adds to both; see spec/amendments-v4.json), so the v2 models serve both.
"""

import attrs

from browser_use_async._types import NOT_GIVEN, NotGiven
from browser_use_async._validation import required_text, text
from browser_use_async.models._shared import ProxyCountryCode
from browser_use_async.models.browsers import (
    BrowserDownloadFile,
    BrowserDownloadListResponse,
    BrowserExtensionView,
    BrowserSessionItemView,
    BrowserSessionListResponse,
    BrowserSessionStatus,
    BrowserSessionUpdateAction,
    BrowserSessionView,
    CreateBrowserSessionRequest,
    UpdateBrowserSessionRequest,
)
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
    "CustomProxy",
    "ExternalBrowserAttach",
    "ProxyCountryCode",
    "UpdateBrowserSessionRequest",
]


@attrs.frozen(kw_only=True)
class ExternalBrowserAttach:
    """A browser of your own to attach by its CDP URL, and where to watch it live (URLs of
    1 to 2083 characters). The spec defines it; no operation of it takes it yet."""

    cdp_url: str = attrs.field(validator=required_text(1, 2083))
    live_view_url: str | NotGiven | None = attrs.field(default=NOT_GIVEN, validator=text(1, 2083))
