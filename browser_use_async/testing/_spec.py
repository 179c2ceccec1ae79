"""The API's OpenAPI documents, shipped with the fake, read into operations.

Each function takes the API version, "v2" (the default) or "v4": the fake ships
`openapi-v2.json` and `openapi-v4.json` beside this module and serves both.
"""

import functools
import json
from importlib import resources
from typing import Any

import attrs

from browser_use_async.testing._schema import SchemaValidator

__all__ = ["VERSIONS", "Operation", "Parameter", "load_spec", "operations", "validator"]

JSON = dict[str, Any]
VERSIONS = ("v2", "v4")


@attrs.frozen
class Parameter:
    name: str
    where: str  # "path", "query" or "header"
    required: bool
    schema: JSON


@attrs.frozen
class Operation:
    """One operation of the spec (of API `version`): what it accepts and what it answers."""

    version: str
    method: str
    path: str
    operation_id: str
    secured: bool
    parameters: tuple[Parameter, ...]
    body: JSON | None
    body_required: bool
    body_type: str  # "application/json", or "multipart/form-data" (an upload)
    responses: dict[int, JSON | None]


@functools.cache
def load_spec(version: str = "v2") -> JSON:
    if version not in VERSIONS:
        raise ValueError(f"the fake serves API versions {VERSIONS}, not {version!r}")
    files = resources.files("browser_use_async.testing")
    spec: JSON = json.loads(files.joinpath(f"openapi-{version}.json").read_text("utf-8"))
    return spec


@functools.cache
def validator(version: str = "v2") -> SchemaValidator:
    return SchemaValidator(load_spec(version))


@functools.cache
def operations(version: str = "v2") -> dict[tuple[str, str], Operation]:
    """Every operation of the spec, by (METHOD, path template)."""
    found: dict[tuple[str, str], Operation] = {}
    for path, item in load_spec(version)["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody")
            body_type, body_schema = next(iter(body["content"].items())) if body else ("", None)
            found[method.upper(), path] = Operation(
                version=version,
                method=method.upper(),
                path=path,
                operation_id=op["operationId"],
                secured=bool(op.get("security")),
                parameters=tuple(
                    Parameter(p["name"], p["in"], p.get("required", False), p["schema"])
                    for p in op.get("parameters", ())
                ),
                body=body_schema["schema"] if body_schema else None,
                body_required=bool(body and body.get("required")),
                body_type=body_type or "application/json",
                responses={
                    int(status): answer.get("content", {}).get("application/json", {}).get("schema")
                    for status, answer in op["responses"].items()
                },
            )
    return found
