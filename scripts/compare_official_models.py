"""Compare our specs with the official SDK's models, field by field, for each API version.

    python scripts/compare_official_models.py                         # v2 and v4
    python scripts/compare_official_models.py --api v4 --spec PATH   # another copy, e.g. upstream

Needs the official `browser-use-sdk` installed (the dev group pins it). For each version
(spec/openapi-<v>.json against browser_use_sdk/generated/<v>/models.py) it prints one line per
difference and exits 1 when there is any: a model or enum the spec lacks, a field present on
one side only, a field's wire name (alias), required-ness, nullability or enum values. The
`known_differences` of spec/amendments-<v>.json are printed apart and do not count.

The official models are generated from a newer spec with datamodel-codegen, which types
every optional field `X | None`; so nullability is compared for required fields, and for
optional fields only where the spec allows null and the official model does not. A new
difference is resolved in spec/amendments-<v>.json, then `python scripts/refresh_spec.py`.
"""

from __future__ import annotations

import argparse
import enum
import importlib
import importlib.metadata
import json
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APIS = ("v2", "v4")


def spec_path(api: str) -> Path:
    return ROOT / "spec" / f"openapi-{api}.json"


def amendments_path(api: str) -> Path:
    return ROOT / "spec" / f"amendments-{api}.json"


def official_module(api: str) -> str:
    return f"browser_use_sdk.generated.{api}.models"


JSON = dict[str, Any]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _args(tp: Any) -> tuple[Any, ...]:
    """The members of a union (`X | None`, `Optional[X]`), or `(tp,)`."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return typing.get_args(tp)
    return (tp,)


def _enums(tp: Any) -> Iterator[type[enum.Enum]]:
    """The enum classes inside an annotation (through unions, lists and dicts)."""
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        yield tp
    for arg in typing.get_args(tp):
        yield from _enums(arg)


class Spec:
    def __init__(self, spec: JSON) -> None:
        self.schemas: dict[str, JSON] = spec["components"]["schemas"]

    def resolve(self, schema: JSON) -> JSON:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    def nullable(self, schema: JSON) -> bool:
        return any(self.resolve(option).get("type") == "null" for option in schema.get("anyOf", ()))

    def enum_values(self, schema: JSON) -> list[Any] | None:
        """The enum a property's values come from (through anyOf, $ref and items)."""
        schema = self.resolve(schema)
        if "enum" in schema:
            return list(schema["enum"])
        for option in [*schema.get("anyOf", ()), schema.get("items", {})]:
            found = self.enum_values(option) if option else None
            if found is not None:
                return found
        return None


def _compare_enum(where: str, theirs: type[enum.Enum], ours: list[Any] | None) -> list[str]:
    values = [member.value for member in theirs]
    if ours is None:
        return [f"{where}: the official model has enum {theirs.__name__}, the spec no enum"]
    found: list[str] = []
    missing = [v for v in values if v not in ours]
    extra = [v for v in ours if v not in values]
    if missing:
        found.append(f"{where}: official values not in the spec: {', '.join(map(str, missing))}")
    if extra:
        found.append(
            f"{where}: spec values not in the official model: {', '.join(map(str, extra))}"
        )
    return found


def _compare_model(name: str, model: Any, schema: JSON, spec: Spec) -> list[str]:
    found: list[str] = []
    properties: JSON = schema.get("properties", {})
    required = set(schema.get("required", ()))
    seen: set[str] = set()
    for attr, info in model.model_fields.items():
        wire = info.alias or attr
        seen.add(wire)
        where = f"{name}.{wire}"
        if _camel(attr) != wire:
            found.append(
                f"{where}: official attribute {attr} is not the camelCase of the wire name"
            )
        prop = properties.get(wire)
        if prop is None:
            found.append(f"{where}: in the official model ({attr}), not in the spec")
            continue
        if info.is_required() != (wire in required):
            side = "official model" if info.is_required() else "spec"
            found.append(f"{where}: required only in the {side}")
        theirs_null = info.annotation is Any or type(None) in _args(info.annotation)
        ours_null = spec.nullable(prop)
        if ours_null and not theirs_null:
            found.append(f"{where}: nullable in the spec, not in the official model")
        elif theirs_null and not ours_null and info.is_required():
            found.append(f"{where}: nullable in the official model, not in the spec")
        for members in _enums(info.annotation):
            if "$ref" not in json.dumps(prop):  # a named enum is compared once, by name
                found += _compare_enum(where, members, spec.enum_values(prop))
    found += [
        f"{name}.{wire}: in the spec, not in the official model"
        for wire in properties
        if wire not in seen
    ]
    return found


def compare(spec_json: JSON, official: types.ModuleType) -> list[str]:
    """Every difference between the spec and the official models, one line each."""
    from pydantic import BaseModel, RootModel  # noqa: PLC0415  (only with the official SDK)

    spec = Spec(spec_json)
    defined = {
        name: cls
        for name, cls in sorted(vars(official).items())
        if isinstance(cls, type) and cls.__module__ == official.__name__
    }
    models = {
        name: cls
        for name, cls in defined.items()
        if issubclass(cls, BaseModel) and not issubclass(cls, RootModel)  # a RootModel is a
    }  # constrained scalar that the spec writes inline
    used = {
        e.__name__
        for m in models.values()
        for i in m.model_fields.values()
        for e in _enums(i.annotation)
    }
    found: list[str] = []
    for name, cls in defined.items():
        schema = spec.schemas.get(name)
        if name in models:
            if schema is None:
                found.append(f"{name}: an official model the spec lacks")
            else:
                found += _compare_model(name, cls, schema, spec)
        elif issubclass(cls, enum.Enum):
            if schema is not None:
                found += _compare_enum(name, cls, schema.get("enum"))
            elif name not in used:
                found.append(f"{name}: an official enum the spec lacks")
    found += [
        f"{name}: in the spec, not in the official models"
        for name in spec.schemas
        if name not in defined
    ]
    return found


def _report(api: str, spec: Path, official: types.ModuleType) -> int:
    """Prints the differences of one version; returns how many count."""
    version = importlib.metadata.version("browser-use-sdk")
    document = json.loads(amendments_path(api).read_text("utf-8"))
    known = {entry["line"] for entry in document["known_differences"]}
    found = compare(json.loads(spec.read_text("utf-8")), official)
    differences = [line for line in found if line not in known]
    for line in differences:
        print(line)
    for line in found:
        if line in known:
            print(f"known, kept on purpose: {line}")
    print(
        f"{len(differences)} difference(s) between {spec.name} and "
        f"browser-use-sdk {version} ({official.__name__})",
        file=sys.stderr,
    )
    return len(differences)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--api", choices=APIS, action="append", help="only this version")
    parser.add_argument("--spec", type=Path, help="the spec to compare (with one --api)")
    args = parser.parse_args(argv)
    apis: list[str] = args.api or list(APIS)
    if args.spec is not None and len(apis) != 1:
        parser.error("--spec compares one version: name it with --api")
    differences = 0
    for api in apis:
        try:
            official = importlib.import_module(official_module(api))
        except ImportError:
            print("the official SDK is not installed: pip install --group dev", file=sys.stderr)
            return 2
        differences += _report(api, args.spec or spec_path(api), official)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
