"""Write our specs: each pristine upstream copy with the local amendments applied.

    python scripts/refresh_spec.py               # (re)write every output; `make spec` does this
    python scripts/refresh_spec.py --check       # exit 1, naming the stale files, if they differ
    python scripts/refresh_spec.py --api v4      # only one API version

For each version <v> (v2, v4) it reads spec/openapi-<v>.upstream.json (never edited: replace
it with a newer published copy) and spec/amendments-<v>.json (what we add, each with its
provenance), and writes spec/openapi-<v>.json and the copy the fake cloud ships,
browser_use_async/testing/openapi-<v>.json. An amendment that upstream already satisfies
stops the refresh: delete it from the file.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COMMAND = "make spec   (that is: python scripts/refresh_spec.py)"

JSON = dict[str, Any]


@dataclass(frozen=True)
class Api:
    """One API version's files, and the indent its published spec is written with."""

    version: str
    indent: int

    @property
    def upstream(self) -> Path:
        return ROOT / "spec" / f"openapi-{self.version}.upstream.json"

    @property
    def amendments(self) -> Path:
        return ROOT / "spec" / f"amendments-{self.version}.json"

    @property
    def outputs(self) -> tuple[Path, ...]:
        name = f"openapi-{self.version}.json"
        return (ROOT / "spec" / name, ROOT / "browser_use_async" / "testing" / name)


APIS = {api.version: api for api in (Api("v2", indent=4), Api("v4", indent=2))}


class AmendmentError(Exception):
    """An amendment that does not apply: its target is missing, or upstream already has it."""


def _insert_after(
    items: list[Any], after: str | None, new: list[Any], before: str | None = None
) -> list[Any]:
    """`new` placed after `after` (or before `before`), else at the end."""
    anchor, offset = (after, 1) if before is None else (before, 0)
    if anchor is None:
        return [*items, *new]
    if anchor not in items:
        raise AmendmentError(f"no {anchor!r} to insert {'after' if offset else 'before'}")
    at = items.index(anchor) + offset
    return [*items[:at], *new, *items[at:]]


def _add_operation(spec: JSON, amendment: JSON) -> None:
    """An operation the official client sends; a new path goes `after` another (or last)."""
    paths: JSON = spec["paths"]
    path, method = amendment["path"], amendment["method"]
    if method in paths.get(path, {}):
        raise AmendmentError("upstream has this operation now: delete the amendment")
    if path not in paths:
        order = _insert_after(list(paths), amendment.get("after"), [path])
        merged: JSON = {**paths, path: {}}
        spec["paths"] = paths = {key: merged[key] for key in order}
    paths[path][method] = copy.deepcopy(amendment["value"])


def _add_parameter(spec: JSON, amendment: JSON) -> None:
    operation = spec["paths"][amendment["path"]][amendment["method"]]
    parameters = operation.setdefault("parameters", [])
    if any(p["name"] == amendment["value"]["name"] for p in parameters):
        raise AmendmentError("upstream has this parameter now: delete the amendment")
    parameters.append(copy.deepcopy(amendment["value"]))


def _add_response(spec: JSON, amendment: JSON) -> None:
    """A body schema for an answer the operation gives (upstream's description, if it has one,
    is kept)."""
    responses = spec["paths"][amendment["path"]][amendment["method"]]["responses"]
    response = responses.setdefault(amendment["status"], {})
    if "content" in response:
        raise AmendmentError("upstream documents this answer's body now: delete the amendment")
    response.setdefault("description", amendment["value"]["description"])
    response["content"] = copy.deepcopy(amendment["value"]["content"])


def _apply(schemas: dict[str, JSON], amendment: JSON) -> None:
    kind, name = amendment["add"], amendment["schema"]
    if kind == "schema":
        if name in schemas:
            raise AmendmentError("upstream has this schema now: delete the amendment")
        schemas[name] = copy.deepcopy(amendment["value"])
        return
    if name not in schemas:
        raise AmendmentError("upstream has no such schema")
    schema = schemas[name]
    if kind == "property":
        wire, properties = amendment["property"], schema["properties"]
        if wire in properties:
            raise AmendmentError("upstream has this property now: delete the amendment")
        order = _insert_after(list(properties), amendment.get("after"), [wire])
        merged = {**properties, wire: copy.deepcopy(amendment["value"])}
        schema["properties"] = {key: merged[key] for key in order}
        if amendment.get("required"):
            schema["required"] = [*schema.get("required", ()), wire]
    elif kind == "enum-values":  # of a named enum, or of a property's inline one
        target = schema["properties"][amendment["property"]] if "property" in amendment else schema
        known = [value for value in amendment["values"] if value in target["enum"]]
        if known:
            raise AmendmentError(f"upstream has {known} now: delete them from the amendment")
        target["enum"] = _insert_after(
            target["enum"], amendment.get("after"), amendment["values"], amendment.get("before")
        )
    else:
        raise AmendmentError(f"unknown kind of amendment {kind!r}")


def amended(upstream: JSON, amendments: list[JSON]) -> JSON:
    """`upstream` with every amendment applied, in order (`upstream` is left as it is)."""
    spec = copy.deepcopy(upstream)
    schemas: dict[str, JSON] = spec["components"]["schemas"]
    for number, amendment in enumerate(amendments, 1):
        if not amendment.get("provenance"):
            raise AmendmentError(f"amendment {number} says nowhere where it comes from")
        try:
            if amendment["add"] == "parameter":
                _add_parameter(spec, amendment)
            elif amendment["add"] == "operation":
                _add_operation(spec, amendment)
            elif amendment["add"] == "response":
                _add_response(spec, amendment)
            else:
                _apply(schemas, amendment)
        except (AmendmentError, KeyError, TypeError) as error:
            keys = ("schema", "property", "method", "path", "status")
            target = " ".join(str(amendment[k]) for k in keys if k in amendment)
            raise AmendmentError(f"amendment {number} ({target}): {error}") from None
    dangling = sorted(
        set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(spec))) - set(schemas)
    )
    if dangling:
        raise AmendmentError(f"no schema for the $ref to {', '.join(dangling)}")
    return spec


def render(spec: JSON, indent: int = 4) -> str:
    """The layout of the published file (`indent` spaces, ASCII), so upstream renders byte for
    byte."""
    return json.dumps(spec, indent=indent) + "\n"


def generate(api: Api) -> str:
    """The text of `api`'s spec: its upstream copy with its amendments applied."""
    upstream = json.loads(api.upstream.read_text("utf-8"))
    document = json.loads(api.amendments.read_text("utf-8"))
    return render(amended(upstream, document["amendments"]), api.indent)


def stale(fresh: str, outputs: tuple[Path, ...]) -> list[Path]:
    """The outputs whose text is not `fresh`."""
    return [path for path in outputs if not path.exists() or path.read_text("utf-8") != fresh]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is stale")
    parser.add_argument("--api", choices=APIS, action="append", help="only this version")
    parser.add_argument("--output", type=Path, action="append", help="write here instead")
    args = parser.parse_args(argv)
    apis = [APIS[version] for version in args.api or APIS]
    if args.output and len(apis) != 1:
        parser.error("--output writes one version: name it with --api")
    failed = False
    for api in apis:
        try:
            fresh = generate(api)
        except AmendmentError as error:
            print(f"{api.amendments.relative_to(ROOT)}: {error}", file=sys.stderr)
            failed = True
            continue
        behind = stale(fresh, tuple(args.output) if args.output else api.outputs)
        for path in behind:
            if args.check:
                print(f"{path} is stale. Run: {COMMAND}", file=sys.stderr)
            else:
                path.write_text(fresh, "utf-8")
        failed = failed or bool(args.check and behind)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
