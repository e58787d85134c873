"""Renames through the CLI on the sandbox: a project pinned by id, a certificate by content."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.sandbox import Sandbox
from tests.support.apply import EXAMPLE

PEM = EXAMPLE.parent / "certs" / "corp-mtls-2026.pem"
CONFIG = """\
version: 1
certificates:
  - {{name: {cert}, file: corp.pem, active: true}}
projects:
  - name: {project}{pin}
    certificates: [{cert}]
"""


def _write(tmp_path: Path, *, project: str, cert: str, pin: str = "") -> Path:
    shutil.copy(PEM, tmp_path / "corp.pem")
    config = tmp_path / "org.yaml"
    pinned = f"\n    id: {pin}" if pin else ""
    config.write_text(CONFIG.format(project=project, cert=cert, pin=pinned))
    return config


def _run(command: str, config: Path, state: Path, *extra: str) -> tuple[int, str]:
    args = [command, str(config), "--sandbox", "--sandbox-state", str(state), *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_project_and_certificate_renames_apply_then_plan_is_empty(tmp_path: Path) -> None:
    """Renaming a project through its `id:` pin and a certificate (same PEM, new name) keeps
    both ids, and the plan after the apply is empty."""
    state = tmp_path / "sb.json"
    config = _write(tmp_path, project="rename-me", cert="cert-old")
    assert _run("apply", config, state, "--auto-approve")[0] == 0
    box = Sandbox.load(state)
    pid = next(p["id"] for p in box.state.projects.values() if p["name"] == "rename-me")
    (cid,) = [c["id"] for c in box.state.certificates.values() if c["name"] == "cert-old"]
    config = _write(tmp_path, project="renamed", cert="cert-new", pin=pid)
    code, out = _run("apply", config, state, "--auto-approve")
    assert code == 0, out
    assert "0 failed" in out
    box = Sandbox.load(state)
    assert box.state.projects[pid]["name"] == "renamed"
    assert [(c["id"], c["name"]) for c in box.state.certificates.values()] == [(cid, "cert-new")]
    code, out = _run("plan", config, state, "--detailed-exitcode")
    assert code == 0, out
