"""v4 browser extensions (a spec amendment): upload a ZIP, list, get, delete.

The name and version come from the ZIP's `manifest.json`, as Chrome reads them; anything
else answers 400.
"""

import io
import json
import uuid
import zipfile

from aiohttp import web

from browser_use_async.testing._clock import iso
from browser_use_async.testing._http import JSON, Call, HTTPProblem, lookup, no_content, reply

__all__ = ["ROUTES"]

EXTENSION_NOT_FOUND = "Extension not found"
NOT_AN_EXTENSION = "Upload a ZIP archive with a manifest.json (name, version) at its root."


def _manifest(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
        name, version = manifest["name"], manifest["version"]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as error:
        raise HTTPProblem(400, NOT_AN_EXTENSION) from error
    if not isinstance(name, str) or not isinstance(version, str):
        raise HTTPProblem(400, NOT_AN_EXTENSION)
    return name, version


def upload_extension(call: Call) -> web.Response:
    _, data = call.body["file"]
    name, version = _manifest(data)
    extension_id = uuid.uuid4()
    row: JSON = {
        "id": str(extension_id),
        "name": name,
        "version": version,
        "createdAt": iso(call.store.now()),
    }
    call.store.v4.extensions[extension_id] = row
    return reply(row)


def list_extensions(call: Call) -> web.Response:
    """Numbered pages, the newest first."""
    size, number = call.params["pageSize"] or 10, call.params["pageNumber"] or 1
    rows = list(reversed(call.store.v4.extensions.values()))
    chunk = rows[(number - 1) * size : number * size]
    return reply({"items": chunk, "totalItems": len(rows), "pageNumber": number, "pageSize": size})


def get_extension(call: Call) -> web.Response:
    return reply(lookup(call.store.v4.extensions, call.params["extension_id"], EXTENSION_NOT_FOUND))


def delete_extension(call: Call) -> web.Response:
    lookup(call.store.v4.extensions, call.params["extension_id"], EXTENSION_NOT_FOUND)
    del call.store.v4.extensions[call.params["extension_id"]]
    return no_content()


ROUTES = {
    ("POST", "/extensions"): upload_extension,
    ("GET", "/extensions"): list_extensions,
    ("GET", "/extensions/{extension_id}"): get_extension,
    ("DELETE", "/extensions/{extension_id}"): delete_extension,
}
