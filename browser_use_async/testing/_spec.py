"""The API's OpenAPI document, shipped with the fake, read into operations."""

import functools
import json
from importlib import resources
from typing import Any

import attrs

from browser_use_async.testing._schema import SchemaValidator

__all__ = ["Operation", "Parameter", "load_spec", "operations", "validator"]

JSON = dict[str, Any]


@attrs.frozen
class Parameter:
    name: str
    where: str  # "path" or "query"
    required: bool
    schema: JSON


@attrs.frozen
class Operation:
    """One operation of the spec: what it accepts and what it answers."""

    method: str
    path: str
    operation_id: str
    secured: bool
    parameters: tuple[Parameter, ...]
    body: JSON | None
    body_required: bool
    responses: dict[int, JSON | None]


@functools.cache
def load_spec() -> JSON:
    text = (
        resources.files("browser_use_async.testing").joinpath("openapi-v2.json").read_text("utf-8")
    )
    spec: JSON = json.loads(text)
    return spec


@functools.cache
def validator() -> SchemaValidator:
    return SchemaValidator(load_spec())


@functools.cache
def operations() -> dict[tuple[str, str], Operation]:
    """Every operation of the spec, by (METHOD, path template)."""
    found: dict[tuple[str, str], Operation] = {}
    for path, item in load_spec()["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody")
            found[method.upper(), path] = Operation(
                method=method.upper(),
                path=path,
                operation_id=op["operationId"],
                secured=bool(op.get("security")),
                parameters=tuple(
                    Parameter(p["name"], p["in"], p.get("required", False), p["schema"])
                    for p in op.get("parameters", ())
                ),
                body=body["content"]["application/json"]["schema"] if body else None,
                body_required=bool(body and body.get("required")),
                responses={
                    int(status): answer.get("content", {}).get("application/json", {}).get("schema")
                    for status, answer in op["responses"].items()
                },
            )
    return found
