"""v4 workspaces and their files, as rows: a file's bytes are a blob the fake serves."""

import uuid
from typing import Any

from browser_use_async.testing._clock import iso
from browser_use_async.testing._state import Store

__all__ = ["drop_file", "open_workspace", "write_file"]

JSON = dict[str, Any]


def open_workspace(store: Store, name: str | None = None) -> JSON:
    now = iso(store.now())
    workspace_id = uuid.uuid4()
    row: JSON = {
        "id": str(workspace_id),
        "name": name,
        "archived": False,
        "createdAt": now,
        "updatedAt": now,
    }
    store.v4.workspaces[workspace_id] = row
    store.v4.files[workspace_id] = {}
    return row


def write_file(store: Store, workspace_id: uuid.UUID, path: str, data: bytes, kind: str) -> None:
    """Store a workspace file (replacing one at the same path) and its bytes for download;
    a deleted workspace keeps nothing."""
    workspace = store.v4.workspaces.get(workspace_id)
    if workspace is None:
        return
    drop_file(store, workspace_id, path)
    token = f"ws-{uuid.uuid4().hex}"
    store.add_blob(kind, data, token)
    store.v4.file_blobs[workspace_id, path] = token
    row = {"path": path, "size": len(data), "lastModified": iso(store.now())}
    store.v4.files[workspace_id][path] = row
    workspace["updatedAt"] = iso(store.now())


def drop_file(store: Store, workspace_id: uuid.UUID, path: str) -> None:
    """Forget a workspace file and its bytes, if it is there."""
    store.v4.files.get(workspace_id, {}).pop(path, None)
    token = store.v4.file_blobs.pop((workspace_id, path), None)
    if token is not None:
        store.blobs.pop(token, None)
