"""The spec is upstream plus documented amendments, and the official SDK's models agree with it."""

import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts import compare_official_models, refresh_spec
from scripts.refresh_spec import AMENDMENTS, OUTPUTS, UPSTREAM, AmendmentError, amended, render

ROOT = Path(__file__).parent.parent
DOCUMENT: dict[str, Any] = json.loads(AMENDMENTS.read_text("utf-8"))
UPSTREAM_SPEC: dict[str, Any] = json.loads(UPSTREAM.read_text("utf-8"))


def run(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, f"scripts/{script}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_upstream_copy_is_the_pristine_shared_one() -> None:
    shared = ROOT.parent / "shared" / "spec" / "openapi-v2.json"
    if shared.exists():
        assert UPSTREAM.read_bytes() == shared.read_bytes()


def test_both_outputs_are_fresh() -> None:
    fresh = refresh_spec.generate()
    for path in OUTPUTS:
        assert path.read_text("utf-8") == fresh, f"{path} is stale: run {refresh_spec.COMMAND}"


def test_without_amendments_upstream_renders_byte_for_byte() -> None:
    assert render(amended(UPSTREAM_SPEC, [])) == UPSTREAM.read_text("utf-8")


def test_every_amendment_names_the_official_model_it_comes_from() -> None:
    for amendment in DOCUMENT["amendments"]:
        provenance = amendment["provenance"]
        assert provenance.startswith("browser-use-sdk==3.12.1 "), provenance
        named = provenance.split()[1]
        if amendment["add"] == "parameter":  # no model: the official client method sends it
            snake = re.sub("([A-Z])", r"_\1", amendment["value"]["name"]).lower()
            assert named == f"Browsers.list.{snake}", provenance
        elif amendment["add"] == "response":  # the official error model of that body
            schema = amendment["value"]["content"]["application/json"]["schema"]
            assert schema == {"$ref": f"#/components/schemas/{named}"}, provenance
        else:
            assert named.split(".")[0] == amendment["schema"], provenance


def test_the_amendments_add_the_fields_of_issue_13() -> None:
    before, after = UPSTREAM_SPEC["components"]["schemas"], refresh_spec.generate()
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


def test_check_mode_names_the_stale_file_and_write_mode_fixes_it(tmp_path: Path) -> None:
    target = tmp_path / "openapi-v2.json"
    target.write_text(UPSTREAM.read_text("utf-8"), "utf-8")
    stale = run("refresh_spec.py", "--check", "--output", str(target))
    assert stale.returncode == 1
    assert f"{target} is stale" in stale.stderr
    assert "make spec" in stale.stderr
    assert target.read_text("utf-8") == UPSTREAM.read_text("utf-8")  # --check writes nothing
    assert run("refresh_spec.py", "--output", str(target)).returncode == 0
    assert target.read_text("utf-8") == refresh_spec.generate()
    fresh = run("refresh_spec.py", "--check", "--output", str(target))
    assert (fresh.returncode, fresh.stderr) == (0, "")


# -- the official SDK's models --------------------------------------------------------------

official = pytest.importorskip("browser_use_sdk.generated.v2.models")


def test_our_spec_has_every_field_of_the_official_models() -> None:
    result = run("compare_official_models.py")
    assert result.returncode == 0, result.stdout
    known = [entry["line"] for entry in DOCUMENT["known_differences"]]
    assert result.stdout.splitlines() == [f"known, kept on purpose: {line}" for line in known]
    assert "0 difference(s) between openapi-v2.json and browser-use-sdk 3.12.1" in result.stderr


def test_the_comparison_finds_what_upstream_lacks() -> None:
    result = run("compare_official_models.py", "--spec", str(UPSTREAM))
    assert result.returncode == 1
    lines = set(result.stdout.splitlines())
    assert {
        "CreateTaskRequest.thinkingLevel: in the official model (thinking_level), not in the spec",
        "AccountView.apiKeyId: in the official model (api_key_id), not in the spec",
        "BrowserExtensionView: an official model the spec lacks",
        "ProxyCountryCode: official values not in the spec: ci",
    } <= lines


Edit = Callable[[dict[str, Any]], object]


def _differences(edit: Edit) -> list[str]:
    spec = json.loads(refresh_spec.generate())
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


def test_sweep_each_amendment_is_needed_and_seen() -> None:
    """Left out one at a time, every amendment shows as a difference from the official
    models naming its schema: none is dead weight, and the comparison misses none."""
    amendments = [a for a in DOCUMENT["amendments"] if a["add"] not in ("parameter", "response")]
    known = {entry["line"] for entry in DOCUMENT["known_differences"]}
    missed: list[str] = []
    needed_by_another: list[str] = []
    for amendment in amendments:
        rest = [dict(a) for a in DOCUMENT["amendments"] if a is not amendment]
        for other in rest:  # one placed after the left-out property goes where it would have
            same = other.get("schema") == amendment["schema"] and "property" in amendment
            if same and other.get("after") == amendment["property"]:
                other["after"] = amendment.get("after")
        try:
            spec = amended(UPSTREAM_SPEC, rest)
        except AmendmentError:  # a schema another one refers to
            needed_by_another.append(amendment["provenance"])
            continue
        found = [
            line for line in compare_official_models.compare(spec, official) if line not in known
        ]
        if not any(line.startswith(amendment["schema"]) for line in found):
            missed.append(amendment["provenance"])
    assert missed == []
    assert len(amendments) == 24
    assert len(needed_by_another) == 4, needed_by_another
