"""Files: presigned uploads (accepted by the fake itself) and task output files."""

import datetime as dt
import secrets
import uuid

from aiohttp import web

from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, multipart_form, reply
from browser_use_async.testing._state import Presigned, Store, UploadedFile

__all__ = ["ROUTES", "UPLOAD_PATH", "receive_upload"]

UPLOAD_PATH = "/fake/uploads"
EXPIRES_IN = 120


def _presign(call: Call, kind: str, table: dict[uuid.UUID, JSON]) -> web.Response:
    session_id = call.params["session_id"]
    lookup(table, session_id, "Session not found")
    name, content_type = call.body["fileName"], call.body["contentType"]
    policy = secrets.token_urlsafe(16)
    expires = call.store.now() + dt.timedelta(seconds=EXPIRES_IN)
    call.store.presigned[policy] = Presigned(
        kind, session_id, name, content_type, call.body["sizeBytes"], expires
    )
    fields = {"key": f"{kind}/{session_id}/{name}", "Content-Type": content_type, "policy": policy}
    return reply(
        {
            "url": f"{call.origin}{UPLOAD_PATH}",
            "method": "POST",
            "fields": fields,
            "fileName": name,
            "expiresIn": EXPIRES_IN,
        }
    )


def presign_session_upload(call: Call) -> web.Response:
    return _presign(call, "sessions", call.store.sessions)


def presign_browser_upload(call: Call) -> web.Response:
    return _presign(call, "browsers", call.store.browsers)


def output_file(call: Call) -> web.Response:
    task = lookup(call.store.tasks, call.params["task_id"], "Task not found")
    wanted = str(call.params["file_id"])
    for file in task["outputFiles"]:
        if file["id"] == wanted and wanted in call.store.blobs:
            return reply({**file, "downloadUrl": call.blob_url(wanted)})
    raise HTTPProblem(404, "Output file not found")


def _s3_error(status: int, code: str, message: str) -> web.Response:
    body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return web.Response(status=status, text=body, content_type="application/xml")


async def receive_upload(store: Store, request: web.Request) -> web.Response:
    """The presigned POST target: multipart fields from the presign, then `file` (like S3)."""
    form = multipart_form(request.headers.get("Content-Type", ""), await request.read())
    text = {name: value.decode("utf-8", "replace") for name, (_, value) in form.items()}
    with store.lock:
        ticket = store.presigned.get(text.get("policy", ""))
        if ticket is None:
            return _s3_error(403, "AccessDenied", "Invalid according to Policy")
        if store.now() > ticket.expires:
            return _s3_error(403, "AccessDenied", "Request has expired")
        key = f"{ticket.kind}/{ticket.session_id}/{ticket.file_name}"
        if text.get("key") != key or text.get("Content-Type") != ticket.content_type:
            return _s3_error(403, "AccessDenied", "Policy condition failed")
        if "file" not in form:
            return _s3_error(400, "InvalidArgument", "POST requires exactly one file upload")
        data = form["file"][1]
        if len(data) > ticket.size:
            return _s3_error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum")
        store.uploads.append(
            UploadedFile(
                ticket.kind, ticket.session_id, ticket.file_name, ticket.content_type, data
            )
        )
    return web.Response(status=204)


ROUTES = {
    ("POST", "/files/sessions/{session_id}/presigned-url"): presign_session_upload,
    ("POST", "/files/browsers/{session_id}/presigned-url"): presign_browser_upload,
    ("GET", "/files/tasks/{task_id}/output-files/{file_id}"): output_file,
}
