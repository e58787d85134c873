"""A project's `groups:` in the file: group name → owner or member, located errors for anything
else, and config → model → data → model as the identity."""

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


def test_a_valid_projects_groups_validate(tmp_path: Path) -> None:
    """Owner and member, SCIM groups or not, are accepted."""
    text = (
        "version: 1\nprojects:\n  - name: web\n    groups: {ml-platform: owner, finance: member}\n"
    )
    code, out = _validate(tmp_path, text)
    assert code == 0, out


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("version: 1\nprojects:\n  - name: web\n    groups: {ml-platform: admin}\n", "org.yaml:4:"),
        ("version: 1\nprojects:\n  - name: web\n    groups: [ml-platform]\n", "org.yaml:4:5"),
        ("version: 1\nprojects:\n  - name: web\n    groups:\n      ml: [member]\n", "org.yaml:5:"),
    ],
)
def test_an_unknown_role_is_a_located_error(tmp_path: Path, text: str, where: str) -> None:
    """A role other than owner or member, or a value that is no mapping, is an error at its
    line, naming the key."""
    code, out = _validate(tmp_path, text)
    assert code == 1, out
    assert where in out
    assert "groups" in out
    assert "Traceback" not in out


def test_a_group_named_twice_is_a_located_error(tmp_path: Path) -> None:
    """The same group twice in one project is refused with both lines."""
    text = "version: 1\nprojects:\n  - name: web\n    groups:\n      ml: owner\n      ml: member\n"
    code, out = _validate(tmp_path, text)
    assert code == 1, out
    assert "org.yaml:6:7" in out
    assert "duplicate key 'ml' (first defined on line 5)" in out


def test_an_archived_project_has_no_groups(tmp_path: Path) -> None:
    """Like any collection, groups on an archived project are refused at their line."""
    text = "version: 1\nprojects:\n  - name: web\n    archived: true\n    groups: {ml: member}\n"
    code, out = _validate(tmp_path, text)
    assert code == 1
    assert "org.yaml:5:5: projects[0].groups: an archived project has none" in out


def test_the_schema_offers_the_project_roles() -> None:
    """Editors see a mapping of group names to owner or member."""
    prop = json_schema()["$defs"]["ProjectConfig"]["properties"]["groups"]["anyOf"][0]
    assert prop["type"] == "object"
    assert set(prop["additionalProperties"]["enum"]) == {"owner", "member"}


def test_round_trip_through_the_model() -> None:
    """config → model → data → model is the identity; `{}` is kept (authoritative: no group)
    and a left-out `groups:` stays left out."""
    data = {
        "version": 1,
        "projects": [
            {"name": "web", "groups": {"ml-platform": "owner"}},
            {"name": "api", "groups": {}},
            {"name": "ops"},
        ],
    }
    desired = config_from_dict(data, base_dir=Path()).desired
    assert desired.org.projects["web"].parts == {"groups": {"ml-platform": "owner"}}
    assert desired.org.projects["api"].parts == {"groups": {}}
    assert desired.org.projects["ops"].parts == {}
    again = config_from_dict(desired_to_config_dict(desired), base_dir=Path()).desired
    assert again == desired
