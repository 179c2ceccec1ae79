"""Local files and storage transfers live in `_storage`: the resources only build paths and
bodies, so none of them opens, stats, writes or renames anything itself."""

import ast
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parent.parent / "browser_use_async" / "resources"

FILE_SYSTEM_MODULES = {"errno", "io", "shutil", "stat", "tempfile"}
"""Modules only file handling needs."""

FILE_SYSTEM_CALLS = {"open", "to_thread"}
"""Calls that do file I/O, or move blocking work (such as writes) into a thread."""


def _file_handling(source: str) -> list[str]:
    """What in `source` handles files: imports of such modules, `os` used for more than its
    `PathLike` annotation, `pathlib` paths built or read, and `open` or `to_thread` calls."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in FILE_SYSTEM_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module in FILE_SYSTEM_MODULES:
            found.append(node.module)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "os" and node.attr != "PathLike":
                found.append(f"os.{node.attr}")
        elif isinstance(node, ast.Call):
            called = node.func
            name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
            if name in FILE_SYSTEM_CALLS or name == "Path":
                found.append(f"{name}()")
    return found


@pytest.mark.parametrize("module", sorted(p.name for p in RESOURCES.glob("*.py")))
def test_no_resource_handles_files_itself(module: str) -> None:
    assert _file_handling((RESOURCES / module).read_text()) == []


def test_the_check_sees_file_handling() -> None:
    source = (
        "import os, stat\nfrom io import BytesIO\nimport asyncio\n"
        "def f(p: os.PathLike[str]) -> None:\n"
        "    os.replace(p, 'x')\n    open(p)\n    Path(p)\n    asyncio.to_thread(print)\n"
    )
    found = sorted(_file_handling(source))
    assert found == ["Path()", "io", "open()", "os.replace", "stat", "to_thread()"]
