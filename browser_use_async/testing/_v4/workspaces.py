"""v4 workspaces: create, get, presigned uploads (PUT to the fake itself) and file lists.

`POST /workspaces/{id}/files/upload` answers an `uploadUrl` per file at the fake's own
`/fake/v4/uploads/{token}`: a PUT there with the declared Content-Type and exactly the
declared size (Content-Length) stores the file at `uploads/<storedName>`, as S3 would; any
other PUT answers S3's 403. `GET .../files?includeUrls=true` gives download URLs on the
fake's blob host (`/fake/blobs/...`).
"""

import datetime as dt
import re
import secrets
import urllib.parse
import uuid

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, no_content, reply
from browser_use_async.testing._state import Store
from browser_use_async.testing._v4.lifecycle import drop_file, open_workspace, write_file
from browser_use_async.testing._v4.paging import keyset_page
from browser_use_async.testing._v4.state import PendingUpload

__all__ = ["ROUTES", "UPLOAD_PATH", "receive_upload"]

UPLOAD_PATH = "/fake/v4/uploads/{token}"
UPLOAD_SECONDS = 300
WORKSPACE_NOT_FOUND = "Workspace not found"
WORKSPACE_MAX_BYTES = 5 * 2**30
WOULD_OVERRIDE = "A file with this name already exists in the workspace: {path}"


def _workspace(call: Call) -> JSON:
    return lookup(call.store.v4.workspaces, call.params["workspace_id"], WORKSPACE_NOT_FOUND)


def create_workspace(call: Call) -> web.Response:
    return reply(open_workspace(call.store, call.body.get("name")))


def get_workspace(call: Call) -> web.Response:
    return reply(_workspace(call))


def stored_name(name: str) -> str:
    """The file name an upload is stored under: letters, digits, `.`, `-` and `_` kept,
    anything else `_`, no leading dots (so never `..`)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "file"


def upload_files(call: Call) -> web.Response:
    store, workspace = call.store, _workspace(call)
    workspace_id = uuid.UUID(workspace["id"])
    expires = store.now() + dt.timedelta(seconds=UPLOAD_SECONDS)
    if not call.body["allowOverrides"]:
        for item in call.body["files"]:
            path = f"uploads/{stored_name(item['name'])}"
            if path in store.v4.files[workspace_id]:
                raise HTTPProblem(409, WOULD_OVERRIDE.format(path=path))
    items: list[JSON] = []
    for item in call.body["files"]:
        upload_id, stored = uuid.uuid4(), stored_name(item["name"])
        path = f"uploads/{stored}"
        token = secrets.token_urlsafe(16)
        kind, size = item["contentType"], item["size"]
        store.v4.uploads[token] = PendingUpload(upload_id, workspace_id, path, kind, size, expires)
        store.v4.attachments[upload_id] = {
            "id": str(upload_id),
            "name": item["name"],
            "contentType": kind,
            "sizeBytes": size,
            "status": "pending",
            "workspaceId": workspace["id"],
        }
        items.append(
            {
                "id": str(upload_id),
                "name": item["name"],
                "storedName": stored,
                "path": path,
                "willOverride": path in store.v4.files[workspace_id],
                "uploadUrl": f"{call.origin}{UPLOAD_PATH.format(token=token)}",
            }
        )
    return reply({"files": items})


def list_files(call: Call) -> web.Response:
    p, v4 = call.params, call.store.v4
    workspace_id = uuid.UUID(_workspace(call)["id"])
    rows = [row for path, row in v4.files[workspace_id].items() if path.startswith(p["prefix"])]
    chunk, cursor, more = keyset_page(
        rows, lambda row: row["path"], p["cursor"], p["limit"], "path"
    )
    files: list[JSON] = []
    for row in chunk:
        url = None
        if p["includeUrls"]:
            url = call.blob_url(v4.file_blobs[workspace_id, row["path"]])
            if p["contentDisposition"] == "attachment":
                name = row["path"].rsplit("/", 1)[-1]
                value = urllib.parse.quote(f'attachment; filename="{name}"')
                url += f"?response-content-disposition={value}"
        files.append({**row, "url": url})
    return reply({"files": files, "nextCursor": cursor, "hasMore": more})


def rename_workspace(call: Call) -> web.Response:
    workspace = _workspace(call)
    if "name" in call.body:
        workspace.update(name=call.body["name"], updatedAt=iso(call.store.now()))
    return reply(workspace)


def delete_workspace(call: Call) -> web.Response:
    """Delete the workspace and its files (sessions in it keep running, with nowhere to
    write output files)."""
    v4, workspace_id = call.store.v4, uuid.UUID(_workspace(call)["id"])
    for path in list(v4.files[workspace_id]):
        drop_file(call.store, workspace_id, path)
    del v4.workspaces[workspace_id], v4.files[workspace_id]
    return no_content()


def workspace_size(call: Call) -> web.Response:
    files = call.store.v4.files[uuid.UUID(_workspace(call)["id"])]
    used = sum(row["size"] for row in files.values())
    return reply({"usedBytes": used, "maxBytes": WORKSPACE_MAX_BYTES})


def delete_file(call: Call) -> web.Response:
    """Idempotent: a path with no file answers 204 too."""
    workspace_id = uuid.UUID(_workspace(call)["id"])
    if call.params["path"] in call.store.v4.files[workspace_id]:
        drop_file(call.store, workspace_id, call.params["path"])
    return no_content()


def _s3_error(code: str, message: str) -> web.Response:
    body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return web.Response(status=403, text=body, content_type="application/xml")


async def receive_upload(store: Store, request: web.Request) -> web.Response:
    """The presigned PUT target: the bytes, of the declared type and exact size."""
    data = await request.read()
    with store.lock:
        ticket = store.v4.uploads.get(request.match_info["token"])
        if ticket is None:
            return _s3_error("AccessDenied", "Access Denied")
        if store.now() > ticket.expires:
            return _s3_error("AccessDenied", "Request has expired")
        declared = request.headers.get("Content-Length")
        if request.headers.get("Content-Type") != ticket.content_type or declared != str(
            ticket.size
        ):
            mismatch = (
                "The request signature we calculated does not match the signature you provided."
            )
            return _s3_error("SignatureDoesNotMatch", mismatch)
        write_file(store, ticket.workspace_id, ticket.path, data, ticket.content_type)
        store.v4.attachments[ticket.upload_id]["status"] = "uploaded"
    return web.Response(status=200, headers={"ETag": f'"{secrets.token_hex(16)}"'})


ROUTES = {
    ("POST", "/workspaces"): create_workspace,
    ("GET", "/workspaces/{workspace_id}"): get_workspace,
    ("POST", "/workspaces/{workspace_id}/files/upload"): upload_files,
    ("GET", "/workspaces/{workspace_id}/files"): list_files,
    ("PATCH", "/workspaces/{workspace_id}"): rename_workspace,
    ("DELETE", "/workspaces/{workspace_id}"): delete_workspace,
    ("GET", "/workspaces/{workspace_id}/size"): workspace_size,
    ("DELETE", "/workspaces/{workspace_id}/files"): delete_file,
}
