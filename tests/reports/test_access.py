"""Access rows from what was read: scopes, key counts, and the config entry behind each row."""

from __future__ import annotations

from reconciler.core.declared import Declarations
from reconciler.core.key_policy import DAY
from reconciler.core.model import ApiKeyInfo, Invite, KeyRotation, ServiceAccount, User
from reconciler.kinds.project_users import Member
from reconciler.read.principals import Principals, ProjectPrincipals
from reconciler.reports.access import access_report
from reconciler.reports.source import Source

NOW = 1_800_000_000
SOURCE = Source(now=NOW, organization="org", config="org.yaml")


def key(owner: str, *, created: int | None, used: int | None, kind: str = "user") -> ApiKeyInfo:
    """A key of `owner` created and last used that many days before NOW (None: unknown/never)."""
    return ApiKeyInfo(
        id=f"key_{owner}_{created}",
        name="k",
        redacted_value="sk-...x",
        owner_kind="user" if kind == "user" else "service_account",
        owner=owner,
        created_at=None if created is None else NOW - created * DAY,
        last_used_at=None if used is None else NOW - used * DAY,
    )


FOUND = Principals(
    projects=(
        ProjectPrincipals(
            name="web-renamed",
            id="proj_web",
            keys=(
                key("a@x.io", created=30, used=2),
                key("a@x.io", created=10, used=None),
                key("bot", created=None, used=None, kind="service_account"),
            ),
            members=(Member("a@x.io", "owner", "user-a"),),
            service_accounts=(ServiceAccount("bot", "member"),),
        ),
    ),
    users=(User("a@x.io", "owner"),),
    invites=(Invite("new@x.io", "reader", projects=(("web-renamed", "member"),)),),
)


def records(declared: Declarations | None) -> dict[tuple[str, str], dict[str, object]]:
    """The report's rows by (principal, scope)."""
    report = access_report(FOUND, declared, source=SOURCE)
    return {(str(r["principal"]), str(r["scope"])): dict(r) for r in report.records()}


def test_each_grant_is_a_row_with_its_keys_counted() -> None:
    """The organization row counts a user's keys in every project; the oldest key's age is in
    days, the last use is the latest of any key; a key of unknown age says so."""
    rows = records(None)
    assert list(rows) == [
        ("a@x.io", "organization"),
        ("a@x.io", "project:web-renamed"),
        ("bot", "project:web-renamed"),
        ("new@x.io", "organization"),
        ("new@x.io", "project:web-renamed"),
    ]
    a = rows[("a@x.io", "organization")]
    assert (a["api_keys"], a["oldest_key_age_days"], a["last_key_use"]) == (2, 30, "2027-01-13")
    bot = rows[("bot", "project:web-renamed")]
    assert (bot["api_keys"], bot["oldest_key_age_days"], bot["last_key_use"]) == (
        1,
        "unknown",
        "never",
    )
    assert rows[("new@x.io", "organization")]["api_keys"] == 0
    assert {r["declared_in"] for r in rows.values()} == {"no config"}


def test_declared_in_follows_a_pinned_project_across_a_rename() -> None:
    """A project pinned by id in the config is matched by id, whatever its live name."""
    declared = Declarations(
        users={"a@x.io": "org.yaml:3"},
        members={("web", "a@x.io"): "org.yaml:9", ("web", "new@x.io"): "org.yaml:10"},
        service_accounts={},
        project_ids={"proj_web": "web"},
    )
    rows = records(declared)
    assert rows[("a@x.io", "organization")]["declared_in"] == "org.yaml:3"
    assert rows[("a@x.io", "project:web-renamed")]["declared_in"] == "org.yaml:9"
    assert rows[("new@x.io", "project:web-renamed")]["declared_in"] == "org.yaml:10"
    assert rows[("new@x.io", "organization")]["declared_in"] == "undeclared"
    assert rows[("bot", "project:web-renamed")]["declared_in"] == "undeclared"


def test_a_rotating_account_shows_its_state_and_next_rotation() -> None:
    """An account whose config entry has a rotation policy shows it under the project's config
    name (a pinned, renamed project too); its keys are found under the name a rotation in
    progress gives it; other rows show `none`."""
    marked = "bot.reconciler-rotating-00ff"
    found = Principals(
        projects=(
            ProjectPrincipals(
                name="web-renamed",
                id="proj_web",
                keys=(
                    key(marked, created=100, used=None, kind="service_account"),
                    key(marked, created=1, used=None, kind="service_account"),
                ),
                service_accounts=(ServiceAccount("bot", "member", rotating="00ff"),),
            ),
        ),
    )
    declared = Declarations(project_ids={"proj_web": "web"})
    policy = {("web", "bot"): KeyRotation(rotate_every_days=90, overlap_days=7)}
    report = access_report(found, declared, source=SOURCE, rotations=policy)
    (row,) = [dict(r) for r in report.records()]
    assert (row["api_keys"], row["key_rotation"], row["next_rotation"]) == (2, "interrupted", "now")
    plain = access_report(found, declared, source=SOURCE)
    assert [(r["key_rotation"], r["next_rotation"]) for r in plain.records()] == [("none", "none")]
