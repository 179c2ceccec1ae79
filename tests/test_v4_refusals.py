"""Bad arguments to the v4 REST resources are refused with `InvalidArgumentError` before
anything is sent: the server receives no request."""

import pytest

from browser_use_async import InvalidArgumentError
from browser_use_async.v4 import AsyncBrowserUse
from tests.conftest import CannedServer
from tests.v4_rest import call, v4_canned

__all__ = ["v4_canned"]  # fixtures

S = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
W = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e"


@pytest.mark.parametrize(
    ("operation", "kwargs", "match"),
    [
        ("browsers.create", {"timeout": 241}, "timeout"),
        ("browsers.get", {"session_id": "b"}, "session_id"),
        ("browsers.list", {"metadata": [1]}, "metadata"),
        ("profiles.create", {"name": "x" * 101}, "name"),
        ("profiles.list", {"page_size": 0}, "page_size"),
        ("integrations.list", {"limit": 0}, "limit"),
        ("integrations.list", {"offset": -1}, "offset"),
        ("integrations.list", {"popular_only": "yes"}, "popular_only"),
        ("integrations.status", {"provider": ""}, "provider"),
        ("integrations.authorize", {"provider": ".."}, "provider"),
        ("extensions.get", {"extension_id": "e"}, "extension_id"),
        ("extensions.list", {"page_size": 0}, "page_size"),
        ("sessions.update", {"session_id": S, "title": "x" * 256}, "title"),
        ("sessions.update", {"session_id": "s", "title": "t"}, "session_id"),
        ("sessions.update_share", {"session_id": S, "is_active": "yes"}, "is_active"),
        ("sessions.get_queued", {"session_id": S, "message_id": "1"}, "message_id"),
        ("sessions.cost", {"session_id": S, "extra_body": {"a": 1}}, "extra_body"),
        ("workspaces.create", {"name": "x" * 101}, "name"),
        ("workspaces.get", {"workspace_id": "ws"}, "workspace_id"),
        ("workspaces.files", {"workspace_id": W, "limit": 101}, "limit"),
        ("workspaces.files", {"workspace_id": W, "include_urls": 1}, "include_urls"),
        ("workspaces.files", {"workspace_id": W, "content_disposition": "inline"}, "attachment"),
        ("workspaces.files", {"workspace_id": W, "prefix": 7}, "prefix"),
        ("workspaces.upload_urls", {"workspace_id": W, "files": ()}, "at least 1"),
        ("workspaces.upload_urls", {"workspace_id": W, "files": ("a.txt",)}, "WorkspaceFileUpload"),
        ("workspaces.upload", {"workspace_id": W, "allow_overrides": "no"}, "at least one file"),
        ("workspaces.update", {"workspace_id": W, "name": "x" * 101}, "name"),
        ("workspaces.delete_file", {"workspace_id": W, "path": ""}, "path"),
        ("workspaces.size", {"workspace_id": "w"}, "workspace_id"),
    ],
)
async def test_bad_arguments_send_nothing(
    canned: CannedServer,
    v4_canned: AsyncBrowserUse,
    operation: str,
    kwargs: dict[str, object],
    match: str,
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        await call(v4_canned, operation, **kwargs)
    assert canned.requests == []
