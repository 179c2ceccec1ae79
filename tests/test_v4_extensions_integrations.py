"""v4 extensions (a ZIP sent as multipart/form-data) and integrations (snake_case bodies, an
offset pager): the wire format, typed answers, checks before sending, raw and sync twins."""

import email.parser
import email.policy
import io
import json
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from browser_use_async import InvalidArgumentError, RawResponse, RetryPolicy
from browser_use_async.v4 import AsyncBrowserUse, BrowserUse
from browser_use_async.v4.models import (
    AuthorizeResponse,
    ConnectionStatusResponse,
    DisconnectResponse,
    ExtensionListResponse,
    ExtensionView,
    IntegrationCategoryResponse,
    IntegrationListResponse,
    IntegrationResponse,
)
from tests.conftest import CannedServer
from tests.v4_rest import KEY, encode, v4_canned, v4_url

__all__ = ["v4_canned"]  # fixtures

EXTENSION_ID = "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a"
ZIP = b"PK\x03\x04" + bytes(range(256)) * 8 + b"\r\n--not-a-boundary\r\n"


def extension(number: int = 1) -> dict[str, Any]:
    return {
        "id": str(uuid.UUID(int=number)),
        "name": f"ext {number}",
        "version": "1.0.0",
        "createdAt": "2026-01-02T03:04:05Z",
    }


def form(canned: CannedServer, index: int = 0) -> list[EmailMessage]:
    """The parts of a multipart/form-data request, read by the standard library's parser."""
    head = f"Content-Type: {canned.requests[index].headers['Content-Type']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + canned.bodies[index]
    )
    assert isinstance(message, EmailMessage)
    assert message.is_multipart()
    return [part for part in message.iter_parts() if isinstance(part, EmailMessage)]


async def test_create_sends_the_zip_as_a_form(
    canned: CannedServer, v4_canned: AsyncBrowserUse, tmp_path: Path
) -> None:
    source = tmp_path / "adblock.zip"
    source.write_bytes(ZIP)
    canned.respond(200, encode(extension()))
    created = await v4_canned.extensions.create(source)
    assert isinstance(created, ExtensionView)
    assert created.version == "1.0.0"
    [request] = canned.requests
    assert (request.method, request.path) == ("POST", "/api/v4/extensions")
    assert request.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert request.headers["X-Browser-Use-API-Key"] == KEY
    assert int(request.headers["Content-Length"]) == len(canned.bodies[0])
    [part] = form(canned)
    assert part.get_param("name", header="content-disposition") == "file"
    assert part.get_filename() == "adblock.zip"
    assert part.get_content_type() == "application/zip"
    assert part.get_payload(decode=True) == ZIP


async def test_create_from_bytes_or_a_file_object_with_extra_fields(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.respond(200, encode(extension()))
    await v4_canned.extensions.create(ZIP)
    handle = io.BytesIO(b"skip" + ZIP)
    handle.seek(4)
    await v4_canned.extensions.create(
        handle, file_name='my "ext".zip', extra_body={"label": "qa", "pinned": True}
    )
    [first] = form(canned, 0)
    assert first.get_filename() == "extension.zip"
    assert first.get_payload(decode=True) == ZIP
    label, pinned, second = form(canned, 1)
    assert [p.get_param("name", header="content-disposition") for p in (label, pinned)] == [
        "label",
        "pinned",
    ]
    assert [p.get_payload() for p in (label, pinned)] == ["qa", "true"]
    assert second.get_filename() == "my %22ext%22.zip"  # a quote cannot end the name early
    assert second.get_payload(decode=True) == ZIP


async def test_a_retry_sends_the_same_bytes(canned: CannedServer) -> None:
    canned.then(429, encode({"detail": "slow down"}))
    canned.respond(200, encode(extension()))
    policy = RetryPolicy(max_retries=1, initial_delay=0)
    async with AsyncBrowserUse(api_key=KEY, base_url=v4_url(canned), retry=policy) as client:
        await client.extensions.create(io.BytesIO(ZIP))
    assert len(canned.bodies) == 2
    assert canned.bodies[0] == canned.bodies[1]


@pytest.mark.parametrize(
    ("file", "kwargs", "match"),
    [
        (b"", {}, "empty"),
        (io.StringIO("text"), {}, "binary mode"),
        (42, {}, "path, bytes or a binary file object"),
        (ZIP, {"file_name": ""}, "file_name"),
        (ZIP, {"extra_headers": {"Content-Type": "text/plain"}}, "Content-Type"),
    ],
)
async def test_create_checks_its_file_before_sending(
    canned: CannedServer,
    v4_canned: AsyncBrowserUse,
    file: object,
    kwargs: dict[str, Any],
    match: str,
) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        await v4_canned.extensions.create(file, **kwargs)  # type: ignore[arg-type]
    assert canned.requests == []


async def test_create_refuses_what_is_not_a_regular_file(
    canned: CannedServer, v4_canned: AsyncBrowserUse, tmp_path: Path
) -> None:
    with pytest.raises(InvalidArgumentError, match="not a regular file"):
        await v4_canned.extensions.create(tmp_path)
    with pytest.raises(InvalidArgumentError, match="No such file"):
        await v4_canned.extensions.create(tmp_path / "missing.zip")
    assert canned.requests == []


async def test_list_get_delete(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    def page(numbers: range, number: int) -> bytes:
        items = [extension(n) for n in numbers]
        return encode({"items": items, "totalItems": 3, "pageNumber": number, "pageSize": 2})

    canned.then(200, page(range(1, 3), 1))
    canned.then(200, page(range(3, 4), 2))
    names = [e.name async for e in v4_canned.extensions.list(page_size=2)]
    canned.then(200, encode(extension(7)))
    found = await v4_canned.extensions.get(uuid.UUID(int=7))
    canned.then(204, b"")
    await v4_canned.extensions.delete(EXTENSION_ID)
    assert names == ["ext 1", "ext 2", "ext 3"]
    assert found.id == uuid.UUID(int=7)
    assert [(r.method, r.path_qs) for r in canned.requests] == [
        ("GET", "/api/v4/extensions?pageSize=2&pageNumber=1"),
        ("GET", "/api/v4/extensions?pageSize=2&pageNumber=2"),
        ("GET", f"/api/v4/extensions/{uuid.UUID(int=7)}"),
        ("DELETE", f"/api/v4/extensions/{EXTENSION_ID}"),
    ]
    canned.then(200, page(range(1, 3), 1))
    one = await v4_canned.extensions.with_raw_response.list()
    assert isinstance(one, RawResponse)
    assert isinstance(one.parse(), ExtensionListResponse)


def integration(provider: str, *, connected: bool = False) -> dict[str, Any]:
    return {
        "provider": provider,
        "display_name": provider.title(),
        "description": f"{provider} for agents",
        "icon_url": None,
        "category": "productivity",
        "is_connected": connected,
        "auth_type": "oauth2",
    }


def integrations(providers: list[str], offset: int, total: int) -> bytes:
    listing = [integration(p) for p in providers]
    return encode({"integrations": listing, "total": total, "limit": 2, "offset": offset})


async def test_integrations_walk_pages_by_offset(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.then(200, integrations(["gmail", "slack"], 0, 3))
    canned.then(200, integrations(["notion"], 2, 3))
    pager = v4_canned.integrations.list(limit=2, search="a b", popular_only=True)
    found = [i async for i in pager]
    assert [i.provider for i in found] == ["gmail", "slack", "notion"]
    assert [type(i) for i in found] == [IntegrationResponse] * 3
    assert (found[0].display_name, found[0].is_popular, found[0].icon_url) == ("Gmail", False, None)
    assert [r.path_qs for r in canned.requests] == [
        "/api/v4/integrations?limit=2&offset=0&search=a%20b&popular_only=true",
        "/api/v4/integrations?limit=2&offset=2&search=a%20b&popular_only=true",
    ]
    canned.then(200, integrations(["slack"], 5, 9))
    page = await v4_canned.integrations.list(offset=5, connected_only=False)
    assert isinstance(page, IntegrationListResponse)
    assert canned.requests[-1].path_qs == "/api/v4/integrations?offset=5&connected_only=false"


async def test_a_server_ignoring_the_offset_ends_the_walk(
    canned: CannedServer, v4_canned: AsyncBrowserUse
) -> None:
    canned.respond(200, integrations(["gmail", "slack"], 0, 10))  # always the first page
    found = [i.provider async for i in v4_canned.integrations.list(limit=2)]
    assert found == ["gmail", "slack"]
    assert len(canned.requests) == 2


async def test_integration_operations(canned: CannedServer, v4_canned: AsyncBrowserUse) -> None:
    canned.then(200, encode({"categories": ["productivity", "dev"]}))
    categories = await v4_canned.integrations.categories()
    canned.then(200, encode({"redirect_url": "https://auth.example/x", "provider": "gmail"}))
    authorize = await v4_canned.integrations.authorize("gmail")
    canned.then(200, encode({"provider": "gmail", "is_connected": True}))
    status = await v4_canned.integrations.status("gmail")
    canned.then(200, encode({"success": True, "provider": "my/app"}))
    gone = await v4_canned.integrations.disconnect("my/app")
    assert isinstance(categories, IntegrationCategoryResponse)
    assert categories.categories == ["productivity", "dev"]
    assert isinstance(authorize, AuthorizeResponse)
    assert authorize.redirect_url == "https://auth.example/x"
    assert isinstance(status, ConnectionStatusResponse)
    assert status.is_connected is True
    assert isinstance(gone, DisconnectResponse)
    assert [(r.method, r.raw_path) for r in canned.requests] == [
        ("GET", "/api/v4/integrations/categories"),
        ("POST", "/api/v4/integrations/gmail/authorize"),
        ("GET", "/api/v4/integrations/gmail/status"),
        ("DELETE", "/api/v4/integrations/my%2Fapp"),
    ]
    assert canned.bodies[1] == b""


async def test_authorize_is_retried_as_a_get_is(canned: CannedServer) -> None:
    canned.then(503, b"{}")
    canned.respond(200, encode({"redirect_url": "https://auth.example/x", "provider": "gmail"}))
    policy = RetryPolicy(max_retries=1, initial_delay=0)
    async with AsyncBrowserUse(api_key=KEY, base_url=v4_url(canned), retry=policy) as client:
        await client.integrations.authorize("gmail")
    assert [r.method for r in canned.requests] == ["POST", "POST"]


def test_sync_twins(threaded_canned: CannedServer) -> None:
    with BrowserUse(api_key=KEY, base_url=v4_url(threaded_canned)) as client:
        threaded_canned.then(200, encode(extension()))
        created = client.extensions.create(ZIP, file_name="a.zip")
        threaded_canned.then(200, integrations(["gmail"], 0, 1))
        providers = [i.provider for i in client.integrations.list()]
        threaded_canned.then(200, encode({"provider": "gmail", "is_connected": False}))
        raw = client.integrations.with_raw_response.status("gmail")
    assert isinstance(created, ExtensionView)
    assert providers == ["gmail"]
    assert raw.parse().is_connected is False
    assert json.loads(threaded_canned.bodies[-1] or b"null") is None
