"""`reconciler validate` on values that look right but are not: the version, names, the reserved
pending suffix, and where merged values and profile entries are reported."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler.cli import main
from tests.support import make_pem


def _validate(tmp_path: Path, text: str) -> tuple[int, list[str], Path]:
    """Write org.yaml, run `reconciler validate` on it: exit code, stderr lines, the path."""
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    return result.exit_code, result.stderr.splitlines(), path


def _one_problem(tmp_path: Path, text: str) -> str:
    """The single problem line `validate` prints for `text`, without the file name."""
    code, lines, path = _validate(tmp_path, text)
    assert code == 1, lines
    assert lines[1:] == [f"error: 1 problem found in {path}"], lines
    return lines[0].removeprefix(f"{path}:")


def test_merged_value_is_located_at_the_merge_key(tmp_path: Path) -> None:
    """A bad value brought in by `<<: *anchor` is reported at the `<<`, naming the anchor's line."""
    found = _one_problem(
        tmp_path,
        "version: 1\n"
        "x-bad: &bad {max_requests_per_1_minute: 0}\n"
        "projects:\n"
        "  - name: a\n"
        "    rate_limits:\n"
        "      gpt-4o: {<<: *bad}\n",
    )
    assert found == (
        "6:16: projects[0].rate_limits.gpt-4o.max_requests_per_1_minute: "
        "Input should be greater than 0 (merged from line 2)"
    )


def test_key_written_beside_a_merge_key_is_located_where_it_is_written(tmp_path: Path) -> None:
    """A key written next to `<<` overrides the merged one and is reported at its own line,
    not at the anchor's key it overrides; the first of several sources wins, as in YAML."""
    found = _one_problem(
        tmp_path,
        "version: 1\n"
        "x-std: &std {max_requests_per_1_minute: 5, max_tokens_per_1_minute: 7}\n"
        "x-bad: &bad {max_tokens_per_1_minute: 0}\n"
        "projects:\n"
        "  - name: a\n"
        "    rate_limits:\n"
        "      gpt-4o:\n"
        "        <<: [*std, *bad]\n"
        "        max_requests_per_1_minute: 0\n",
    )
    assert found == (
        "9:9: projects[0].rate_limits.gpt-4o.max_requests_per_1_minute: "
        "Input should be greater than 0"
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("'1'", "must be the integer 1, got the string '1'; write `version: 1`"),
        ("true", "must be the integer 1, got the boolean true; write `version: 1`"),
        ("1.0", "must be the integer 1, got the decimal number 1.0; write `version: 1`"),
        ("", "must be the integer 1, got no value; write `version: 1`"),
        ("2", "unsupported version 2; this reconciler reads version 1"),
    ],
)
def test_only_the_integer_1_is_a_version(tmp_path: Path, written: str, message: str) -> None:
    """`version` accepts the integer 1 alone, and a refusal says what was written instead."""
    assert _one_problem(tmp_path, f"version: {written}\n") == f"1:1: version: {message}"


# Where each kind of name is written: the YAML (V stands for the name as a JSON string, P for a
# PEM), the line:column and path of a problem with it (a key path ends in [], where the quoted
# name goes), a good name, and whether it declares a name (or is an email, or a reference).
NAME_FIELDS = {
    "project": ("projects:\n  - name: V\n", "3:5: projects[0].name", "a", "declares"),
    "service account": (
        "projects:\n  - name: p\n    service_accounts:\n      - name: V\n",
        "5:9: projects[0].service_accounts[0].name",
        "ci",
        "declares",
    ),
    "certificate": (
        "certificates:\n  - name: V\n    pem: P\n",
        "3:5: certificates[0].name",
        "c",
        "declares",
    ),
    "profile": (
        "rate_limit_profiles:\n  V: {gpt-4o: {max_requests_per_1_minute: 1}}\n",
        "3:3: rate_limit_profiles[]",
        "std",
        "declares",
    ),
    "profile model": (
        "rate_limit_profiles:\n  std: {V: {max_requests_per_1_minute: 1}}\n",
        "3:9: rate_limit_profiles.std[]",
        "gpt-4o",
        "declares",
    ),
    "project model": (
        "projects:\n  - name: p\n    rate_limits:\n      V: {max_requests_per_1_minute: 1}\n",
        "5:7: projects[0].rate_limits[]",
        "gpt-4o",
        "declares",
    ),
    "project's profile": (
        "projects:\n  - name: p\n    rate_limit_profile: V\n",
        "4:5: projects[0].rate_limit_profile",
        "std",
        "refers",
    ),
    "project's certificate": (
        "projects:\n  - name: p\n    certificates: [V]\n",
        "4:20: projects[0].certificates[0]",
        "c",
        "refers",
    ),
    "user email": (
        "users:\n  - email: V\n    role: owner\n",
        "3:5: users[0].email",
        "a@x.com",
        "email",
    ),
    "member email": (
        "projects:\n  - name: p\n    members:\n      V: owner\n",
        "5:7: projects[0].members[]",
        "a@x.com",
        "email",
    ),
    "protected user": (
        "settings:\n  safety:\n    protected_users:\n      - V\n",
        "5:9: settings.safety.protected_users[0]",
        "a@x.com",
        "email",
    ),
}
PEM = make_pem("names.example.com", days=3650)
BAD_NAMES: dict[str, tuple[Callable[[str], str], str]] = {
    "empty": (lambda name: "", "must not be empty"),
    "blank": (lambda name: "   ", "must not be only whitespace, got '   '"),
    "newline": (lambda name: name + "\n", "must not contain the control character U+000A, got "),
    "tab": (lambda name: name[:1] + "\t" + name[1:], "must not contain the control character "),
    "line separator": (lambda name: name + "\u2028x", "must not contain the control character "),
    "bidi override": (lambda name: "\u202e" + name, "must not contain the control character "),
}
PADDED = {"leading space": " {}", "trailing space": "{} ", "both": "  {}\u3000"}


def _file(field: str, name: str) -> str:
    """A config with `name` written in `field`."""
    template = NAME_FIELDS[field][0]
    return "version: 1\n" + template.replace("V", json.dumps(name)).replace("P", json.dumps(PEM))


def _where(field: str, name: str) -> str:
    """line:col: path of a problem with `name` written in `field`."""
    return NAME_FIELDS[field][1].replace("[]", f"[{json.dumps(name)}]")


@pytest.mark.parametrize("bad", BAD_NAMES)
@pytest.mark.parametrize("field", NAME_FIELDS)
def test_names_must_be_clean(tmp_path: Path, field: str, bad: str) -> None:
    """Every name and email refuses empty, blank and control-character-bearing values, with one
    located line that shows the name escaped (a newline never splits the message)."""
    make, message = BAD_NAMES[bad]
    name = make(NAME_FIELDS[field][2])
    found = _one_problem(tmp_path, _file(field, name))
    assert found.startswith(f"{_where(field, name)}: {message}"), found
    assert found.endswith(repr(name)) or message == "must not be empty", found


@pytest.mark.parametrize("padding", PADDED)
@pytest.mark.parametrize("field", [f for f, spec in NAME_FIELDS.items() if spec[3] == "email"])
def test_padded_emails_are_refused(tmp_path: Path, field: str, padding: str) -> None:
    """An email that starts or ends with whitespace is refused at its line."""
    email = PADDED[padding].format(NAME_FIELDS[field][2])
    found = _one_problem(tmp_path, _file(field, email))
    assert found == f"{_where(field, email)}: must not start or end with whitespace, got {email!r}"


@pytest.mark.parametrize("padding", PADDED)
@pytest.mark.parametrize("field", [f for f, spec in NAME_FIELDS.items() if spec[3] == "declares"])
def test_padded_names_are_a_warning(tmp_path: Path, field: str, padding: str) -> None:
    """A declared name that starts or ends with whitespace is valid (the API allows it, export
    writes it) but warned about at its line, since by hand it is more likely a slip."""
    name = PADDED[padding].format(NAME_FIELDS[field][2])
    code, lines, path = _validate(tmp_path, _file(field, name))
    line_col, where = _where(field, name).split(": ", 1)
    message = f"{name!r} starts or ends with whitespace, which is part of the name"
    assert code == 0, lines
    assert lines == [f"{path}:{line_col}: warning: {where}: {message}"]


@pytest.mark.parametrize("field", NAME_FIELDS)
def test_clean_names_pass_the_name_rule(tmp_path: Path, field: str) -> None:
    """A name with inner spaces and non-ASCII letters is a name (whatever else the file lacks)."""
    good = NAME_FIELDS[field][2]
    name = good if "@" in good else f"Équipe {good}"
    _, lines, _ = _validate(tmp_path, _file(field, name))
    assert not any("must not" in line or "whitespace" in line for line in lines), lines


@pytest.mark.parametrize("name", ["ci.reconciler-pending", ".reconciler-pending"])
def test_pending_suffix_is_reserved(tmp_path: Path, name: str) -> None:
    """A declared service account may not end with the suffix apply's crash recovery uses."""
    found = _one_problem(
        tmp_path,
        f"version: 1\nprojects:\n  - name: p\n    service_accounts:\n      - name: {name}\n",
    )
    assert found == (
        "5:9: projects[0].service_accounts[0].name: the suffix '.reconciler-pending' is "
        f"reserved for the accounts an interrupted apply leaves behind, got {name!r}"
    )


def test_empty_profile_model_is_reported_at_the_profile(tmp_path: Path) -> None:
    """A profile's model entry with no limit is one error at its own line, not one per project
    that uses the profile at the project's line."""
    found = _one_problem(
        tmp_path,
        "version: 1\n"
        "rate_limit_profiles:\n"
        "  std:\n"
        "    gpt-4o: {}\n"
        "projects:\n"
        "  - {name: a, rate_limit_profile: std}\n"
        "  - {name: b, rate_limit_profile: std}\n",
    )
    assert found == "4:5: rate_limit_profiles.std.gpt-4o: no limits given for model 'gpt-4o'"


@pytest.mark.parametrize(
    ("models", "message"),
    [
        ("{block: [o3]}", "4:14: projects[0].models.block: unknown key 'block'"),
        ("none", "4:5: projects[0].models: unknown mode 'none': expected all, {allow: [...]}"),
        ("{allow: [o3], deny: [x]}", "4:5: projects[0].models: give exactly one of `allow`"),
    ],
)
def test_an_unknown_model_permission_mode_is_located(
    tmp_path: Path, models: str, message: str
) -> None:
    """A model policy that is neither `all`, `{allow: [...]}` nor `{deny: [...]}` is one
    located problem."""
    found = _one_problem(tmp_path, f"version: 1\nprojects:\n  - name: a\n    models: {models}\n")
    assert found.startswith(message), found


def test_an_unknown_hosted_tool_is_located(tmp_path: Path) -> None:
    """A tool the Admin API does not have is one located problem naming the tools it has."""
    found = _one_problem(
        tmp_path, "version: 1\nprojects:\n  - name: a\n    hosted_tools: {browser: true}\n"
    )
    assert found.startswith("4:20: projects[0].hosted_tools.browser: unknown key 'browser'"), found
    assert "web_search" in found


def test_an_unknown_model_policy_key_lists_only_what_a_file_may_write(tmp_path: Path) -> None:
    """An unknown key under `models` names `allow` and `deny`, never the internal field that
    holds `models: all`."""
    text = "version: 1\nprojects:\n  - name: a\n    models: {zzzz: [gpt-4o]}\n"
    problem = _one_problem(tmp_path, text)
    assert problem.endswith(
        "projects[0].models.zzzz: unknown key 'zzzz'; expected one of: allow, deny"
    )
