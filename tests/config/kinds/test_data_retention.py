"""The data-retention keys of the file: which modes each scope takes, located errors for any
other, and config → model → data → model as the identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.config import config_from_dict, desired_to_config_dict, json_schema


def _validate(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "org.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("version: 1\norganization:\n  data_retention: forever\n", "org.yaml:3:3"),
        # A project's own modes are not the organization's.
        ("version: 1\norganization:\n  data_retention: none\n", "org.yaml:3:3"),
        ("version: 1\nprojects:\n  - name: web\n    data_retention: 30_days\n", "org.yaml:4:5"),
        ("version: 1\nprojects:\n  - name: web\n    data_retention: [none]\n", "org.yaml:4:5"),
    ],
)
def test_an_unknown_mode_is_a_located_error(tmp_path: Path, text: str, where: str) -> None:
    """A mode the scope does not take is an error at its line and column, naming the key."""
    code, out = _validate(tmp_path, text)
    assert code == 1, out
    assert where in out
    assert "data_retention" in out
    assert "Traceback" not in out


def test_an_archived_project_has_no_mode(tmp_path: Path) -> None:
    """Like any collection, a mode on an archived project is refused at its line."""
    text = "version: 1\nprojects:\n  - name: web\n    archived: true\n    data_retention: none\n"
    code, out = _validate(tmp_path, text)
    assert code == 1
    assert "org.yaml:5:5: projects[0].data_retention: an archived project has none" in out


def test_the_schema_lists_each_scopes_modes() -> None:
    """Editors see the organization's four modes and a project's six."""
    defs = json_schema()["$defs"]
    org = defs["OrganizationConfig"]["properties"]["data_retention"]["anyOf"][0]["enum"]
    project = defs["ProjectConfig"]["properties"]["data_retention"]["anyOf"][0]["enum"]
    assert "none" not in org
    assert len(org) == 4
    assert set(project) == {"organization_default", "none", *org}


def test_round_trip_through_the_model() -> None:
    """config → model → data → model is the identity, and a left-out mode stays left out."""
    data = {
        "version": 1,
        "organization": {"data_retention": "zero_data_retention"},
        "projects": [{"name": "web", "data_retention": "none"}, {"name": "api"}],
    }
    desired = config_from_dict(data, base_dir=Path()).desired
    assert desired.org.parts == {"data_retention": "zero_data_retention"}
    assert desired.org.projects["web"].parts == {"data_retention": "none"}
    assert desired.org.projects["api"].parts == {}
    again = config_from_dict(desired_to_config_dict(desired), base_dir=Path()).desired
    assert again == desired
