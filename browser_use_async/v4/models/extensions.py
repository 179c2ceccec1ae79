"""Extension models of the v4 API: Manifest V3 browser extensions uploaded as ZIP files, to
install in browsers (`extension_ids`)."""

import datetime as dt
import uuid

import attrs

__all__ = ["ExtensionListResponse", "ExtensionView"]


@attrs.frozen(kw_only=True)
class ExtensionView:
    """An uploaded extension: its `name` and `version` from its manifest."""

    id: uuid.UUID
    name: str
    version: str
    created_at: dt.datetime


@attrs.frozen(kw_only=True)
class ExtensionListResponse:
    """One page of uploaded extensions."""

    items: list[ExtensionView]
    total_items: int
    page_number: int
    page_size: int
