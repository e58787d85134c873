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


def test_split_by_a_label_groups_projects_by_team_and_plans_empty(tmp_path: Path) -> None:
    """`--split-by team --labels-from CONFIG`: one file per team value holding its projects
    (labels and budgets kept from CONFIG), the unlabelled ones one file each; the directory
    plans empty and keeps the labels, so `report usage --by team` reads the same teams."""
    state, root = tmp_path / "state.json", tmp_path / "org"
    labels = tmp_path / "labels.yaml"
    labels.write_text(
        "version: 1\nbudget: {usd_per_month: 900}\nprojects:\n"
        "  - {name: search-prod, labels: {team: search}, budget: {usd_per_month: 500}}\n"
        "  - {name: search-staging, labels: {team: search}}\n"
        "  - {name: research, labels: {team: science}}\n"
        "  - {name: not-live, labels: {team: ghost}}\n"
    )
    args = ["export", "--split", str(root), "--split-by", "team", "--labels-from", str(labels)]
    code, _, err = _run(*args, state=state)
    assert code == 0, err
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))
    assert "team/search.yaml" in files
    assert "team/science.yaml" in files
    assert "team/ghost.yaml" not in files
    assert "projects/data-platform.yaml" in files
    assert not any(f.startswith("projects/search") for f in files)
    search = (root / "team" / "search.yaml").read_text()
    assert "name: search-prod" in search
    assert "name: search-staging" in search
    assert "labels: {team: search}" in search
    assert "budget: {usd_per_month: 500.0}" in search
    assert "budget: {usd_per_month: 900.0}" in (root / "organization.yaml").read_text()
    code, out, err = _run("plan", str(root), "--detailed-exitcode", state=state)
    assert code == 0, out + err
    validated = CliRunner().invoke(main, ["validate", str(root)])
    assert validated.exit_code == 0, validated.output


def test_split_by_needs_the_labels_config(tmp_path: Path) -> None:
    """Labels live only in the config: `--split-by` without `--labels-from` (or without
    `--split`) is a one-line usage error, and nothing is written."""
    state, root = tmp_path / "state.json", tmp_path / "org"
    code, _, err = _run("export", "--split", str(root), "--split-by", "team", state=state)
    assert code == 1
    assert "--split-by needs --split DIR and --labels-from CONFIG" in err
    assert len(err.strip().splitlines()) == 1
    assert not root.exists()
