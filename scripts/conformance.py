"""Schemathesis against the fake cloud, from the local OpenAPI document (never fetched).

`make conformance` runs it for a few minutes; `make test` runs a short version. It exits 0
when schemathesis finds no failure other than the spec defects listed in DEFECTS, each with
the reason the spec, not the fake, is wrong there. The listed defects are corrected in a
temporary copy of the spec, or the one check they break is turned off for the operations
concerned; everything else is checked as the spec says.

    python scripts/conformance.py [--api v2|v4] [--max-time SECONDS] [--max-examples N] [--seed N]
"""

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from browser_use_async.testing import FakeBrowserUseCloud
from browser_use_async.testing._spec import load_spec

JSON = dict[str, Any]
ROOT = Path(__file__).resolve().parent.parent
SECURED = "X-Browser-Use-API-Key"


def _operations(spec: JSON) -> list[tuple[str, str, JSON]]:
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    ]


def _validation_error_is_the_list(spec: JSON) -> None:
    for _, _, op in _operations(spec):
        answer = op["responses"].get("422", {}).get("content", {}).get("application/json", {})
        if answer.get("schema") == {"$ref": "#/components/schemas/ValidationError"}:
            answer["schema"] = {"$ref": "#/components/schemas/HTTPValidationError"}


def _unauthorized_is_documented(spec: JSON) -> None:
    detail = {"type": "object", "properties": {"detail": {"type": "string"}}}
    for _, _, op in _operations(spec):
        if op.get("security"):
            op["responses"].setdefault(
                "401",
                {
                    "description": "Invalid or missing API key",
                    "content": {"application/json": {"schema": detail}},
                },
            )


def _bounds_are_json_schema(spec: JSON) -> None:
    for schema in spec["components"]["schemas"].values():
        for prop in schema.get("properties", {}).values():
            for pydantic, json_schema in (("ge", "minimum"), ("le", "maximum")):
                if pydantic in prop:
                    prop[json_schema] = prop.pop(pydantic)


def _unknown_ids_are_documented(spec: JSON) -> None:
    detail = {"type": "object", "properties": {"detail": {"type": "string"}}}
    for _, path, op in _operations(spec):
        if "{" in path and "404" not in op["responses"]:
            content = {"application/json": {"schema": detail}}
            op["responses"]["404"] = {"description": "Not found", "content": content}


def _bad_extensions_are_documented(spec: JSON) -> None:
    detail = {"type": "object", "properties": {"detail": {"type": "string"}}}
    content = {"application/json": {"schema": detail}}
    answer = {"description": "Not an extension ZIP", "content": content}
    spec["paths"]["/extensions"]["post"]["responses"].setdefault("400", answer)


@attrs.frozen
class Defect:
    """A place where the spec is wrong: `fix` corrects the copy, or `check` is turned off
    for the operations `names` ("METHOD /path"), or only told to accept `statuses` too."""

    what: str
    why: str
    fix: Callable[[JSON], None] | None = None
    check: str | None = None
    names: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("v2", "v4")


# What schemathesis's positive_data_acceptance accepts unless told otherwise.
ACCEPTED = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")


DEFECTS = (
    Defect(
        what="422 answers of operations with a body are documented as one ValidationError",
        why=(
            "FastAPI answers every 422 as HTTPValidationError, {'detail': [ValidationError, ...]},"
            " as the spec itself says for the operations without a body, and as the official"
            " SDK reads them; an object with `loc`, `msg` and `type` at the top is never sent."
        ),
        fix=_validation_error_is_the_list,
    ),
    Defect(
        what="401 is not documented on the operations that need the API key",
        why=(
            "Every such operation declares the X-Browser-Use-API-Key security scheme, and the"
            " API answers a missing or wrong key with 401 {'detail': ...}; the spec lists"
            " no 401 for any operation."
        ),
        fix=_unauthorized_is_documented,
    ),
    Defect(
        what="bounds written with pydantic's `ge`/`le`, which JSON Schema ignores",
        why=(
            "CreateBrowserSessionRequest.timeout says `ge: 1, le: 240` (minutes) where JSON"
            " Schema reads only `minimum`/`maximum`; the API (FastAPI) enforces them, as the"
            " fake does (422 below 1, the documented 403 above 240)."
        ),
        fix=_bounds_are_json_schema,
    ),
    Defect(
        what="an opaque cursor is typed as any string",
        why=(
            "`cursor` must be a value of an earlier page's `nextCursor`; no server can accept"
            " an arbitrary string, and the fake answers an unknown one with FastAPI's 422."
        ),
        check="positive_data_acceptance",
        names=("GET /browsers/{session_id}/downloads",),
        versions=("v2",),
    ),
    Defect(
        what="skill operations refused by the skill's state, with a documented 400",
        why=(
            "Deleting, cancelling, rolling back, running or refining a skill depends on its"
            " status (generating, finished, public), which no request value can say; the spec"
            " documents each 400 (e.g. CannotDeleteSkillWhileGeneratingError), so a 400 there"
            " is not a rejected valid request (a 422 still is)."
        ),
        check="positive_data_acceptance",
        statuses=("400",),
        names=(
            "POST /skills",
            "DELETE /skills/{skill_id}",
            "POST /skills/{skill_id}/cancel",
            "POST /skills/{skill_id}/rollback",
            "POST /skills/{skill_id}/execute",
            "POST /skills/{skill_id}/refine",
            "POST /marketplace/skills/{skill_id}/execute",
        ),
        versions=("v2",),
    ),
    # v4 (its amended spec: the upstream operations and those the official v4 client adds)
    Defect(
        what="the amendment operations document no 404 for an unknown id",
        why=(
            "The official v4 client's operations beyond the upstream spec are documented from"
            " its code, which lists only their answers' models; an id in the path that names"
            " nothing answers 404 {'detail': ...} there as on every upstream operation."
        ),
        fix=_unknown_ids_are_documented,
        versions=("v4",),
    ),
    Defect(
        what="an extension upload accepts any bytes as its ZIP",
        why=(
            "POST /extensions takes `file` as any binary, but only a ZIP archive with a"
            " manifest.json is an extension: anything else is refused with 400 {'detail': ...},"
            " which the spec does not document."
        ),
        fix=_bad_extensions_are_documented,
        versions=("v4",),
    ),
    Defect(
        what="a bad extension upload is a rejected request only by its content",
        why=(
            "Random bytes satisfy the spec's `format: binary` yet are no ZIP archive, so the"
            " documented 400 answers a request that is valid by the schema; a 422 (a missing"
            " `file`) still fails the check there."
        ),
        check="positive_data_acceptance",
        statuses=("400",),
        names=("POST /extensions",),
        versions=("v4",),
    ),
    Defect(
        what="v4's opaque cursors are typed as any string",
        why=(
            "`cursor` must be a value of an earlier page's `nextCursor`; no server can accept"
            " an arbitrary string, and the fake answers an unknown one with the 400 `Malformed"
            " pagination cursor.` the spec documents (FastAPI's 422 for browser downloads)."
        ),
        check="positive_data_acceptance",
        names=(
            "GET /runs",
            "GET /sessions",
            "GET /workspaces/{workspace_id}/files",
            "GET /browsers/{session_id}/downloads",
        ),
        versions=("v4",),
    ),
    Defect(
        what="GET /integrations/categories is also DELETE /integrations/{provider}",
        why=(
            "The path /integrations/categories matches DELETE /integrations/{provider} with"
            " the provider 'categories', so the methods the server allows there include DELETE"
            " (it answers 404 for that provider); the spec lists only GET for the path."
        ),
        check="allow_header_conformance",
        names=("GET /integrations/categories",),
        versions=("v4",),
    ),
)


def defects(version: str = "v2") -> list[Defect]:
    return [defect for defect in DEFECTS if version in defect.versions]


def corrected_spec(version: str = "v2") -> JSON:
    spec = copy.deepcopy(load_spec(version))
    for defect in defects(version):
        if defect.fix is not None:
            defect.fix(spec)
    return spec


def config(version: str = "v2") -> str:
    """Schemathesis's configuration (TOML): every check, less those the defects turn off
    (or widen) for their operations."""
    lines = ["[checks]", "enabled = true", ""]
    for defect in defects(version):
        if defect.check is None:
            continue
        names = ", ".join(json.dumps(name) for name in defect.names)
        lines += [
            f"# {defect.what}",
            "[[operations]]",
            f"include-name = [{names}]",
            f"checks.{defect.check}.expected-statuses = {json.dumps([*ACCEPTED, *defect.statuses])}"
            if defect.statuses
            else f"checks.{defect.check}.enabled = false",
            "",
        ]
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Schemathesis against the fake cloud.")
    parser.add_argument("--api", choices=("v2", "v4"), default="v2", help="the API to check")
    parser.add_argument("--max-time", type=int, default=180, help="time budget (seconds)")
    parser.add_argument("--max-examples", type=int, default=None, help="cases per operation")
    parser.add_argument("--seed", type=int, default=1, help="the random seed (repeatable runs)")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with tempfile.TemporaryDirectory() as folder, FakeBrowserUseCloud() as fake:
        spec_path = Path(folder, f"openapi-{args.api}.json")
        config_path = Path(folder, "config.toml")
        spec_path.write_text(json.dumps(corrected_spec(args.api)), "utf-8")
        config_path.write_text(config(args.api), "utf-8")
        command = [
            str(schemathesis),
            "--config-file",
            str(config_path),
            "run",
            str(spec_path),
            "--url",
            fake.v4_base_url if args.api == "v4" else fake.base_url,
            "--header",
            f"{SECURED}: {fake.api_key}",
            "--phases",
            args.phases,
            "--max-time",
            str(args.max_time),
            "--seed",
            str(args.seed),
            "--workers",
            "1",
            "--request-timeout",
            "10",
        ]
        if args.max_examples is not None:
            command += ["--max-examples", str(args.max_examples)]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
        return subprocess.run(command, check=False, env=env, cwd=folder).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
