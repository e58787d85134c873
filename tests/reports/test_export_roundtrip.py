"""Property: any organization exports to a file that validates, plans empty and reads in sync.

Random sandbox seeds (the format of reconciler/sandbox/data/demo.yaml) with users in mixed-case
emails, pending, accepted and expired invites (an email invited twice), active and archived
projects (names with spaces, unicode and case variants, archived names repeated), members,
service accounts of every role, rate limits off the organization's default and certificates
(unnamed, or sharing a name) active at organization and project level, spend limits and
alerts (at $0, emailing nobody; not two at one threshold, which a file holds as one, so its
plan removes a copy), model policies and hosted tools turned off, data retention, and groups
(some managed by SCIM) with members, roles and project access go through the real CLI:
`export`, then `validate`, `plan --detailed-exitcode` and `drift` of the exported file must all
exit 0. ROUNDTRIP_EXAMPLES=1000 hunts further (about 45 s).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.cli import main
from reconciler.core.model import Project
from reconciler.reports.export import probe
from reconciler.sandbox import Sandbox
from tests.support import make_pem
from tests.support.examples import examples
from tests.support.policies import seed_project_policies, seed_retention, seed_spend

EXAMPLES = int(os.environ.get("ROUNDTRIP_EXAMPLES", str(examples(25))))
PEMS = [make_pem(f"roundtrip-{n}", days=365 + n) for n in range(3)]
MODELS = {
    "gpt-4o": {"max_requests_per_1_minute": 10000, "max_tokens_per_1_minute": 2000000},
    "o3": {"max_requests_per_1_minute": 500, "max_tokens_per_1_minute": 9000},
}
NAMES = ["search", "Search", "Data Platform", "données", "研究 lab", " a  b ", "ops: prod", "#tag"]
LOCALS = ["alice", "bob.smith", "carol", "dan-o", "erin", "frank", "grace", "heidi", "ivan"]


def _cased(draw: st.DrawFn, email: str) -> str:
    """The email with some letters upper-cased, as people type them."""
    flips = draw(st.lists(st.booleans(), min_size=len(email), max_size=len(email)))
    return "".join(c.upper() if f else c for c, f in zip(email, flips, strict=True))


def _project(draw: st.DrawFn, name: str, emails: list[str]) -> dict[str, Any]:
    """An active project: some members, service accounts of every role, some changed limits."""
    members = draw(st.dictionaries(st.sampled_from(emails), st.sampled_from(["owner", "member"])))
    roles = draw(st.lists(st.sampled_from(["owner", "member", "none"]), max_size=3))
    limits = draw(
        st.dictionaries(
            st.sampled_from(sorted(MODELS)),
            st.fixed_dictionaries({"max_requests_per_1_minute": st.integers(1, 20000)}),
        )
    )
    return {
        "name": name,
        "members": members,
        "service_accounts": [{"name": f"bot {n} ü", "role": r} for n, r in enumerate(roles)],
        "rate_limits": limits,
        **draw(seed_project_policies()),
    }


def _invites(draw: st.DrawFn, emails: list[str], active: list[str]) -> list[dict[str, Any]]:
    """Pending, accepted and expired invites, for new people and (accepted) for members."""
    invites = []
    for _ in range(draw(st.integers(0, 4))):
        status = draw(st.sampled_from(["pending", "accepted", "expired"]))
        fresh = f"new{draw(st.integers(0, 2))}@example.com"  # an email may be invited twice
        email = draw(st.sampled_from(emails)) if status == "accepted" else fresh
        projects = draw(
            st.none()
            | st.dictionaries(st.sampled_from(active), st.sampled_from(["owner", "member"]))
            if active
            else st.none() | st.just({})
        )
        invites.append(
            {
                "email": _cased(draw, email),
                "role": draw(st.sampled_from(["owner", "reader"])),
                "status": "accepted" if status == "accepted" else "pending",
                "days_ago": 30 if status == "expired" else draw(st.integers(0, 6)),
                "projects": projects,
            }
        )
    return invites


def _certificates(draw: st.DrawFn, active: list[str]) -> list[dict[str, Any]]:
    """A few certificates, each active at the organization and/or in some projects."""
    count = draw(st.integers(0, len(PEMS)))
    return [
        {
            "name": draw(st.sampled_from([f"cert {n}", "shared name", None])),
            "pem": PEMS[n],
            "active": draw(st.booleans()),
            "projects": draw(st.lists(st.sampled_from(active), unique=True)) if active else [],
        }
        for n in range(count)
    ]


def _with_groups(draw: st.DrawFn, seed: dict[str, Any]) -> dict[str, Any]:
    """`seed` with groups (names unique, some SCIM-managed) of its users, and their access to
    some of its active projects."""
    groups = _groups(draw, [u["email"] for u in seed["users"]])
    names = [group["name"] for group in groups]
    active = [p["name"] for p in seed["projects"] if not p.get("archived")]
    roles = st.sampled_from(["owner", "member"])
    granted: dict[str, dict[str, str]] = {}
    if active and names:
        for project in draw(st.lists(st.sampled_from(active), unique=True)):
            granted[project] = draw(st.dictionaries(st.sampled_from(names), roles))
    return {**seed, "groups": groups, "project_groups": granted}


@st.composite
def seeds(draw: st.DrawFn) -> dict[str, Any]:
    """A sandbox seed of a random organization (see the module docstring)."""
    local = draw(st.lists(st.sampled_from(LOCALS), min_size=1, max_size=6, unique=True))
    emails = [_cased(draw, f"{name}@example.com") for name in local]
    active = draw(st.lists(st.sampled_from(NAMES), max_size=4, unique=True))
    archived = draw(st.lists(st.sampled_from([*NAMES, "old"]), max_size=3))
    return _with_groups(
        draw,
        {
            "organization": "org-roundtrip",
            "admin_key": {"owner": "admin@example.com"},
            "org_rate_limits": MODELS,
            "users": [{"email": "admin@example.com", "role": "owner"}]
            + [{"email": e, "role": draw(st.sampled_from(["owner", "reader"]))} for e in emails],
            "invites": _invites(draw, emails, active),
            "projects": [_project(draw, name, emails) for name in active]
            + [{"name": name, "archived": True} for name in archived],
            "certificates": _certificates(draw, active),
            **draw(seed_spend(["organization", *active], zero=True, nobody=True, copies=False)),
            **draw(seed_retention(active)),
        },
    )


def _groups(draw: st.DrawFn, emails: list[str]) -> list[dict[str, Any]]:
    """Groups named like projects (spaces, unicode, case variants), some managed by SCIM, with
    members among the users and predefined organization roles."""
    return [
        {
            "name": name,
            "scim": draw(st.booleans()),
            "members": draw(st.lists(st.sampled_from(emails), unique=True)),
            "roles": draw(st.lists(st.sampled_from(["owner", "reader"]), unique=True)),
        }
        for name in draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True))
    ]


def _cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), env={"OPENAI_ADMIN_KEY": None})


def roundtrip(tmp: Path, seed: dict[str, Any], *, split: bool = False) -> None:
    """Export the seeded organization (as a file, or with `split` a directory), then check
    validate, plan and drift of it."""
    state, config = tmp / "state.json", tmp / ("org" if split else "org.yaml")
    Sandbox.from_seed(seed).save(state)
    sandbox = ["--sandbox", "--sandbox-state", str(state)]
    exported = _cli("export", "--split" if split else "--output", str(config), "--force", *sandbox)
    assert exported.exit_code == 0, exported.output
    shown = "".join(p.read_text() for p in sorted(config.rglob("*.yaml"))) if split else ""
    shown = shown or config.read_text()
    validated = _cli("validate", str(config))
    assert validated.exit_code == 0, validated.output + shown
    planned = _cli("plan", str(config), "--detailed-exitcode", *sandbox)
    assert planned.exit_code == 0, planned.output + shown
    drift = _cli("drift", str(config), "--format", "json", *sandbox)
    counted = [item for item in json.loads(drift.stdout)["items"] if item["counts"]]
    assert (drift.exit_code, counted) == (0, []), shown


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=seeds())
def test_any_organization_round_trips(tmp_path_factory: Any, seed: dict[str, Any]) -> None:
    """Whatever the organization, its export validates, plans empty and reads in sync."""
    roundtrip(tmp_path_factory.mktemp("roundtrip"), seed)


@settings(
    max_examples=max(EXAMPLES // 3, 5), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(seed=seeds())
def test_any_organization_round_trips_split(tmp_path_factory: Any, seed: dict[str, Any]) -> None:
    """Exported as a directory (`export --split`), any organization also validates, plans
    empty and reads in sync."""
    roundtrip(tmp_path_factory.mktemp("roundtrip"), seed, split=True)


def _org(**extra: Any) -> dict[str, Any]:
    """A small seed: the admin and one reader, plus `extra` top-level keys."""
    users = [
        {"email": "admin@example.com", "role": "owner"},
        {"email": "a@example.com", "role": "reader"},
    ]
    return {"organization": "org-regression", "admin_key": {"owner": "admin@example.com"},
            "users": users, **extra}  # fmt: skip


def test_archived_projects_sharing_a_name_export_once(tmp_path: Path) -> None:
    """Archived projects that repeat a name (each other's or an active one's) do not make the
    export invalid: only the one the plan keys by that name is written."""
    projects = [{"name": "search", "archived": True}, {"name": "search", "archived": True},
                {"name": "team", "archived": True}, {"name": "team"}]  # fmt: skip
    roundtrip(tmp_path, _org(projects=projects))


def test_an_active_project_is_read_even_when_an_archived_one_has_its_name(tmp_path: Path) -> None:
    """The export reads the active project of a name (its members and service accounts), not
    the archived one listed after it, so nothing of it is planned for deletion."""
    projects = [{"name": "search", "members": {"a@example.com": "owner"},
                 "service_accounts": [{"name": "bot", "role": "owner"}]},
                {"name": "search", "archived": True}]  # fmt: skip
    roundtrip(tmp_path, _org(projects=projects))
    assert "a@example.com: owner" in (tmp_path / "org.yaml").read_text()


def test_probe_declares_the_active_project_of_a_shared_name() -> None:
    """Whatever the API's order, the export's scope pins a shared name to its active project
    (whose details it must read), and an archived-only name to its archived project."""
    active, archived = (
        Project("search", id="proj_active"),
        Project("search", id="proj_old", archived=True),
    )
    gone = Project("gone", id="proj_gone", archived=True)
    for listed in ([active, archived, gone], [archived, active, gone]):
        projects = probe(listed).org.projects
        assert (projects["search"].id, projects["search"].members) == ("proj_active", {})
        assert (projects["gone"].id, projects["gone"].archived) == ("proj_gone", True)


def test_an_expired_invite_does_not_plan_a_revoke(tmp_path: Path) -> None:
    """An expired invite nobody declares is left alone (it grants nothing), so the export of an
    organization that has one plans empty."""
    invites = [{"email": "late@example.com", "role": "reader", "days_ago": 30, "projects": {}}]
    roundtrip(tmp_path, _org(invites=invites))


def test_names_the_file_cannot_hold_twice_are_a_one_line_error(tmp_path: Path) -> None:
    """Two active projects, or two service accounts of a project, with one name cannot both be
    written (the file identifies them by name): export exits 1 naming every such pair, and
    writes nothing rather than a file that fails validation or plans a deletion."""
    projects = [{"name": "search"}, {"name": "search"},
                {"name": "p", "service_accounts": [{"name": "bot"}, {"name": "bot"}]}]  # fmt: skip
    state, out = tmp_path / "state.json", tmp_path / "org.yaml"
    Sandbox.from_seed(_org(projects=projects)).save(state)
    result = _cli("export", "-o", str(out), "--sandbox", "--sandbox-state", str(state))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ")
    assert "project 'search' (2 active projects)" in line
    assert "service account 'bot' in project 'p' (2 accounts)" in line
    assert not out.exists()


def test_an_alert_at_zero_that_emails_nobody_round_trips(tmp_path: Path) -> None:
    """The API allows an alert at $0 and one with no recipients; the export writes them as
    `usd_per_month: 0` and `notify: []`, which validate and plan empty."""
    alerts = [{"scope": "organization", "cents": 0, "notify": ["a@example.com"]},
              {"scope": "p", "cents": 500, "notify": []}]  # fmt: skip
    roundtrip(tmp_path, _org(projects=[{"name": "p"}], spend_alerts=alerts))
    text = (tmp_path / "org.yaml").read_text()
    assert "usd_per_month: 0," in text
    assert "notify: []" in text


ROLE_NAMES = ["ops", "Audit team", "billing-viewer", "lecture·seule", "a: b"]
PERMISSIONS = ["api.usage.read", "api.costs.read", "api.audit_logs.read"]


@st.composite
def role_seeds(draw: st.DrawFn) -> dict[str, Any]:
    """A random organization with custom roles (some described, some without permissions)
    held directly by some of its users."""
    seed: dict[str, Any] = draw(seeds())
    names = draw(st.lists(st.sampled_from(ROLE_NAMES), max_size=3, unique=True))
    seed["roles"] = [
        {
            "name": name,
            "description": draw(st.sampled_from([None, "", "Reads costs", "Révise"])),
            "permissions": draw(st.lists(st.sampled_from(PERMISSIONS), unique=True)),
        }
        for name in names
    ]
    users = [u["email"] for u in seed["users"]]
    held = st.lists(st.sampled_from(names), unique=True) if names else st.just([])
    seed["user_roles"] = {
        e: draw(held) for e in draw(st.lists(st.sampled_from(users), unique=True))
    }
    return seed


@settings(
    max_examples=max(EXAMPLES // 3, 5), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(seed=role_seeds(), split=st.booleans())
def test_any_organization_with_roles_round_trips(
    tmp_path_factory: Any, seed: dict[str, Any], split: bool
) -> None:
    """Custom roles and their holders export, as a file or a directory, to a config that
    validates, plans empty and reads in sync."""
    roundtrip(tmp_path_factory.mktemp("roundtrip"), seed, split=split)
