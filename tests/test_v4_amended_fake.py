"""The v4 amendment operations against the fake cloud: an extension uploaded as a ZIP and
installed in a browser, an integration connected, a session renamed, shared and capped, a
workspace's size and a deleted file."""

import io
import uuid
import zipfile

import pytest

from browser_use_async import BadRequestError
from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.v4 import AsyncBrowserUse
from tests.v4_rest import v4_client

__all__ = ["v4_client"]  # fixtures


def extension_zip(name: str) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("manifest.json", f'{{"name": "{name}", "version": "2.1"}}')
        zipped.writestr("background.js", "console.log(1)")
    return archive.getvalue()


async def test_an_uploaded_extension_is_listed_installed_and_deleted(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    created = await v4_client.extensions.create(io.BytesIO(extension_zip("Blocker")))
    assert (created.name, created.version) == ("Blocker", "2.1")
    listed = [e.id async for e in v4_client.extensions.list(page_size=1)]
    assert listed == [created.id]
    browser = await v4_client.browsers.create(extension_ids=[created.id], metadata={"team": "qa"})
    found = [b.id async for b in v4_client.browsers.list(metadata=["team=qa"])]
    assert found == [browser.id]
    assert [b.id async for b in v4_client.browsers.list(metadata=["team=ops"])] == []
    await v4_client.extensions.delete(created.id)
    assert [e async for e in v4_client.extensions.list()] == []
    with pytest.raises(BadRequestError, match="manifest"):
        await v4_client.extensions.create(b"not a zip")


async def test_an_integration_connects(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    providers = [i.provider async for i in v4_client.integrations.list(limit=2)]
    assert len(providers) == len(set(providers)) >= 3  # walked by offset, page after page
    authorize = await v4_client.integrations.authorize(providers[0])
    assert authorize.provider == providers[0]
    assert not (await v4_client.integrations.status(providers[0])).is_connected
    fake.connect_integration(providers[0])
    assert (await v4_client.integrations.status(providers[0])).is_connected
    connected = [i.provider async for i in v4_client.integrations.list(connected_only=True)]
    assert connected == [providers[0]]
    gone = await v4_client.integrations.disconnect(providers[0])
    assert gone.success


async def test_a_session_renamed_shared_and_capped(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    run_id = fake.create_run("Find flights", steps=1)
    session_id = uuid.UUID(fake.runs[run_id]["sessionId"])
    assert (await v4_client.sessions.update(session_id, title="Trip")).title == "Trip"
    assert await v4_client.sessions.get_share(session_id) is None
    shared = await v4_client.sessions.create_share(session_id)
    assert (await v4_client.sessions.create_share(session_id)).share_token == shared.share_token
    off = await v4_client.sessions.update_share(session_id, is_active=False)
    assert off.is_active is False
    cap = await v4_client.sessions.update_cost_cap(session_id, max_cost_usd="7.5")
    assert str(cap.max_cost_usd) == "7.5"
    cost = await v4_client.sessions.cost(session_id)
    assert cost.num_runs == 1
    queued = await v4_client.sessions.queue(session_id, "and hotels")
    assert (await v4_client.sessions.get_queued(session_id, queued.id)).text == "and hotels"
    await v4_client.sessions.delete(session_id)
    assert session_id not in fake.v4_sessions


async def test_workspace_size_and_a_deleted_file(
    fake: FakeBrowserUseCloud, v4_client: AsyncBrowserUse
) -> None:
    workspace = await v4_client.workspaces.create(name="w")
    await v4_client.workspaces.upload(workspace.id, ("a.txt", b"abc"), ("b.txt", b"de"))
    size = await v4_client.workspaces.size(workspace.id)
    assert size.used_bytes == 5
    await v4_client.workspaces.delete_file(workspace.id, "uploads/a.txt")
    assert [f.path async for f in v4_client.workspaces.files(workspace.id)] == ["uploads/b.txt"]
    renamed = await v4_client.workspaces.update(workspace.id, name=None)
    assert renamed.name is None
