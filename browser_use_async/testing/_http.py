"""HTTP helpers shared by the fake's routes: problems, calls, replies, paging, lookups."""

import base64
import binascii
import email.parser
import email.policy
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from aiohttp import web

from browser_use_async.testing._state import Store

__all__ = [
    "JSON",
    "Call",
    "HTTPProblem",
    "Route",
    "dumps",
    "encode_cursor",
    "invalid",
    "lookup",
    "multipart_form",
    "no_content",
    "page",
    "read_cursor",
    "reply",
]

JSON = dict[str, Any]


class HTTPProblem(Exception):
    """Answer with `status` and a FastAPI-shaped `{"detail": ...}` body."""

    def __init__(self, status: int, detail: object) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def invalid(
    loc: list[str | int], kind: str, msg: str, given: object, ctx: JSON | None = None
) -> HTTPProblem:
    """A 422 with one pydantic-shaped validation item."""
    item: JSON = {"type": kind, "loc": loc, "msg": msg, "input": given}
    if ctx is not None:
        item["ctx"] = ctx
    return HTTPProblem(422, [item])


@attrs.frozen
class Call:
    """A validated API call: path and query parameters typed, body with defaults filled."""

    request: web.Request
    store: Store
    params: JSON
    body: JSON

    @property
    def origin(self) -> str:
        """Where the client reached the fake, for URLs that point back at it."""
        return str(self.request.url.origin())

    def blob_url(self, token: str) -> str:
        return f"{self.origin}/fake/blobs/{token}"


Route = Callable[[Call], web.Response]


def dumps(body: object) -> str:
    return json.dumps(body, separators=(",", ":"))


def reply(body: object, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=dumps)


def no_content() -> web.Response:
    return web.Response(status=204)


def lookup(table: Mapping[uuid.UUID, JSON], key: uuid.UUID, detail: str) -> JSON:
    """The row at `key`, or a 404 saying `detail`."""
    row = table.get(key)
    if row is None:
        raise HTTPProblem(404, detail)
    return row


def page(
    call: Call, rows: list[JSON], view: Callable[[JSON], JSON] = dict, newest: str = "createdAt"
) -> web.Response:
    """One page of `rows`, newest first by `newest`, shaped like the spec's `*ListResponse`."""
    size, number = call.params["pageSize"], call.params["pageNumber"]
    ranked = sorted(enumerate(rows), key=lambda pair: (pair[1][newest], pair[0]), reverse=True)
    rows = [row for _, row in ranked]  # ties: the last made first
    chunk = rows[(number - 1) * size : number * size]
    return reply(
        {
            "items": [view(row) for row in chunk],
            "totalItems": len(rows),
            "pageNumber": number,
            "pageSize": size,
        }
    )


def encode_cursor(kind: str, value: object) -> str:
    """An opaque page cursor naming where the next page starts (`kind`: what it counts)."""
    return base64.urlsafe_b64encode(f"{kind}:{value}".encode()).decode()


def read_cursor(kind: str, cursor: str) -> str | None:
    """What `encode_cursor(kind, ...)` put in `cursor`, or None for a cursor it did not make."""
    try:
        word, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return value if word == kind else None


def multipart_form(content_type: str, body: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Multipart form fields: name -> (file name or None, bytes)."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, tuple[str | None, bytes]] = {}
    if message.is_multipart():
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                fields[name] = (part.get_filename(), payload)
    return fields
