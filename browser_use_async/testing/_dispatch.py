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

from browser_use_async.testing._http import JSON, Call, HTTPProblem, Route
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
        source = request.match_info if param.where == "path" else request.query
        loc = (param.where, param.name)
        if param.name in source:
            value, found = check(param.schema, source[param.name], loc, text=True)
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


def _is_json(content_type: str | None) -> bool:
    """FastAPI reads a body as JSON when it has no content type or a JSON one."""
    if not content_type:
        return True
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )
