"""Every model named after a schema of the spec has exactly its properties, camelCase on the
wire, with the spec's required ones required; every enum has exactly the spec's values."""

import enum
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from browser_use_async import models
from browser_use_async._serde import to_camel

SCHEMAS: dict[str, Any] = json.loads(
    (Path(__file__).parent.parent / "spec" / "openapi-v2.json").read_text()
)["components"]["schemas"]

MODELS = [
    cls
    for name in models.__all__
    if isinstance(cls := getattr(models, name), type) and attrs.has(cls) and name in SCHEMAS
]
ENUMS = [
    cls
    for name in models.__all__
    if isinstance(cls := getattr(models, name), type)
    and issubclass(cls, enum.StrEnum)
    and name in SCHEMAS
]


def test_the_new_resources_models_are_all_checked() -> None:
    names = {cls.__name__ for cls in MODELS + ENUMS}
    assert {
        "SessionView",
        "CreateSessionRequest",
        "ProfileView",
        "BrowserSessionView",
        "BrowserDownloadListResponse",
        "UploadFileRequest",
        "TaskOutputFileResponse",
        "CustomProxy",
        "SessionStatus",
        "BrowserSessionUpdateAction",
    } <= names


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_fields_are_the_schemas_properties(cls: type) -> None:
    schema = SCHEMAS[cls.__name__]
    fields = {to_camel(field.name): field for field in attrs.fields(cls)}
    assert set(fields) == set(schema["properties"])
    required = set(schema.get("required", []))
    assert {name for name, f in fields.items() if f.default is attrs.NOTHING} == required


@pytest.mark.parametrize("cls", ENUMS, ids=lambda cls: cls.__name__)
def test_enum_values_are_the_schemas(cls: type[enum.StrEnum]) -> None:
    assert [member.value for member in cls] == SCHEMAS[cls.__name__]["enum"]
    assert all(member.name == member.name.upper() for member in cls)


def test_upload_content_types_are_the_schemas() -> None:
    allowed = SCHEMAS["UploadFileRequest"]["properties"]["contentType"]["enum"]
    assert [member.value for member in models.UploadContentType] == allowed
