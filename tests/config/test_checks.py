"""Cross-reference checks: what one key says about another, each problem at its line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.support.config_lab import ConfigLab

USERS = """
version: 1
users:
  - {email: Alice@Example.com, role: owner}
  - {email: bob@example.com, role: reader}
"""


def test_emails_are_unique_case_insensitively(lab: ConfigLab) -> None:
    """The same email with other capitals is a duplicate, reported at the second one."""
    found = lab.problems(USERS + "  - {email: alice@example.COM, role: reader}\n")
    assert found == [
        "org.yaml:5:6: users[2].email: duplicate user email 'alice@example.com' (first on line 3)"
    ]


def test_email_shape(lab: ConfigLab) -> None:
    """Something that is not an email is refused."""
    found = lab.problems("version: 1\nusers:\n  - {email: not-an-email, role: owner}\n")
    assert found == ["org.yaml:3:6: users[0].email: 'not-an-email' is not an email address"]


def test_member_must_be_a_declared_user(lab: ConfigLab) -> None:
    """A project member missing from `users` is reported at the member's line."""
    found = lab.problems(
        USERS + "projects:\n  - name: a\n    members:\n      alice@example.com: owner\n"
        "      bob@exmaple.com: member\n"
    )
    assert found == [
        "org.yaml:9:7: projects[0].members[\"bob@exmaple.com\"]: 'bob@exmaple.com' is not declared "
        "in users (add it there to invite them)"
    ]


def test_members_taken_as_is_without_users(lab: ConfigLab) -> None:
    """When `users` is not declared at all, members are not cross-checked and emails normalize."""
    loaded = lab.load("version: 1\nprojects:\n  - name: a\n    members: {Zed@Example.com: owner}\n")
    assert loaded.desired.org.users is None
    assert loaded.desired.org.projects["a"].members == {"zed@example.com": "owner"}


def test_project_names_and_pins_unique(lab: ConfigLab) -> None:
    """Two projects with one name, or one `id` pin, are errors at the repeat."""
    found = lab.problems(
        """
        version: 1
        projects:
          - {name: a, id: proj_1}
          - {name: a}
          - {name: b, id: proj_1}
        """
    )
    assert found == [
        "org.yaml:4:6: projects[1].name: duplicate project name 'a' (first on line 3)",
        "org.yaml:5:15: projects[2].id: duplicate project id 'proj_1' (first on line 3)",
    ]


def test_archived_project_has_nothing_else(lab: ConfigLab) -> None:
    """An archived project that declares members is an error at that key."""
    found = lab.problems(
        USERS
        + "projects:\n  - name: old\n    archived: true\n    members: {bob@example.com: member}\n"
    )
    assert found == [
        "org.yaml:8:5: projects[0].members: an archived project has none; remove this key"
    ]


def test_explicit_null_is_ambiguous(lab: ConfigLab) -> None:
    """`members:` with no value is refused: leave it out, or write {} for none."""
    found = lab.problems("version: 1\nprojects:\n  - name: a\n    members:\n")
    assert found == [
        "org.yaml:4:5: projects[0].members: empty value: leave the key out to leave these alone, "
        "or write [] or {} for none"
    ]


def test_explicit_null_of_a_plug_in_kinds_key_is_ambiguous_too(lab: ConfigLab) -> None:
    """`groups:`, `roles:` or `data_retention:` with no value is refused as `members:` is, at
    the top, under `organization:` and in a project; a single value is asked for as such."""
    text = (
        "version: 1\norganization:\n  data_retention:\nroles:\ngroups:\n"
        "projects:\n  - name: a\n    groups:\n    data_retention:\n"
    )
    collection = "empty value: leave the key out to leave these alone, or write [] or {} for none"
    single = "empty value: leave the key out to leave it alone, or give it a value"
    assert sorted(lab.problems(text)) == sorted(
        [
            f"org.yaml:3:3: organization.data_retention: {single}",
            f"org.yaml:4:1: roles: {collection}",
            f"org.yaml:5:1: groups: {collection}",
            f"org.yaml:8:5: projects[0].groups: {collection}",
            f"org.yaml:9:5: projects[0].data_retention: {single}",
        ]
    )


def test_absent_and_empty_collections_differ(lab: ConfigLab) -> None:
    """A key left out is None (not managed); an empty one is an empty, authoritative collection."""
    loaded = lab.load("version: 1\nprojects:\n  - {name: a, members: {}}\n  - {name: b}\n")
    projects = loaded.desired.org.projects
    assert projects["a"].members == {}
    assert projects["b"].members is None
    assert loaded.desired.org.certificates is None


def test_duplicate_service_account_names(lab: ConfigLab) -> None:
    """Two service accounts with one name in a project are an error at the second."""
    found = lab.problems(
        "version: 1\nprojects:\n  - name: a\n    service_accounts:\n      - {name: ci}\n"
        "      - {name: ci, api_key: false}\n"
    )
    assert found == [
        "org.yaml:6:10: projects[0].service_accounts[1].name: duplicate service account name 'ci' "
        "(first on line 5)"
    ]


def test_undeclared_project_certificate(lab: ConfigLab) -> None:
    """A project certificate must be declared at the top level."""
    found = lab.problems("version: 1\nprojects:\n  - name: a\n    certificates: [ghost]\n")
    assert found == [
        "org.yaml:4:20: projects[0].certificates[0]: certificate 'ghost' is not declared in "
        "certificates"
    ]


PROFILES = """
version: 1
rate_limit_profiles:
  std:
    gpt-4o: {max_requests_per_1_minute: 100, max_tokens_per_1_minute: 1000}
    o3: {max_requests_per_1_minute: 5}
projects:
  - name: a
"""


def test_profile_is_merged_field_by_field(lab: ConfigLab) -> None:
    """A project's own limits override its profile's field by field and add models."""
    loaded = lab.load(
        PROFILES + "    rate_limit_profile: std\n    rate_limits:\n"
        "      gpt-4o: {max_tokens_per_1_minute: 50}\n"
        "      dall-e-3: {max_images_per_1_minute: 2}\n"
    )
    limits = loaded.desired.org.projects["a"].rate_limits
    assert limits is not None
    assert {name: rl.limits() for name, rl in limits.items()} == {
        "gpt-4o": {"max_requests_per_1_minute": 100, "max_tokens_per_1_minute": 50},
        "o3": {"max_requests_per_1_minute": 5},
        "dall-e-3": {"max_images_per_1_minute": 2},
    }


def test_unknown_profile(lab: ConfigLab) -> None:
    """A profile name that is not declared is an error naming the known ones."""
    found = lab.problems(PROFILES + "    rate_limit_profile: standard\n")
    assert found == [
        "org.yaml:8:5: projects[0].rate_limit_profile: unknown profile 'standard' (std)"
    ]


def test_model_without_limits(lab: ConfigLab) -> None:
    """A model entry that sets no limit at all is an error."""
    found = lab.problems("version: 1\nprojects:\n  - name: a\n    rate_limits: {gpt-4o: {}}\n")
    assert found == [
        "org.yaml:4:19: projects[0].rate_limits.gpt-4o: no limits given for model 'gpt-4o'"
    ]


def test_too_few_owners_is_a_warning(lab: ConfigLab) -> None:
    """Declaring fewer owners than settings.safety.min_owners warns (the plan would refuse)."""
    warnings = lab.warnings(USERS + "settings: {safety: {min_owners: 2}}\n")
    assert warnings == [
        "org.yaml:2:1: warning: users: declares 1 owner(s) but settings.safety.min_owners is 2"
    ]


def test_all_cross_reference_problems_at_once(lab: ConfigLab) -> None:
    """Several reference problems are all reported together, in line order."""
    found = lab.problems(
        USERS + "projects:\n  - {name: a, members: {x@example.com: owner}, certificates: [c]}\n"
        "  - {name: a}\n"
    )
    assert len(found) == 3
    assert [line.split(":")[1] for line in found] == ["6", "6", "7"]


def test_role_none_service_account_has_no_key(lab: ConfigLab) -> None:
    """Role none (no project role, as the API's create_service_account_only makes) implies no
    API key, and asking for one as well is refused at the account's line."""
    head = "version: 1\nprojects:\n  - name: p\n    service_accounts:\n"
    loaded = lab.load(head + "      - {name: bare, role: none}\n")
    projects = loaded.desired.org.projects
    accounts = projects["p"].service_accounts
    assert accounts is not None
    assert (accounts["bare"].role, accounts["bare"].api_key) == ("none", False)
    found = lab.problems(head + "      - {name: bare, role: none, api_key: true}\n")
    assert found == [
        "org.yaml:5:9: projects[0].service_accounts[0]: "
        "a service account with role none cannot have an API key"
    ]
