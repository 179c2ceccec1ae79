"""JSON bytes <-> the API's models, and users' output types: the one place that knows the
wire's shape, and the only importer of cattrs and orjson (a test checks)."""

from browser_use_async._codec._converter import (
    AS_NAMED,
    JSON_NUMBER,
    NULL_IS_DEFAULT,
    to_camel,
    wire_name,
)
from browser_use_async._codec._decode import decode, structure, type_name
from browser_use_async._codec._encode import Encoded, encode, to_dict, to_json
from browser_use_async._codec._json import DecodeError, decode_json, dumps_strict
from browser_use_async._codec._output_types import structure_output
from browser_use_async._codec._scalars import parse_datetime

__all__ = [
    "AS_NAMED",
    "JSON_NUMBER",
    "NULL_IS_DEFAULT",
    "DecodeError",
    "Encoded",
    "decode",
    "decode_json",
    "dumps_strict",
    "encode",
    "parse_datetime",
    "structure",
    "structure_output",
    "to_camel",
    "to_dict",
    "to_json",
    "type_name",
    "wire_name",
]
