"""Marketplace models of the v2 API: public skills anyone can read, clone and run."""

import datetime as dt
import uuid
from typing import Any

import attrs

from browser_use_async.models.skills import ParameterSchema, SkillCategory


@attrs.frozen(kw_only=True)
class MarketplaceSkillResponse:
    """A public skill in the marketplace; `categories` newer than this SDK stay plain strings."""

    id: uuid.UUID
    slug: str
    title: str
    description: str
    categories: list[SkillCategory | str]
    domains: list[str]
    parameters: list[ParameterSchema]
    output_schema: dict[str, Any]
    current_version: int | None
    is_official: bool
    """Verified by Browser Use."""
    clone_count: int
    first_published_at: dt.datetime
    last_published_at: dt.datetime
    created_at: dt.datetime
    updated_at: dt.datetime
    icon_url: str | None = None


@attrs.frozen(kw_only=True)
class MarketplaceSkillListResponse:
    """One page of marketplace skills."""

    items: list[MarketplaceSkillResponse]
    total_items: int
    page_number: int
    page_size: int
