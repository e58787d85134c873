"""`reconciler validate` and `reconciler schema` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.cli import main
from reconciler.config import json_schema
from tests.support.examples import examples

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "org.yaml"


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_example_is_valid() -> None:
    """The example organization validates with exit 0 and a one-line summary."""
    result = _run("validate", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"ok: {EXAMPLE}: 12 users, 6 projects, 1 certificate\n"


def test_problems_go_to_stderr_with_a_count(tmp_path: Path) -> None:
    """An invalid file prints every problem on stderr, then a count, and exits 1."""
    path = tmp_path / "org.yaml"
    path.write_text("version: 1\nusers:\n  - {email: a@x.com, role: boss}\nzzz: 1\n")
    result = _run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{path}:3:22: users[0].role: Input should be 'owner' or 'reader', got 'boss'",
        f"{path}:4:1: zzz: unknown key 'zzz'; expected one of: version, settings, organization, "
        "users, certificates, rate_limit_profiles, projects, budget, roles, groups",
        f"error: 2 problems found in {path}",
    ]


def test_warnings_keep_exit_zero(tmp_path: Path) -> None:
    """Warnings are shown on stderr and the exit code stays 0."""
    path = tmp_path / "org.yaml"
    path.write_text("version: 1\nsettings: {safety: {min_owners: 1}}\nusers: []\n")
    result = _run("validate", str(path))
    assert result.exit_code == 0
    assert "warning: users: declares 0 owner(s)" in result.stderr
    assert result.stdout.startswith(f"ok: {path}: 0 users, 0 projects, 1 warning")


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    """A missing file is a one-line message and exit 1, never a traceback."""
    result = _run("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'nope.yaml'}: no such file"


def test_schema_prints_the_json_schema() -> None:
    """`reconciler schema` prints the schema as JSON (indent 2, sorted keys, final newline)."""
    result = _run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schema()
    assert result.stdout.endswith("}\n")
    assert result.stdout == (ROOT / "reconciler.schema.json").read_text(encoding="utf-8")


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.sampled_from(["version", "users", "projects", "owner", "a@example.com", "members", 1]),
)
keys = st.one_of(
    st.sampled_from(
        [
            "version",
            "settings",
            "users",
            "projects",
            "name",
            "members",
            "email",
            "role",
            "certificates",
            "rate_limits",
            "rate_limit_profile",
            "archived",
            "file",
            "pem",
        ]
    ),
    st.text(max_size=8),
    st.integers(),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)


def _assert_clean(path: Path) -> None:
    result = _run("validate", str(path))
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    if result.exit_code == 1:
        assert result.stderr.strip()


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(document=documents, with_version=st.booleans())
def test_random_yaml_never_crashes(tmp_path: Path, document: Any, with_version: bool) -> None:
    """Any YAML document gets exit 0 or 1 with a message, never a traceback."""
    if with_version and isinstance(document, dict):
        document = {"version": 1, **document}
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    _assert_clean(path)


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(raw=st.binary(max_size=200))
def test_random_bytes_never_crash(tmp_path: Path, raw: bytes) -> None:
    """Any bytes at all get exit 0 or 1 with a message, never a traceback."""
    path = tmp_path / "org.yaml"
    path.write_bytes(raw)
    _assert_clean(path)


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(alphabet="version:1\n -[]{}&*<>!|'\"#,?@`%abc", max_size=80))
def test_random_yaml_syntax_never_crashes(tmp_path: Path, text: str) -> None:
    """Text built from YAML's special characters gets exit 0 or 1 with a message."""
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    _assert_clean(path)
