"""`reconciler export --split DIR`: the live organization as a config directory that plans empty."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main


def _run(*args: str, state: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, [*args, "--sandbox", "--sandbox-state", str(state)], env={"OPENAI_ADMIN_KEY": ""}
    )
    return result.exit_code, result.stdout, result.stderr


def test_demo_exports_to_a_directory_that_plans_empty(tmp_path: Path) -> None:
    """The demo organization exports to organization.yaml plus a file per project; planning
    the directory shows no changes."""
    state, root = tmp_path / "state.json", tmp_path / "org"
    code, _, err = _run("export", "--split", str(root), state=state)
    assert code == 0, err
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    assert files[0] == "organization.yaml"
    assert "projects/search-prod.yaml" in files
    assert "projects:" not in (root / "organization.yaml").read_text()
    code, out, err = _run("plan", str(root), "--detailed-exitcode", state=state)
    assert code == 0, out + err


def test_existing_fragments_need_force_and_stale_ones_go(tmp_path: Path) -> None:
    """A directory holding config files is refused without --force; with it, a file the export
    no longer writes is removed (it would declare a project that is gone)."""
    state, root = tmp_path / "state.json", tmp_path / "org"
    stale = root / "projects" / "gone.yaml"
    stale.parent.mkdir(parents=True)
    stale.write_text("projects:\n  - name: gone\n")
    (root / "README.md").write_text("kept\n")
    code, _, err = _run("export", "--split", str(root), state=state)
    assert code == 1
    assert "already holds config files; pass --force" in err
    code, _, err = _run("export", "--split", str(root), "--force", state=state)
    assert code == 0, err
    assert not stale.exists()
    assert (root / "README.md").read_text() == "kept\n"
    code, out, err = _run("plan", str(root), "--detailed-exitcode", state=state)
    assert code == 0, out + err
