"""The sdist and the wheel as built (with the dev group's build and hatchling, offline), and
the wheel as installed in a fresh virtual environment: its entry points and its plugin."""

import email
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from browser_use_async import __version__

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.packaging


def _run(*command: str | Path, cwd: Path, timeout: float = 60) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, and the wheel built from it, as `python -m build` makes them."""
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT, cwd=out)
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    [path] = dist.glob("browser_use_async-*.whl")
    return path


def test_the_wheel_holds_the_package_and_its_metadata(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    info = f"browser_use_async-{__version__}.dist-info"
    for needed in (
        "browser_use_async/py.typed",
        "browser_use_async/testing/openapi-v2.json",
        "browser_use_async/testing/pytest_plugin.py",
        f"{info}/licenses/LICENSE",
    ):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "spec/", "scripts/"))]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    entry_points = zipfile.ZipFile(wheel).read(f"{info}/entry_points.txt").decode()
    assert "[pytest11]\nbrowser_use_async = browser_use_async.testing.pytest_plugin" in (
        entry_points
    )
    assert "browser-use-async = browser_use_async.cli:main" in entry_points
    metadata = email.message_from_bytes(zipfile.ZipFile(wheel).read(f"{info}/METADATA"))
    urls = metadata.get_all("Project-URL") or []
    assert urls == [
        "Browser Use Cloud API docs, https://docs.browser-use.com",
        "Browser Use Cloud, https://cloud.browser-use.com",
    ]
    assert metadata["License-Expression"] == "MIT"


def test_the_sdist_holds_what_its_tests_read(dist: Path) -> None:
    [sdist] = dist.glob("browser_use_async-*.tar.gz")
    top = f"browser_use_async-{__version__}/"
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(top) for name in archive.getnames()}
    for needed in (
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "pyproject.toml",
        "Makefile",
        "spec/openapi-v2.json",
        "spec/openapi-v2.upstream.json",
        "spec/amendments-v2.json",
        "spec/webhook-signatures.json",
        "examples/demo.py",
        "examples/seed.json",
        "scripts/generate_sync.py",
        "benchmarks/report.py",
        "tests/conftest.py",
        "tests/test_packaging.py",
        "browser_use_async/testing/openapi-v2.json",
    ):
        assert needed in names, needed
    # Every file the tests can read from the repository is there (nothing generated).
    tracked = _run("git", "ls-files", "spec", "tests", "examples", "scripts", cwd=ROOT)
    assert set(tracked.split()) <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv with the wheel installed; the dependencies (pytest, aiohttp, ...) come
    from this environment's site-packages, after the venv's own, so nothing is fetched."""
    home = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", home, cwd=home)
    python = home / "bin" / "python"
    purelib = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=home
        ).strip()
    )
    ours = [p for p in sys.path if p.endswith("site-packages")]
    (purelib / "zz_dev_dependencies.pth").write_text("\n".join(ours) + "\n")
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=home)
    return home


def test_the_installed_wheel_imports_and_runs_its_command(venv: Path) -> None:
    found = _run(
        venv / "bin" / "python", "-c", "import browser_use_async as b; print(b.__file__)", cwd=venv
    )
    assert found.startswith(str(venv)), found  # the wheel, not this checkout
    version = _run(venv / "bin" / "browser-use-async", "--version", cwd=venv)
    assert __version__ in version


def test_the_installed_plugin_serves_a_tiny_project(venv: Path, tmp_path: Path) -> None:
    (tmp_path / "test_tiny.py").write_text(
        textwrap.dedent(
            """
            import asyncio

            from browser_use_async import AsyncBrowserUse, BrowserUse

            def test_sync(browser_use_fake):
                with BrowserUse(api_key=browser_use_fake.api_key,
                                base_url=browser_use_fake.base_url) as client:
                    assert client.billing.account().total_credits_balance_usd >= 0

            def test_async(browser_use_fake):
                async def main():
                    async with AsyncBrowserUse(api_key=browser_use_fake.api_key,
                                               base_url=browser_use_fake.base_url) as client:
                        return await client.tasks.list()
                assert asyncio.run(main()).items == []
                assert len(browser_use_fake.requests) == 1
            """
        )
    )
    out = _run(
        venv / "bin" / "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "error",
        "-p",
        "no:asyncio",
        "-p",
        "no:anyio",
        "-p",
        "no:schemathesis",
        "-p",
        "no:hypothesispytest",
        cwd=tmp_path,
    )
    assert "2 passed" in out
