"""A finished task's output that fits its structured output schema, as an agent writes it.

Any JSON schema a client sends is read: `$ref` (into `$defs`, `definitions` or anywhere in
the document), `anyOf`/`oneOf`/`allOf`, `const`, `enum`, a `type` or a list of types, string
formats (date-time, date, time, duration, uuid, email, uri, hostname, ipv4, ipv6), numeric
and length bounds, `multipleOf`, arrays (also `prefixItems`) and objects (`required`,
`additionalProperties`). Values are deterministic.
A schema that allows no finite value the fake can write (or only one nested more deeply
than `MAX_DEPTH`) gives None, and the task's output is its usual text. `pattern` is ignored.
"""

import json
import math
import typing
import uuid
from typing import Any

__all__ = ["MAX_DEPTH", "sample_output"]

JSON = dict[str, Any]
MAX_DEPTH = 24
_FULL_DEPTH = 6
"""Above this depth every property is written and lists get an item; below, only what the
schema requires, so that recursive schemas end."""
_BUDGET = 10_000
_FORMATS = {
    "date-time": "2025-06-01T12:00:00Z",
    "date": "2025-06-01",
    "time": "12:00:00",
    "uuid": str(uuid.UUID(int=0x0123456789ABCDEF0123456789ABCDEF)),
    "email": "agent@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "duration": "PT1H",
}


class _Unfit(Exception):
    """No value fits (or none within the depth and size limits)."""


def sample_output(schema_text: str) -> str | None:
    """JSON text that validates against the schema `schema_text`, or None (see above)."""
    try:
        root: object = json.loads(schema_text)
        return json.dumps(_Sampler(root).value(root, "value", 0))
    except (_Unfit, ValueError, RecursionError):
        return None


def _dict(node: object) -> JSON | None:
    return typing.cast(JSON, node) if isinstance(node, dict) else None


def _list(node: object) -> list[object] | None:
    return typing.cast(list[object], node) if isinstance(node, list) else None


class _Sampler:
    def __init__(self, root: object) -> None:
        self.root = root
        self.budget = _BUDGET

    def resolve(self, ref: str) -> object:
        """A JSON pointer into the schema's own document (`#/$defs/Item`)."""
        if not ref.startswith("#"):
            raise _Unfit(ref)
        node: object = self.root
        for part in filter(None, ref[1:].split("/")):
            key = part.replace("~1", "/").replace("~0", "~")
            as_dict, as_list = _dict(node), _list(node)
            if as_dict is not None and key in as_dict:
                node = as_dict[key]
            elif as_list is not None and key.isdigit() and int(key) < len(as_list):
                node = as_list[int(key)]
            else:
                raise _Unfit(ref)
        return node

    def value(self, schema: object, name: str, depth: int) -> Any:
        self.budget -= 1
        if depth > MAX_DEPTH or self.budget < 0 or schema is False:
            raise _Unfit(name)
        s = _dict(schema)
        if s is None:
            return f"sample {name}"  # `true`, or anything else that is no constraint
        ref = s.get("$ref")
        if isinstance(ref, str):
            resolved = self.resolve(ref)
            target = _dict(resolved)
            rest = {k: v for k, v in s.items() if k != "$ref"}
            return self.value(
                {**target, **rest} if target is not None else resolved, name, depth + 1
            )
        parts = _list(s.get("allOf"))
        if parts is not None:
            merged = {k: v for k, v in s.items() if k != "allOf"}
            for part in parts:
                part_schema = _dict(part) or {}
                part_ref = part_schema.get("$ref")
                if isinstance(part_ref, str):
                    part_schema = _dict(self.resolve(part_ref)) or {}
                merged.update(part_schema)
            return self.value(merged, name, depth + 1)
        if "const" in s:
            return s["const"]
        members = _list(s.get("enum"))
        if members:
            return members[0]
        for key in ("anyOf", "oneOf"):
            options = _list(s.get(key))
            if options is not None:
                return self.one_of(options, name, depth)
        return self.typed(s, _kind(s, depth), name, depth)

    def one_of(self, options: list[object], name: str, depth: int) -> Any:
        """The first option that gives a value; null first where the schema nests deeply."""
        nulls = [o for o in options if (_dict(o) or {}).get("type") == "null"]
        others = [o for o in options if (_dict(o) or {}).get("type") != "null"]
        for option in nulls + others if depth >= _FULL_DEPTH else others + nulls:
            try:
                return self.value(option, name, depth + 1)
            except _Unfit:
                continue
        raise _Unfit(name)

    def typed(self, s: JSON, kind: str, name: str, depth: int) -> Any:
        if kind == "null":
            return None
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            return _number(s, kind == "integer")
        if kind == "array":
            return self.array(s, name, depth)
        if kind == "object":
            return self.object(s, depth)
        return _string(s, name)

    def array(self, s: JSON, name: str, depth: int) -> list[Any]:
        head = _list(s.get("prefixItems")) or []
        low = max(_count(s.get("minItems")), len(head), 1 if depth < _FULL_DEPTH else 0)
        high = s.get("maxItems")
        count = min(low, _count(high)) if isinstance(high, int) else low
        items: list[Any] = [self.value(part, name, depth + 1) for part in head[:count]]
        rest: object = s.get("items", True)
        while len(items) < count:
            items.append(self.value(rest, name, depth + 1))
        return items

    def object(self, s: JSON, depth: int) -> JSON:
        props = _dict(s.get("properties")) or {}
        required = {str(key) for key in _list(s.get("required")) or []}
        result: JSON = {}
        for key, prop in props.items():
            if key in required or depth < _FULL_DEPTH:
                try:
                    result[key] = self.value(prop, key, depth + 1)
                except _Unfit:
                    if key in required:
                        raise
        extra: object = s.get("additionalProperties", True)
        for key in sorted(required - set(props)):
            result[key] = self.value(extra, key, depth + 1)
        if not props and not required and _dict(extra) and depth < _FULL_DEPTH:
            result["key"] = self.value(extra, "key", depth + 1)
        return result


def _kind(s: JSON, depth: int) -> str:
    kind = s.get("type")
    listed = _list(kind)
    if listed is not None:
        kinds = [k for k in listed if isinstance(k, str)]
        real = [k for k in kinds if k != "null"]
        if not kinds:
            raise _Unfit("type")
        return "null" if "null" in kinds and (depth >= _FULL_DEPTH or not real) else real[0]
    if isinstance(kind, str):
        return kind
    if "properties" in s or "additionalProperties" in s or "required" in s:
        return "object"
    if "items" in s or "prefixItems" in s:
        return "array"
    return "string"


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _number(s: JSON, integer: bool) -> int | float:
    """1 (or 1.5) when that is within the bounds, else a bound or a value between them."""
    low, high = _bound(s, "minimum", "exclusiveMinimum"), _bound(s, "maximum", "exclusiveMaximum")

    def fits(x: float) -> bool:
        above = low is None or (x > low[0] if low[1] else x >= low[0])
        return above and (high is None or (x < high[0] if high[1] else x <= high[0]))

    lo, hi = (None if b is None else b[0] for b in (low, high))
    tried: list[float]
    if integer:
        tried = [1, *(math.ceil(lo) + n for n in (0, 1) if lo is not None)]
        tried += [math.floor(hi) - n for n in (0, 1) if hi is not None]
    else:
        tried = [1.5, *(x for x in (lo, hi) if x is not None)]
        tried += [(lo + hi) / 2] if lo is not None and hi is not None else []
        tried += [lo + 1] if lo is not None else [hi - 1] if hi is not None else []
    step = s.get("multipleOf")
    if isinstance(step, int | float) and not isinstance(step, bool) and 0 < step < math.inf:
        steps = [x / step for x in tried if math.isfinite(x / step)]
        tried = [step * f(n) for n in steps for f in (math.ceil, math.floor)]
        tried = [x for x in tried if math.isfinite(x) and (not integer or x == int(x))]
    for x in tried:
        if fits(x):
            return int(x) if integer else float(x)
    raise _Unfit("number")


def _bound(s: JSON, inclusive: str, exclusive: str) -> tuple[float, bool] | None:
    """(bound, exclusive?) from JSON Schema's `minimum`/`exclusiveMinimum` (or maximum)."""
    for key, is_exclusive in ((exclusive, True), (inclusive, False)):
        value = s.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value), is_exclusive
    return None


def _string(s: JSON, name: str) -> str:
    fmt = s.get("format")
    formatted = _FORMATS.get(fmt) if isinstance(fmt, str) else None
    text = formatted or f"sample {name}"
    low, high = _count(s.get("minLength")), s.get("maxLength")
    high = high if isinstance(high, int) and not isinstance(high, bool) else None
    if (high is not None and high < low) or low > _BUDGET:
        raise _Unfit(name)
    if formatted and (len(text) < low or (high is not None and len(text) > high)):
        raise _Unfit(name)
    text = text.ljust(low, "x")
    return text if high is None else text[: max(high, 0)]
