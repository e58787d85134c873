"""A release is what a user installs: one version, a changelog entry for it, a wheel that works.

The wheel test builds and installs offline: no build isolation (the venv has the backend that
[build-system] names), `--no-index`, and the fresh venv reaches the runtime dependencies through
a .pth file pointing at this venv's site-packages.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib.metadata import version
from pathlib import Path

from click.testing import CliRunner

import reconciler
from reconciler.cli import main

ROOT = Path(__file__).resolve().parents[1]
DIST = "openai-org-reconciler"


def test_version_comes_from_one_place() -> None:
    """pyproject reads the version from reconciler.__version__, and --version prints it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "reconciler.__version__"
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"reconciler, version {reconciler.__version__}\n"
    assert version(DIST) == reconciler.__version__


def test_changelog_has_an_entry_for_this_version() -> None:
    """CHANGELOG.md keeps an Unreleased section and one for the version being released."""
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in text
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert headings[0] == "Unreleased"
    assert reconciler.__version__ in headings
    assert re.search(rf"^## \[{re.escape(reconciler.__version__)}\] - \d{{4}}-\d\d-\d\d$",
                     text, flags=re.M)  # fmt: skip


def _run(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    return done.stdout


def test_wheel_installs_into_a_fresh_venv_and_runs(tmp_path: Path) -> None:
    """The wheel built from the tree carries the package data, installs into a fresh venv, and
    its `reconciler` prints the version and validates the example, importing itself from there."""
    source = tmp_path / "src"  # build a copy: an in-tree build would leave build/ behind
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "reconciler", source / "reconciler", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = tmp_path / "dist"
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", dist, source)
    [wheel] = dist.glob("*.whl")
    assert wheel.name.startswith(f"openai_org_reconciler-{reconciler.__version__}-py3-none-any")
    names = zipfile.ZipFile(wheel).namelist()
    for packaged in (
        "reconciler/py.typed",
        "reconciler/sandbox/data/demo.yaml",
        "reconciler/cli/group.py",
    ):
        assert any(name.startswith(packaged) for name in names), packaged
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel)
    fresh = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
                 .strip())  # fmt: skip
    (fresh / "runtime-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = _run(python, "-c", "import reconciler; print(reconciler.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(fresh)
    cli = venv / "bin" / "reconciler"
    assert _run(cli, "--version") == f"reconciler, version {reconciler.__version__}\n"
    out = _run(cli, "validate", "examples/org.yaml", cwd=ROOT)
    assert out.startswith("ok: examples/org.yaml: ")
