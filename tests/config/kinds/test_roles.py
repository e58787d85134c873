"""The `roles:` key of the file: located errors for what cannot be right, and config → model →
data → model as the identity."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main
from reconciler.config import config_from_dict, desired_to_config_dict, load_config
from reconciler.core.kinds.roles import Role
from reconciler.errors import ConfigError

USERS = "users:\n  - {email: ann@x.com, role: reader}\n"


def _validate(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "org.yaml"
    path.write_text("version: 1\n" + text)
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "roles:\n  - {name: ops, colour: red}\n",
            "org.yaml:3:17: roles[0].colour: unknown key 'colour'",
        ),
        (
            "roles:\n  - {name: ops, permissions: api.usage.read}\n",
            "org.yaml:3:17: roles[0].permissions: Input should be a valid list",
        ),
        (
            "roles:\n  - name: ops\n  - name: Ops\n",
            "org.yaml:4:5: roles[1].name: role 'Ops' is declared twice (also roles[0]; "
            "names compare ignoring case)",
        ),
        (
            "roles:\n  - {name: ' ops'}\n",
            "org.yaml:3:6: roles[0].name: ' ops' starts or ends with whitespace, which the API "
            "trims",
        ),
        (
            "roles:\n  - {name: owner, permissions: [x]}\n",
            "org.yaml:3:19: roles[0].permissions: owner is predefined by OpenAI (owner, reader): "
            "the file cannot set its permissions",
        ),
        (
            USERS + "roles:\n  - name: ops\n    users: [ann@x.com, zed@x.com]\n",
            "org.yaml:6:24: roles[0].users[1]: 'zed@x.com' holds role ops but is not declared "
            "in users",
        ),
    ],
)
def test_located_errors(tmp_path: Path, text: str, expected: str) -> None:
    """Each mistake is one line naming the file, line, column, path and why; no traceback."""
    code, out = _validate(tmp_path, text)
    assert code == 1, out
    assert expected in out
    assert "Traceback" not in out


def test_a_valid_file_passes(tmp_path: Path) -> None:
    """Declared holders, a predefined role named alone and a role without users are valid."""
    text = USERS + "roles:\n  - {name: ops, permissions: [a], users: [ANN@x.com]}\n"
    code, out = _validate(tmp_path, text + "  - {name: reader}\n  - {name: audit}\n")
    assert code == 0, out


def test_round_trip_through_the_model() -> None:
    """config → model → data → model is the identity; left-out fields stay left out."""
    data = {
        "version": 1,
        "roles": [
            {"name": "ops", "description": "Ops", "permissions": ["b", "a"], "users": ["A@x.com"]},
            {"name": "audit"},
        ],
    }
    desired = config_from_dict(data, base_dir=Path()).desired
    assert desired.org.parts["roles"] == {
        "ops": Role("ops", "Ops", frozenset({"a", "b"}), frozenset({"a@x.com"})),
        "audit": Role("audit"),
    }
    written = desired_to_config_dict(desired)
    assert written["roles"][1] == {
        "name": "ops",
        "description": "Ops",
        "permissions": ["a", "b"],
        "users": ["a@x.com"],
    }
    again = config_from_dict(written, base_dir=Path()).desired
    assert again == desired


def test_a_directory_joins_roles_and_names_a_repeat(tmp_path: Path) -> None:
    """Fragments' `roles:` lists join into one; a role declared in two files is one located
    error naming both."""
    root = tmp_path / "org"
    root.mkdir()
    (root / "a.yaml").write_text("version: 1\nroles:\n  - {name: ops, permissions: [a]}\n")
    (root / "b.yaml").write_text("roles:\n  - {name: audit}\n")
    assert set(load_config(root).desired.org.parts["roles"]) == {"ops", "audit"}  # type: ignore[call-overload]
    (root / "c.yaml").write_text("roles:\n  - {name: ops}\n")
    with pytest.raises(ConfigError) as info:
        load_config(root)
    (problem,) = info.value.problems
    assert str(problem).endswith(
        f"org/c.yaml:2:6: roles[0].name: role 'ops' is also declared at {root}/a.yaml:3:6"
    )
