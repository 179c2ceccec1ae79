"""Turns a spec operation and a route function into an aiohttp handler.

The handler validates path and query parameters and the JSON body against the spec,
answers 422 with every problem found (FastAPI's order: path, query, body), then runs the
route under the store's lock on freshly refreshed state.
"""

import copy
import json
import typing
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from browser_use_async.testing._http import JSON, Call, HTTPProblem, Route, multipart_form
from browser_use_async.testing._lifecycle import refresh
from browser_use_async.testing._schema import Issue
from browser_use_async.testing._spec import Operation, validator
from browser_use_async.testing._state import Store

__all__ = ["Handler", "operation_handler"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def operation_handler(operation: Operation, route: Route, store: Store) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        issues: list[Issue] = []
        params = _parameters(operation, request, issues)
        body: JSON = {}
        if operation.body is not None:
            body = await _body(operation, operation.body, request, issues)
        if issues:
            raise HTTPProblem(422, issues)
        with store.lock:
            refresh(store)
            return route(Call(request, store, params, body))

    handle.__name__ = operation.operation_id
    return handle


def _parameters(operation: Operation, request: web.Request, issues: list[Issue]) -> JSON:
    check = validator(operation.version).check
    params: JSON = {}
    for param in operation.parameters:
        sources = {"path": request.match_info, "header": request.headers}
        source = sources.get(param.where, request.query)
        loc = (param.where, param.name)
        if param.name in source:
            given: str | list[str] = source[param.name]
            if param.where == "query" and _is_list(param.schema):  # ?metadata=a&metadata=b
                given = request.query.getall(param.name)
            value, found = check(param.schema, given, loc, text=True)
            issues.extend(found)
            params[param.name] = value
        elif param.required:
            issues.append(
                {"type": "missing", "loc": list(loc), "msg": "Field required", "input": None}
            )
        else:
            params[param.name] = copy.deepcopy(param.schema.get("default"))
    return params


async def _body(
    operation: Operation, schema: JSON, request: web.Request, issues: list[Issue]
) -> JSON:
    raw = await request.read()
    given: Any
    if operation.body_type == "multipart/form-data":
        return _form_fields(schema, request.headers.get("Content-Type", ""), raw, issues)
    if not raw:
        if operation.body_required:
            issues.append(
                {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}
            )
            return {}
        given = copy.deepcopy(schema.get("default", {}))
    elif _is_json(request.headers.get("Content-Type")):
        try:
            given = json.loads(raw)
        except (ValueError, RecursionError) as error:
            # FastAPI would answer 500 to JSON nested too deeply; a 422 is what it means.
            position = getattr(error, "pos", 0)
            reason = getattr(error, "msg", "nested too deeply")
            issues.append(
                {
                    "type": "json_invalid",
                    "loc": ["body", position],
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": reason},
                }
            )
            return {}
    else:
        given = raw.decode("utf-8", "replace")
    value, found = validator(operation.version).check(schema, given, ("body",))
    issues.extend(found)
    return typing.cast(JSON, value) if isinstance(value, dict) else {}


def _form_fields(schema: JSON, content_type: str, raw: bytes, issues: list[Issue]) -> JSON:
    """A multipart body: its fields as (file name or None, bytes), the required ones checked."""
    fields = multipart_form(content_type, raw)
    for name in schema.get("required", ()):
        if name not in fields:
            loc = ["body", name]
            issues.append({"type": "missing", "loc": loc, "msg": "Field required", "input": None})
    return dict(fields)


def _is_list(schema: JSON) -> bool:
    """A parameter that may repeat: an array (or an array or null)."""
    options = schema.get("anyOf", [schema])
    return any(option.get("type") == "array" for option in options)


def _is_json(content_type: str | None) -> bool:
    """FastAPI reads a body as JSON when it has no content type or a JSON one."""
    if not content_type:
        return True
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )
