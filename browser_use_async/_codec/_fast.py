"""Generated structuring of well-formed answers; cattrs decides everything else.

For an attrs model, `compile_structurer` writes one function that reads each field with an
inline `type(value) is T` check and builds the instance (filling its slots directly where
attrs' `__init__` would only store the values). Anything it does not expect (a
missing key, another type, a value a hook refuses) raises, and `_decode` hands the document to
cattrs, which either gives the same result or an error naming the field. So the generated
code decides nothing: it reaches cattrs' answer faster for input cattrs accepts, and
`tests/test_fast_structure.py` checks that the two agree.

It reads what orjson parsed, which differs from `json.loads` in one way that matters here:
an integer beyond 64 bits becomes a float. So the generated code lets no float of magnitude
2**63 or more through; cattrs decides those, from `json.loads`' reading. (The other
difference is depth: orjson reads up to 1024 levels, where `json.loads` may stop sooner,
depending on the stack; such a body decodes rather than failing.)

The documents it reads are the codec's own, parsed for this decoding: lists and dicts whose
items are only checked are kept as they are, not copied, and nothing is changed in place, so
cattrs reads the document untouched when the generated code defers.
"""

import contextlib
import enum
import types
import typing
from collections.abc import Callable
from typing import Any

import attrs

Hook = Callable[[Any, Any], Any]
Structurer = Callable[[Any], Any]

_EXACT_TYPES = (str, int, bool)
"""Types a JSON value must have exactly (a bool is not an int here)."""

_FACTORY = typing.cast(type, attrs.Factory)
"""A class at run time (the stubs describe a function)."""


FLOAT_LIMIT = 2.0**63
"""Floats of this magnitude or more are left to the exact reading (see above)."""


def exact_numbers(value: object) -> bool:
    """False when `value` is or holds a float of magnitude `FLOAT_LIMIT` or more."""
    if type(value) is float:
        return -FLOAT_LIMIT < value < FLOAT_LIMIT
    if type(value) is list:
        return all(exact_numbers(item) for item in typing.cast(list[object], value))
    if type(value) is dict:
        return all(exact_numbers(item) for item in typing.cast(dict[str, object], value).values())
    return True


class Defer(Exception):
    """Raised by generated code for input it leaves to cattrs."""


class _Writer:
    """The source and the globals of the generated functions."""

    def __init__(self, hook_for: Callable[[Any], Hook], wire_name: Callable[[Any], str]) -> None:
        self.hook_for = hook_for
        self.wire_name = wire_name
        self.globals: dict[str, Any] = {
            "Defer": Defer,
            "MISSING": object(),
            "LIMIT": FLOAT_LIMIT,
            "exact": exact_numbers,
        }
        self.lines: list[str] = []
        self.compiled: dict[type, str] = {}
        self.temporaries = 0

    def temporary(self, kind: str) -> str:
        """A fresh local name: fields' values are `f_<name>`, so this cannot be one of them."""
        self.temporaries += 1
        return f"{kind}{self.temporaries}"

    def constant(self, value: object) -> str:
        name = f"_c{len(self.globals)}"
        self.globals[name] = value
        return name

    def function_for(self, cls: type) -> str:
        """The name of the generated function for attrs class `cls`, written on first use."""
        if cls not in self.compiled:
            self.compiled[cls] = f"structure_{len(self.compiled)}_{cls.__name__}"
            self._write_function(cls)
        return self.compiled[cls]

    def _write_function(self, cls: type) -> None:
        body = ["if type(d) is not dict:", "    raise Defer"]
        arguments: list[str] = []
        for field in attrs.fields(attrs.resolve_types(cls)):
            if not field.init:
                continue
            var = f"f_{field.name}"
            wire = repr(self.wire_name(field))
            if field.default is attrs.NOTHING:
                body.append(f"{var} = d[{wire}]")
                body += self._check(var, field.type)
            else:
                body.append(f"{var} = d.get({wire}, MISSING)")
                body.append(f"if {var} is MISSING:")
                body.append(f"    {var} = {self._default(field)}")
                check = self._check(var, field.type)
                body += ["else:", *_indent(check)] if check else []
            arguments.append(f"{field.alias}={var}")
        self.lines.append(f"def {self.compiled[cls]}(d):")
        self.lines += _indent(body)
        if _stored_directly(cls):
            # What attrs' __init__ does for such a class, without the call and the
            # per-field `object.__setattr__` lookups: each slot's own setter.
            names = [field.name for field in attrs.fields(cls)]
            self.lines.append(f"    o = {self.constant(object.__new__)}({self.constant(cls)})")
            self.lines += [
                f"    {self.constant(getattr(cls, name).__set__)}(o, f_{name})" for name in names
            ]
            self.lines.append("    return o")
        else:
            self.lines.append(f"    return {self.constant(cls)}({', '.join(arguments)})")

    def _default(self, field: "attrs.Attribute[Any]") -> str:
        if not isinstance(field.default, _FACTORY):
            return self.constant(field.default)
        factory: Any = field.default
        if factory.takes_self:
            raise TypeError(f"{field.name}: a default that takes self is not supported")
        return f"{self.constant(factory.factory)}()"

    def _check(self, var: str, tp: Any) -> list[str]:
        """Lines that check `var` against `tp`, replacing it with its structured value."""
        args = typing.get_args(tp)
        if tp is Any:
            return [f"if not exact({var}):", "    raise Defer"]
        if tp in _EXACT_TYPES:
            return [f"if type({var}) is not {tp.__name__}:", "    raise Defer"]
        if tp is float:
            return [
                f"if type({var}) is int:",
                f"    {var} = float({var})",
                f"elif type({var}) is not float or not -LIMIT < {var} < LIMIT:",
                "    raise Defer",
            ]
        if attrs.has(tp):
            return [f"{var} = {self.function_for(tp)}({var})"]
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and _is_optional(args):
            inner = next(arg for arg in args if arg is not type(None))
            return [f"if {var} is not None:", *_indent(self._check(var, inner))]
        if typing.get_origin(tp) is list and args:
            return [f"if type({var}) is not list:", "    raise Defer", *self._items(var, args[0])]
        if typing.get_origin(tp) is dict and args and args[0] is str:
            key, value = self.temporary("key"), self.temporary("value")
            lines = [f"if type({var}) is not dict:", "    raise Defer"]
            keys = [f"    if type({key}) is not str:", "        raise Defer"]
            if args[1] is Any:  # checked as it is: the parsed dict itself
                return [*lines, f"for {key} in {var}:", *keys, *self._check(var, Any)]
            check = self._check(value, args[1])
            loop = [f"for {key}, {value} in {var}.items():", *keys, *_indent(check)]
            return [*lines, f"{var} = dict({var})", *loop, f"    {var}[{key}] = {value}"]
        hook = self.hook_for(tp)
        by_hook = [
            f"if type({var}) is not str and not exact({var}):",
            "    raise Defer",
            f"{var} = {self.constant(hook)}({var}, {self.constant(tp)})",
        ]
        members = _members_by_value(tp, hook)
        if not members:
            return by_hook
        member = self.temporary("member")
        return [
            f"{member} = {self.constant(members)}.get({var}) if type({var}) is str else None",
            f"if {member} is not None:",
            f"    {var} = {member}",
            "else:",
            *_indent(by_hook),
        ]

    def _items(self, var: str, tp: Any) -> list[str]:
        """Lines that structure the items of list `var`: a new list where they change, the
        parsed list itself where they are only checked."""
        item = self.temporary("item")
        if attrs.has(tp):
            return [f"{var} = [{self.function_for(tp)}({item}) for {item} in {var}]"]
        if tp is Any:
            return self._check(var, Any)
        check = self._check(item, tp)
        if tp in _EXACT_TYPES:
            return [f"for {item} in {var}:", *_indent(check)]
        index = self.temporary("index")
        return [
            f"{var} = list({var})",
            f"for {index}, {item} in enumerate({var}):",
            *_indent(check),
            f"    {var}[{index}] = {item}",
        ]


def _members_by_value(tp: Any, hook: Hook) -> dict[str, enum.Enum]:
    """For a type that is or holds enums (`TaskStatus | str`): each member's value to the
    member, for the values `hook` reads as that member, so that one dict lookup gives what
    the hook would. Other values still go to the hook."""
    classes = [c for c in (tp, *typing.get_args(tp)) if isinstance(c, type)]
    table: dict[str, enum.Enum] = {}
    for cls in classes:
        if issubclass(cls, enum.Enum):
            for member in cls:
                value: object = member.value
                with contextlib.suppress(Exception):
                    if type(value) is str and value not in table and hook(value, tp) is member:
                        table[value] = member
    return table


def _stored_directly(cls: type) -> bool:
    """Whether attrs' `__init__` of `cls` only stores its arguments in slots: no validators,
    converters, hooks, cached hash or fields left out of `__init__`. Where attrs does not
    describe its classes (`__attrs_props__`; 25.3 does not), `__init__` is called."""
    props: Any = getattr(cls, "__attrs_props__", None)
    return (
        props is not None
        and props.is_slotted
        and props.added_init
        and props.hashability.value != "hashable_cache"
        and not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and all(
            field.init and field.validator is None and field.converter is None
            for field in attrs.fields(cls)
        )
    )


def _is_optional(args: tuple[Any, ...]) -> bool:
    return len(args) == 2 and type(None) in args


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def compile_structurer(
    cls: type, hook_for: Callable[[Any], Hook], wire_name: Callable[[Any], str]
) -> Structurer:
    """The generated fast path for attrs class `cls`: it returns the instance or raises."""
    writer = _Writer(hook_for, wire_name)
    name = writer.function_for(cls)
    source = "\n".join(writer.lines)
    namespace = writer.globals
    exec(compile(source, f"<fast structure {cls.__qualname__}>", "exec"), namespace)  # noqa: S102 (our own generated source)
    return typing.cast(Structurer, namespace[name])
