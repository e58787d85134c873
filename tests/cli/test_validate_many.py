"""`reconciler validate CONFIG...`: several files, as pre-commit passes them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_each_file_is_reported_and_any_problem_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A good and a bad config: the good one's summary, the bad one's problems, exit 1."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(EXAMPLES / "certs", tmp_path / "certs")
    shutil.copy(EXAMPLES / "org.yaml", tmp_path / "org.yaml")
    (tmp_path / "team").mkdir()
    Path("team/org.yaml").write_text("version: 1\nprojects:\n  - name: x\n    rol: y\n")
    result = CliRunner().invoke(main, ["validate", "team/org.yaml", "org.yaml"])
    assert result.exit_code == 1
    assert result.stdout.startswith("ok: org.yaml: ")
    assert result.stderr.splitlines()[0].startswith(
        "team/org.yaml:4:5: projects[0].rol: unknown key 'rol'"
    )
    assert result.stderr.splitlines()[-1] == "error: 1 problem found in team/org.yaml"
    both_good = CliRunner().invoke(main, ["validate", "org.yaml", "org.yaml"])
    assert both_good.exit_code == 0
    assert both_good.stdout.count("ok: org.yaml: ") == 2


def test_no_file_is_a_usage_error() -> None:
    """`reconciler validate` with no file exits 1 naming the missing argument."""
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert "Missing argument 'CONFIG...'" in result.stderr
