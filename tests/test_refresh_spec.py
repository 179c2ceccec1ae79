"""Each spec (v2, v4) is upstream plus documented amendments, and the official SDK's models
agree with it."""

import copy
import enum
import importlib
import inspect
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts import compare_official_models, refresh_spec
from scripts.refresh_spec import APIS, AmendmentError, amended, render

ROOT = Path(__file__).parent.parent
V2, V4 = APIS["v2"], APIS["v4"]
DOCUMENTS: dict[str, dict[str, Any]] = {
    version: json.loads(api.amendments.read_text("utf-8")) for version, api in APIS.items()
}
UPSTREAMS: dict[str, dict[str, Any]] = {
    version: json.loads(api.upstream.read_text("utf-8")) for version, api in APIS.items()
}
DOCUMENT, UPSTREAM_SPEC = DOCUMENTS["v2"], UPSTREAMS["v2"]
VERSIONS = pytest.mark.parametrize("version", sorted(APIS))


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, f"scripts/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@VERSIONS
def test_the_upstream_copy_is_the_pristine_shared_one(version: str) -> None:
    shared = ROOT.parent / "shared" / "spec" / f"openapi-{version}.json"
    if shared.exists():
        assert APIS[version].upstream.read_bytes() == shared.read_bytes()


@VERSIONS
def test_both_outputs_are_fresh(version: str) -> None:
    fresh = refresh_spec.generate(APIS[version])
    for path in APIS[version].outputs:
        assert path.read_text("utf-8") == fresh, f"{path} is stale: run {refresh_spec.COMMAND}"


@VERSIONS
def test_without_amendments_upstream_renders_byte_for_byte(version: str) -> None:
    api = APIS[version]
    assert render(amended(UPSTREAMS[version], []), api.indent) == api.upstream.read_text("utf-8")


def _official_client_method(version: str, named: str) -> None:
    """`named` ("Sessions.send_message.deduplicate") is a method of the official client's
    resources (and, if named, one of its parameters)."""
    resources = importlib.import_module(f"browser_use_sdk.{version}.resources")
    resource, method, *argument = named.split(".")
    function = getattr(getattr(resources, f"Async{resource}"), method)
    if argument:
        assert argument[0] in inspect.signature(function).parameters, named


def _official_model_field(version: str, named: str) -> None:
    """`named` ("RunCreateRequest.keep_alive") is a model (and field) of the official SDK."""
    official = importlib.import_module(f"browser_use_sdk.generated.{version}.models")
    model, *field = named.split(".")
    cls: Any = getattr(official, model)
    if field and issubclass(cls, enum.Enum):
        assert field[0] in cls.__members__, named
    elif field:
        fields: dict[str, object] = cls.model_fields
        assert field[0] in fields, named


@VERSIONS
def test_every_amendment_names_the_official_model_it_comes_from(version: str) -> None:
    pytest.importorskip("browser_use_sdk")
    for amendment in DOCUMENTS[version]["amendments"]:
        provenance = amendment["provenance"]
        assert provenance.startswith("browser-use-sdk==3.12.1 "), provenance
        named = provenance.split()[1]
        if amendment["add"] in ("parameter", "operation"):  # no model: a client method sends it
            _official_client_method(version, named)
            if amendment["add"] == "parameter":  # the argument that is sent as it
                assert named.count(".") == 2, provenance
        elif amendment["add"] == "response":  # the official error model of that body
            schema = amendment["value"]["content"]["application/json"]["schema"]
            assert schema == {"$ref": f"#/components/schemas/{named}"}, provenance
            _official_model_field(version, named)
        else:
            assert named.split(".")[0] == amendment["schema"], provenance
            _official_model_field(version, named)


def test_the_amendments_add_the_fields_of_issue_13() -> None:
    before, after = UPSTREAM_SPEC["components"]["schemas"], refresh_spec.generate(V2)
    schemas = json.loads(after)["components"]["schemas"]
    added = {
        (name, prop)
        for name, schema in schemas.items()
        for prop in schema.get("properties", {})
        if prop not in before.get(name, {}).get("properties", {})
    }
    assert {
        ("CreateTaskRequest", "thinkingLevel"),
        ("CreateBrowserSessionRequest", "extensionIds"),
        ("CreateBrowserSessionRequest", "metadata"),
        ("CreateBrowserSessionRequest", "pdfRendererEnabled"),
        ("CreateBrowserSessionRequest", "solveCaptchas"),
        ("BrowserSessionView", "extensions"),
        ("BrowserSessionView", "metadata"),
        ("BrowserSessionView", "recordingAvailable"),
        ("BrowserSessionItemView", "extensions"),
        ("BrowserSessionItemView", "metadata"),
        ("AccountView", "activeSessionCount"),
        ("AccountView", "apiKeyId"),
        ("AccountView", "concurrentSessionLimit"),
        ("AccountView", "tracingDisabled"),
    } <= added
    assert schemas["ThinkingLevel"]["enum"] == ["disabled", "low", "medium", "high"]
    listing = json.loads(after)["paths"]["/browsers"]["get"]["parameters"]
    assert [p["name"] for p in listing] == ["pageSize", "pageNumber", "filterBy", "agentSessionId"]
    codes = schemas["ProxyCountryCode"]["enum"]
    assert codes[codes.index("ch") + 1] == "ci"
    assert {"claude-opus-5", "gpt-5.5", "claude-sonnet-4-6"} <= set(
        schemas["SupportedLLMs"]["enum"]
    )
    assert {"concurrentSessionLimit", "activeSessionCount"} <= set(
        schemas["AccountView"]["required"]
    )
    # Nothing upstream had is lost or changed, except by the amendments' additions.
    for name, schema in before.items():
        for prop, value in schema.get("properties", {}).items():
            assert schemas[name]["properties"][prop] == value


@pytest.mark.parametrize(
    ("amendment", "message"),
    [
        ({"add": "schema", "schema": "TaskView", "value": {}}, "upstream has this schema now"),
        (
            {"add": "property", "schema": "TaskView", "property": "id", "value": {}},
            "upstream has this property now",
        ),
        (
            {"add": "property", "schema": "Nope", "property": "x", "value": {}},
            "upstream has no such schema",
        ),
        (
            {"add": "property", "schema": "TaskView", "property": "x", "after": "?", "value": {}},
            "no '?' to insert after",
        ),
        (
            {"add": "enum-values", "schema": "TaskStatus", "values": ["created"]},
            "upstream has ['created'] now",
        ),
        ({"add": "rename", "schema": "TaskView"}, "unknown kind of amendment"),
        (
            {"add": "parameter", "path": "/tasks", "method": "get", "value": {"name": "after"}},
            "upstream has this parameter now",
        ),
        (
            {"add": "parameter", "path": "/nope", "method": "get", "value": {"name": "x"}},
            "'/nope'",
        ),
        (
            {"add": "response", "path": "/tasks", "method": "post", "status": "422", "value": {}},
            "upstream documents this answer's body now",
        ),
    ],
)
def test_an_amendment_that_does_not_apply_stops_the_refresh(
    amendment: dict[str, Any], message: str
) -> None:
    spec = copy.deepcopy(UPSTREAM_SPEC)
    with pytest.raises(AmendmentError, match="amendment 1") as info:
        amended(spec, [{**amendment, "provenance": "browser-use-sdk==3.12.1 TaskView"}])
    assert message in str(info.value)
    assert spec == UPSTREAM_SPEC
    with pytest.raises(AmendmentError, match="says nowhere where it comes from"):
        amended(spec, [{"add": "schema", "schema": "New", "value": {}}])


def test_a_ref_to_a_schema_no_amendment_adds_stops_the_refresh() -> None:
    ref = {"$ref": "#/components/schemas/Missing"}
    amendment = {"add": "property", "schema": "TaskView", "property": "x", "value": ref}
    with pytest.raises(AmendmentError, match=r"no schema for the \$ref to Missing"):
        amended(UPSTREAM_SPEC, [{**amendment, "provenance": "browser-use-sdk==3.12.1 TaskView"}])


@VERSIONS
def test_check_mode_names_the_stale_file_and_write_mode_fixes_it(
    tmp_path: Path, version: str
) -> None:
    api = APIS[version]
    target = tmp_path / f"openapi-{version}.json"
    target.write_text(api.upstream.read_text("utf-8"), "utf-8")
    stale = run("refresh_spec.py", "--check", "--api", version, "--output", str(target))
    assert stale.returncode == 1
    assert f"{target} is stale" in stale.stderr
    assert "make spec" in stale.stderr
    assert target.read_text("utf-8") == api.upstream.read_text("utf-8")  # --check writes nothing
    assert run("refresh_spec.py", "--api", version, "--output", str(target)).returncode == 0
    assert target.read_text("utf-8") == refresh_spec.generate(api)
    fresh = run("refresh_spec.py", "--check", "--api", version, "--output", str(target))
    assert (fresh.returncode, fresh.stderr) == (0, "")


def test_check_mode_covers_every_version() -> None:
    assert run("refresh_spec.py", "--check").returncode == 0
    both = run("refresh_spec.py", "--check", "--output", "x.json")
    assert both.returncode == 2
    assert "--output writes one version: name it with --api" in both.stderr


def test_an_obsolete_v4_amendment_names_its_file_and_stops_the_refresh(tmp_path: Path) -> None:
    """Run as the command: the error names spec/amendments-v4.json and the amendment, and
    nothing is written."""
    document = copy.deepcopy(DOCUMENTS["v4"])
    document["amendments"].append(
        {
            "add": "operation",
            "path": "/runs",
            "method": "get",
            "provenance": "browser-use-sdk==3.12.1 Runs.list",
            "value": {},
        }
    )
    script = (
        "import json, sys; from scripts import refresh_spec as r; from pathlib import Path;"
        "r.Api.amendments = property(lambda self: Path(sys.argv[1]));"
        "sys.exit(r.main(['--api', 'v4', '--output', sys.argv[2]]))"
    )
    amendments, target = tmp_path / "amendments-v4.json", tmp_path / "out.json"
    amendments.write_text(json.dumps(document), "utf-8")
    result = subprocess.run(
        [sys.executable, "-c", script, str(amendments), str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 1
    number = len(document["amendments"])
    assert f"amendment {number} (get /runs): upstream has this operation now" in result.stderr
    assert not target.exists()


V4_OBSOLETE: list[tuple[dict[str, Any], str]] = [
    (
        {"add": "operation", "path": "/runs/{run_id}", "method": "get", "value": {}},
        "upstream has this operation now",
    ),
    (
        {"add": "operation", "path": "/new", "method": "get", "after": "/nope", "value": {}},
        "no '/nope' to insert after",
    ),
    (
        {
            "add": "enum-values",
            "schema": "RunCreateRequest",
            "property": "model",
            "values": ["minimax-m3"],
        },
        "upstream has ['minimax-m3'] now",
    ),
    (
        {
            "add": "enum-values",
            "schema": "RunCreateRequest",
            "property": "model",
            "values": ["m-1"],
            "before": "m-0",
        },
        "no 'm-0' to insert before",
    ),
    (
        {"add": "property", "schema": "RunSummary", "property": "title", "value": {}},
        "upstream has this property now",
    ),
    (
        {"add": "schema", "schema": "WorkspaceInfo", "value": {}},
        "upstream has this schema now",
    ),
]


@pytest.mark.parametrize(("amendment", "message"), V4_OBSOLETE)
def test_a_v4_amendment_that_does_not_apply_stops_the_refresh(
    amendment: dict[str, Any], message: str
) -> None:
    spec = copy.deepcopy(UPSTREAMS["v4"])
    with pytest.raises(AmendmentError, match="amendment 1") as info:
        amended(spec, [{**amendment, "provenance": "browser-use-sdk==3.12.1 RunSummary"}])
    assert message in str(info.value)
    assert spec == UPSTREAMS["v4"]


def test_the_new_kinds_place_what_they_add() -> None:
    spec = json.loads(refresh_spec.generate(V4))
    paths = list(spec["paths"])
    assert paths.index("/sessions/{session_id}/cost") == paths.index("/sessions/{session_id}") + 1
    assert paths[-len(INTEGRATION_PATHS) :] == INTEGRATION_PATHS
    assert set(spec["paths"]["/sessions/{session_id}/share"]) == {"get", "post", "put"}
    models = spec["components"]["schemas"]["RunCreateRequest"]["properties"]["model"]["enum"]
    official = importlib.import_module("browser_use_sdk.generated.v4.models")
    assert models == [member.value for member in official.Model]  # the official order
    assert models[0] == "mimo-v2.6-pro"  # placed `before` upstream's first
    # Nothing upstream had is lost or changed, except by the amendments' additions.
    before = UPSTREAMS["v4"]
    for path, item in before["paths"].items():
        for method, operation in item.items():
            now = spec["paths"][path][method]
            kept = ("parameters", "responses")
            assert {k: v for k, v in now.items() if k not in kept} == {
                k: v for k, v in operation.items() if k not in kept
            }
            parameters = operation.get("parameters", [])
            assert now.get("parameters", [])[: len(parameters)] == parameters
            for status, response in operation["responses"].items():
                assert now["responses"][status]["description"] == response["description"]
                assert now["responses"][status].get("content", {}) == response.get(
                    "content", now["responses"][status].get("content", {})
                )
    for name, schema in before["components"]["schemas"].items():
        for prop, value in schema.get("properties", {}).items():
            if (name, prop) != ("RunCreateRequest", "model"):
                assert spec["components"]["schemas"][name]["properties"][prop] == value


INTEGRATION_PATHS = [
    "/integrations",
    "/integrations/categories",
    "/integrations/{provider}/authorize",
    "/integrations/{provider}/status",
    "/integrations/{provider}",
]


def test_the_v4_amendments_cover_the_official_v4_namespace() -> None:
    """Every operation of the official v4 client (its resources' methods, by the verb and path
    each sends) is in our v4 spec."""
    spec = json.loads(refresh_spec.generate(V4))
    operations = {
        (method.upper(), re.sub(r"\{[a-z_]+\}", "{}", path))
        for path, item in spec["paths"].items()
        for method in item
    }
    sent: set[tuple[str, str]] = set()
    folder = Path(importlib.import_module("browser_use_sdk.v4.resources").__file__ or "").parent
    for source in folder.glob("*.py"):
        for verb, path in re.findall(
            r'request(?:_idempotent)?\(\s*"([A-Z]+)",\s*f?"([^"]+)"', source.read_text()
        ):
            sent.add((verb, re.sub(r"\{[a-z_]+\}", "{}", path)))
    assert len(sent) >= 45
    assert sent - operations == set()
    assert len(operations) == 27 + 21


# -- the official SDK's models --------------------------------------------------------------

official = pytest.importorskip("browser_use_sdk.generated.v2.models")


def test_our_spec_has_every_field_of_the_official_models() -> None:
    result = run("compare_official_models.py")
    assert result.returncode == 0, result.stdout
    known = [
        f"known, kept on purpose: {entry['line']}"
        for version in ("v2", "v4")
        for entry in DOCUMENTS[version]["known_differences"]
    ]
    assert sorted(result.stdout.splitlines()) == sorted(known)
    for version in ("v2", "v4"):
        expected = f"0 difference(s) between openapi-{version}.json and browser-use-sdk 3.12.1"
        assert expected in result.stderr


def test_the_comparison_finds_what_upstream_lacks() -> None:
    result = run("compare_official_models.py", "--api", "v2", "--spec", str(V2.upstream))
    assert result.returncode == 1
    lines = set(result.stdout.splitlines())
    assert {
        "CreateTaskRequest.thinkingLevel: in the official model (thinking_level), not in the spec",
        "AccountView.apiKeyId: in the official model (api_key_id), not in the spec",
        "BrowserExtensionView: an official model the spec lacks",
        "ProxyCountryCode: official values not in the spec: ci",
    } <= lines
    result = run("compare_official_models.py", "--api", "v4", "--spec", str(V4.upstream))
    assert result.returncode == 1
    assert {
        "RunCreateRequest.keepAlive: in the official model (keep_alive), not in the spec",
        "QueuedMessage.mode: in the official model (mode), not in the spec",
        "SessionCostResponse: an official model the spec lacks",
        "ExtensionView: an official model the spec lacks",
    } <= set(result.stdout.splitlines())
    assert "openapi-v4.upstream.json and browser-use-sdk 3.12.1" in result.stderr


def test_one_spec_compares_one_version() -> None:
    result = run("compare_official_models.py", "--spec", str(V4.upstream))
    assert result.returncode == 2
    assert "--spec compares one version" in result.stderr


Edit = Callable[[dict[str, Any]], object]


def _differences(edit: Edit) -> list[str]:
    spec = json.loads(refresh_spec.generate(V2))
    edit(spec["components"]["schemas"])
    known = {entry["line"] for entry in DOCUMENT["known_differences"]}
    return [line for line in compare_official_models.compare(spec, official) if line not in known]


EDITS: list[tuple[Edit, str]] = [
    (
        lambda s: s["TaskView"]["required"].remove("steps"),
        "TaskView.steps: required only in the official model",
    ),
    (
        lambda s: s["TaskView"]["properties"].update(extra={"type": "string"}),
        "TaskView.extra: in the spec, not in the official model",
    ),
    (
        lambda s: s["PlanInfo"]["properties"].update(subscriptionStatus={"type": "string"}),
        "PlanInfo.subscriptionStatus: nullable in the official model, not in the spec",
    ),
    (
        lambda s: s["TaskView"]["properties"].update(
            task={"anyOf": [{"type": "string"}, {"type": "null"}]}
        ),
        "TaskView.task: nullable in the spec, not in the official model",
    ),
    (
        lambda s: s["UploadFileRequest"]["properties"]["contentType"]["enum"].remove("text/csv"),
        "UploadFileRequest.contentType: official values not in the spec: text/csv",
    ),
    (
        lambda s: s["TaskStatus"]["enum"].append("paused"),
        "TaskStatus: spec values not in the official model: paused",
    ),
    (lambda s: s.pop("ShareView"), "ShareView: an official model the spec lacks"),
    (lambda s: s.update(Extra={"type": "object"}), "Extra: in the spec, not in the official"),
]


@pytest.mark.parametrize(("edit", "line"), EDITS)
def test_the_comparison_reports_each_kind_of_difference(edit: Edit, line: str) -> None:
    found = _differences(edit)
    assert len(found) == 1, found
    assert found[0].startswith(line)


def _leave_out(
    amendments: list[dict[str, Any]], amendment: dict[str, Any]
) -> tuple[list[dict[str, Any]], set[str]]:
    """The amendments without `amendment`, nor (transitively) those whose value refers to a
    schema it adds, and the schemas the left-out ones amend; one placed after a left-out
    property (or path) goes where it would have."""
    gone = [amendment]
    while True:
        schemas = {a["schema"] for a in gone if a["add"] == "schema"}
        refers = [
            a
            for a in amendments
            if a not in gone
            and any(
                f'"#/components/schemas/{name}"' in json.dumps(a.get("value")) for name in schemas
            )
        ]
        if not refers:
            break
        gone += refers
    rest = [dict(a) for a in amendments if a not in gone]
    for other in rest:
        for left in gone:
            same = left["add"] == "property" and other.get("schema") == left["schema"]
            if same and other.get("after") == left["property"]:
                other["after"] = left.get("after")
            paths = left["add"] == other["add"] == "operation"
            if paths and other.get("after") == left["path"]:
                other["after"] = left.get("after")
    return rest, {left["schema"] for left in gone if "schema" in left}


@VERSIONS
def test_sweep_each_amendment_is_needed_and_seen(version: str) -> None:
    """Left out one at a time (with what refers to the schema it adds), every amendment
    shows as a difference from the official models naming its schema: none is dead weight,
    and the comparison misses none."""
    models = importlib.import_module(f"browser_use_sdk.generated.{version}.models")
    document = DOCUMENTS[version]
    kinds = ("parameter", "response", "operation")
    amendments = [a for a in document["amendments"] if a["add"] not in kinds]
    known = {entry["line"] for entry in document["known_differences"]}
    missed: list[str] = []
    for amendment in amendments:
        rest, schemas = _leave_out(document["amendments"], amendment)
        spec = amended(UPSTREAMS[version], rest)
        found = [
            line for line in compare_official_models.compare(spec, models) if line not in known
        ]
        if not any(line.startswith(tuple(schemas)) for line in found):
            missed.append(amendment["provenance"])
    assert missed == []
    assert len(amendments) == {"v2": 24, "v4": 56}[version]
