"""The pre-commit hook works as users run it: `pre-commit try-repo` installs reconciler into the
hook's own environment (`language: python`) and runs `reconciler validate` on the files.

Offline: pip gets no index (PIP_NO_INDEX) and no build isolation, and finds the build backend
and the runtime dependencies already installed through PYTHONPATH (this venv's site-packages).
"""

from __future__ import annotations

import os
import re
import shutil
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


def test_try_repo_passes_on_the_example_and_fails_on_a_bad_config(tmp_path: Path) -> None:
    """`pre-commit try-repo . reconciler-validate --files examples/org.yaml` passes; in another
    repository, a config with a problem fails the hook, which names the file and line."""
    good = _try_repo(ROOT, tmp_path, "examples/org.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "reconciler validate" in good.stdout
    assert "Passed" in good.stdout
    other = tmp_path / "other"
    (other / "team").mkdir(parents=True)
    shutil.copytree(ROOT / "examples" / "certs", other / "certs")
    shutil.copy(ROOT / "examples" / "org.yaml", other / "org.yaml")
    (other / "team" / "org.yaml").write_text("version: 1\nprojects:\n  - name: x\n    rol: y\n")
    subprocess.run(["git", "init", "-q", str(other)], check=True)
    bad = _try_repo(other, tmp_path, "org.yaml", "team/org.yaml")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout
    assert "ok: org.yaml: " in bad.stdout
    assert "team/org.yaml:4:5: projects[0].rol: unknown key 'rol'" in bad.stdout
    assert "error: 1 problem found in team/org.yaml" in bad.stdout
