"""Write our v2 spec: the pristine upstream copy with the local amendments applied.

    python scripts/refresh_spec.py           # (re)write both outputs; `make spec` does this
    python scripts/refresh_spec.py --check   # exit 1, naming the stale files, if they differ

Reads spec/openapi-v2.upstream.json (never edited: replace it with a newer published copy)
and spec/amendments-v2.json (what we add, each with its provenance), and writes
spec/openapi-v2.json and the copy the fake cloud ships, browser_use_async/testing/openapi-v2.json.
An amendment that upstream already satisfies stops the refresh: delete it from the file.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
UPSTREAM = ROOT / "spec" / "openapi-v2.upstream.json"
AMENDMENTS = ROOT / "spec" / "amendments-v2.json"
OUTPUTS = (ROOT / "spec" / "openapi-v2.json", ROOT / "browser_use_async/testing/openapi-v2.json")
COMMAND = "make spec   (that is: python scripts/refresh_spec.py)"

JSON = dict[str, Any]


class AmendmentError(Exception):
    """An amendment that does not apply: its target is missing, or upstream already has it."""


def _insert_after(items: list[Any], after: str | None, new: list[Any]) -> list[Any]:
    if after is None:
        return [*items, *new]
    if after not in items:
        raise AmendmentError(f"no {after!r} to insert after")
    at = items.index(after) + 1
    return [*items[:at], *new, *items[at:]]


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
    elif kind == "enum-values":
        known = [value for value in amendment["values"] if value in schema["enum"]]
        if known:
            raise AmendmentError(f"upstream has {known} now: delete them from the amendment")
        schema["enum"] = _insert_after(schema["enum"], amendment.get("after"), amendment["values"])
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


def render(spec: JSON) -> str:
    """The layout of the published file (4 spaces, ASCII), so upstream renders byte for byte."""
    return json.dumps(spec, indent=4) + "\n"


def generate() -> str:
    upstream = json.loads(UPSTREAM.read_text("utf-8"))
    document = json.loads(AMENDMENTS.read_text("utf-8"))
    return render(amended(upstream, document["amendments"]))


def stale(fresh: str, outputs: tuple[Path, ...] = OUTPUTS) -> list[Path]:
    """The outputs whose text is not `fresh`."""
    return [path for path in outputs if not path.exists() or path.read_text("utf-8") != fresh]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether it is stale")
    parser.add_argument("--output", type=Path, action="append", help="write here instead")
    args = parser.parse_args(argv)
    outputs = tuple(args.output) if args.output else OUTPUTS
    try:
        fresh = generate()
    except AmendmentError as error:
        print(f"spec/amendments-v2.json: {error}", file=sys.stderr)
        return 1
    behind = stale(fresh, outputs)
    if args.check:
        for path in behind:
            print(f"{path} is stale. Run: {COMMAND}", file=sys.stderr)
        return 1 if behind else 0
    for path in behind:
        path.write_text(fresh, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
