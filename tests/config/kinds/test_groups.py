"""The `groups:` key of the file: located errors for duplicate names, members declared twice or
not declared as users, a warning for a padded name, the schema editors see, config → model →
data → model as the identity, and a group list split across a config directory."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.config import config_from_dict, desired_to_config_dict, json_schema
from reconciler.core.kinds.groups import Group

USERS = "users:\n  - {email: alice@example.com, role: owner}\n"


def _validate(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "org.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result.exit_code, result.output


def test_a_duplicate_group_name_is_located_at_its_repeat(tmp_path: Path) -> None:
    """The second declaration of a name is an error at its line, naming the first."""
    text = "version: 1\ngroups:\n  - name: ml\n  - name: ops\n  - name: ml\n"
    code, out = _validate(tmp_path, text)
    assert code == 1, out
    assert "org.yaml:5:5: groups[2].name: duplicate group name 'ml' (first on line 3)" in out


def test_a_member_not_declared_in_users_is_located(tmp_path: Path) -> None:
    """When `users:` is declared, a member who is not there is an error at its item; one
    listed twice is too."""
    text = (
        f"version: 1\n{USERS}groups:\n  - name: ml\n"
        "    members: [alice@example.com, bob@example.com, Alice@example.com]\n"
    )
    code, out = _validate(tmp_path, text)
    assert code == 1, out
    assert "groups[0].members[1]: 'bob@example.com' is not declared in users" in out
    assert "groups[0].members[2]: 'Alice@example.com' is listed twice" in out
    assert "Traceback" not in out


def test_members_are_not_checked_against_users_the_file_does_not_manage(tmp_path: Path) -> None:
    """Without `users:` a member is checked at plan time, not by validate."""
    code, out = _validate(tmp_path, "version: 1\ngroups:\n  - {name: ml, members: [b@x.com]}\n")
    assert code == 0, out


def test_a_padded_name_is_a_warning_and_a_blank_one_an_error(tmp_path: Path) -> None:
    """A name with surrounding spaces is allowed with a warning; an empty one is refused."""
    code, out = _validate(tmp_path, "version: 1\ngroups:\n  - name: ' ml'\n")
    assert code == 0, out
    assert "groups[0].name: ' ml' starts or ends with whitespace" in out
    code, out = _validate(tmp_path, "version: 1\ngroups:\n  - name: ''\n")
    assert code == 1
    assert "org.yaml:3:5" in out


def test_an_unknown_key_in_a_group_is_a_located_error(tmp_path: Path) -> None:
    """A group takes name, members and roles only (`scim` is live state, not the file's)."""
    code, out = _validate(tmp_path, "version: 1\ngroups:\n  - name: ml\n    scim: true\n")
    assert code == 1
    assert "org.yaml:4:5" in out


def test_the_schema_describes_groups() -> None:
    """Editors see a list of groups with name, members and roles."""
    schema = json_schema()
    group = schema["$defs"]["GroupConfig"]
    assert set(group["properties"]) == {"name", "members", "roles"}
    assert group["required"] == ["name"]
    assert "groups" in schema["properties"]


def test_round_trip_through_the_model() -> None:
    """config → model → data → model is the identity; left-out members or roles stay out."""
    data = {
        "version": 1,
        "groups": [
            {"name": "ml", "members": ["B@x.com", "a@x.com"], "roles": ["owner"]},
            {"name": "fin", "roles": ["reader"]},
        ],
    }
    desired = config_from_dict(data, base_dir=Path()).desired
    assert desired.org.parts == {
        "groups": {
            "ml": Group(frozenset({"a@x.com", "b@x.com"}), frozenset({"owner"})),
            "fin": Group(None, frozenset({"reader"})),
        }
    }
    written = desired_to_config_dict(desired)
    assert written["groups"][0] == {"name": "fin", "roles": ["reader"]}
    assert config_from_dict(written, base_dir=Path()).desired == desired


def test_a_config_directory_may_split_groups_across_files(tmp_path: Path) -> None:
    """Fragments each declare some groups; a name declared in two fragments is an error."""
    (tmp_path / "a.yaml").write_text("version: 1\ngroups:\n  - name: ml\n")
    (tmp_path / "b.yaml").write_text("groups:\n  - name: ops\n")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (tmp_path / "c.yaml").write_text("groups:\n  - name: ml\n")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "group 'ml' is also declared at" in result.output
