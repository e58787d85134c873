"""Schema errors: unknown keys, wrong types and values, each at its exact line and column."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.config_lab import ConfigLab


def test_unknown_key_suggests_the_close_one(lab: ConfigLab) -> None:
    """A typo in a key is reported at the typo, with the key it was probably meant to be."""
    found = lab.problems(
        """
        version: 1
        projects:
          - name: search
            memebrs: {a@example.com: owner}
        """
    )
    assert found == [
        "org.yaml:4:5: projects[0].memebrs: unknown key 'memebrs' (did you mean 'members'?)"
    ]


def test_unknown_top_level_key_lists_the_allowed_ones(lab: ConfigLab) -> None:
    """An unknown key with no close match lists what is allowed there."""
    found = lab.problems("version: 1\nzzz: 1\n")
    assert found == [
        "org.yaml:2:1: zzz: unknown key 'zzz'; expected one of: version, settings, organization, "
        "users, certificates, rate_limit_profiles, projects, budget, roles, groups"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "version: 2\n",
            "org.yaml:1:1: version: unsupported version 2; this reconciler reads version 1",
        ),
        (
            "version: '1'\n",
            "org.yaml:1:1: version: must be the integer 1, got the string '1'; write `version: 1`",
        ),
        ("projects: []\n", "org.yaml:1:1: missing required key 'version'"),
    ],
)
def test_version(lab: ConfigLab, text: str, expected: str) -> None:
    """`version: 1` is required and nothing else is accepted."""
    assert lab.problems(text) == [expected]


def test_wrong_role_shows_what_was_given(lab: ConfigLab) -> None:
    """An organization role that is not owner|reader is located and quoted."""
    found = lab.problems(
        """
        version: 1
        users:
          - {email: a@example.com, role: owner}
          - {email: b@example.com, role: admin}
        """
    )
    assert found == [
        "org.yaml:4:28: users[1].role: Input should be 'owner' or 'reader', got 'admin'"
    ]


def test_missing_required_key_points_at_the_item(lab: ConfigLab) -> None:
    """A user without a role is reported at the user's item."""
    found = lab.problems("version: 1\nusers:\n  - email: a@example.com\n")
    assert found == ["org.yaml:3:5: users[0]: missing required key 'role'"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Input should be greater than 0"),
        ("-5", "Input should be greater than 0"),
        ("'500'", "Input should be a valid integer, got '500'"),
        ("true", "Input should be a valid integer, got True"),
        ("1.5", "Input should be a valid integer, got 1.5"),
    ],
)
def test_rate_limits_are_positive_integers(lab: ConfigLab, value: str, message: str) -> None:
    """Limits must be positive integers: no zero, negative, string, bool or float."""
    found = lab.problems(
        f"""
        version: 1
        projects:
          - name: a
            rate_limits:
              gpt-4o:
                max_requests_per_1_minute: {value}
        """
    )
    assert found == [
        f"org.yaml:6:9: projects[0].rate_limits.gpt-4o.max_requests_per_1_minute: {message}"
    ]


def test_model_names_with_dots_are_quoted_in_paths(lab: ConfigLab) -> None:
    """A model name with a dot is quoted so the path stays unambiguous."""
    found = lab.problems(
        "version: 1\nprojects:\n  - name: a\n    rate_limits:\n      gpt-4.1: {max_tokens: 1}\n"
    )
    assert found[1].startswith(
        'org.yaml:5:17: projects[0].rate_limits["gpt-4.1"].max_tokens: unknown key'
    )


def test_project_id_pin_shape(lab: ConfigLab) -> None:
    """An `id` pin must look like a project id."""
    found = lab.problems("version: 1\nprojects:\n  - {name: a, id: 12ab}\n")
    assert found == [
        "org.yaml:3:15: projects[0].id: String should match pattern '^proj_[A-Za-z0-9_-]+$', "
        "got '12ab'"
    ]


def test_numbers_are_not_names(lab: ConfigLab) -> None:
    """A project named by a bare number is refused (quote it), not silently converted."""
    found = lab.problems("version: 1\nprojects:\n  - {name: 2024}\n")
    assert found == ["org.yaml:3:6: projects[0].name: Input should be a valid string, got 2024"]


def test_every_schema_problem_at_once(lab: ConfigLab) -> None:
    """Several schema problems in one file are all reported, in line order."""
    found = lab.problems(
        """
        version: 1
        settings:
          prune: {users: maybe}
          safety: {max_delete_share: 2}
        users:
          - {email: a@example.com, role: boss}
        """
    )
    assert [line.split(": ")[0] for line in found] == [
        "org.yaml:3:11",
        "org.yaml:4:12",
        "org.yaml:6:28",
    ]


def test_unknown_keys_do_not_hide_reference_problems(lab: ConfigLab) -> None:
    """With only unknown keys wrong, the cross-reference checks still run: all shown at once."""
    found = lab.problems(
        """
        version: 1
        users: [{email: a@example.com, role: owner}]
        projects:
          - name: a
            memebrs: {}
            members: {b@example.com: owner}
        """
    )
    assert found == [
        "org.yaml:5:5: projects[0].memebrs: unknown key 'memebrs' (did you mean 'members'?)",
        "org.yaml:6:15: projects[0].members[\"b@example.com\"]: 'b@example.com' is not declared "
        "in users (add it there to invite them)",
    ]


def test_other_schema_errors_stop_before_reference_checks(lab: ConfigLab) -> None:
    """A wrong value is not guessed past: reference checks wait until the shape is right."""
    found = lab.problems(
        """
        version: 1
        users: [{email: a@example.com, role: boss}]
        projects: [{name: a, members: {b@example.com: owner}}]
        """
    )
    assert found == [
        "org.yaml:2:32: users[0].role: Input should be 'owner' or 'reader', got 'boss'"
    ]
