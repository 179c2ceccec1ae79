"""Every route of the fake: one function per spec operation, plus the fake's own file host."""

from aiohttp import web

from browser_use_async.testing._http import Route
from browser_use_async.testing._routes import (
    browsers,
    files,
    marketplace,
    profiles,
    sessions,
    skills,
    tasks,
)
from browser_use_async.testing._state import Store

__all__ = ["BLOB_PATH", "ROUTES", "serve_blob"]

ROUTES: dict[tuple[str, str], Route] = {
    **tasks.ROUTES,
    **sessions.ROUTES,
    **files.ROUTES,
    **profiles.ROUTES,
    **browsers.ROUTES,
    **skills.ROUTES,
    **marketplace.ROUTES,
}

BLOB_PATH = "/fake/blobs/{token}"


async def serve_blob(store: Store, request: web.Request) -> web.Response:
    """Download URLs (output files, logs, downloads, skill output) land here, like S3 links;
    as S3, `?response-content-disposition=...` sets the answer's Content-Disposition."""
    blob = store.blobs.get(request.match_info["token"])
    if blob is None:
        return web.Response(status=404, text="<Error><Code>NoSuchKey</Code></Error>")
    answer = web.Response(body=blob.data, content_type=blob.content_type)
    disposition = request.query.get("response-content-disposition")
    if disposition is not None:
        answer.headers["Content-Disposition"] = disposition
    return answer
