"""The pre-commit hook works as users run it: `pre-commit try-repo` installs reconciler into the
hook's own environment (`language: python`) and runs `reconciler validate` on the files.

Offline: pip gets no index (PIP_NO_INDEX) and no build isolation, and finds the build backend
and the runtime dependencies already installed through PYTHONPATH (this venv's site-packages).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

from pre_commit.clientlib import load_manifest

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def _try_repo(cwd: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """`pre-commit try-repo ROOT reconciler-validate --files FILES` in `cwd`, offline."""
    env = {
        "PATH": os.environ.get("PATH", ""),  # git; reconciler comes from the hook's environment
        "HOME": str(home),
        "PRE_COMMIT_HOME": str(home / "pre-commit"),
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip reads "0" here as: do not isolate the build
        "PYTHONPATH": sysconfig.get_paths()["purelib"],
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "reconciler-validate"]
    return subprocess.run(
        [*command, "--files", *files],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )


def test_manifest_is_valid_and_runs_reconciler_validate_on_org_yaml() -> None:
    """The manifest passes pre-commit's own schema; the hook runs `reconciler validate` on
    files named org.yaml (or .yml) in any directory, installed as a python hook."""
    [hook] = load_manifest(str(MANIFEST))
    assert hook["id"] == "reconciler-validate"
    assert hook["entry"] == "reconciler validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    for name in ("org.yaml", "examples/org.yaml", "a/b/org.yml"):
        assert re.search(hook["files"], name), name
    assert not re.search(hook["files"], "notorg.yaml")


def test_try_repo_passes_on_the_example(tmp_path: Path) -> None:
    """`pre-commit try-repo . reconciler-validate --files examples/org.yaml` installs the hook
    and passes (a config with problems fails `reconciler validate`: tests/cli/test_validate.py)."""
    done = _try_repo(ROOT, tmp_path, "examples/org.yaml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"^reconciler validate\.+Passed$", done.stdout, flags=re.M), done.stdout
