"""Property: applying a plan to live state (in the model) reaches desired, and re-planning is empty.

`simulate` is a pure model of apply: it performs each change of a plan on a Live value, the way
the Admin API would (a rename moves a certificate's name everywhere it is active, removing a
user removes their project memberships, a new project starts with no rate limits).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import (
    Certificate,
    Desired,
    Invite,
    InviteStatus,
    Live,
    Organization,
    OrgRole,
    Project,
    ProjectRole,
    PruneSettings,
    RateLimit,
    ServiceAccount,
    ServiceAccountRole,
    Settings,
    User,
)
from reconciler.core.plan import Plan, make_plan
from tests.support.examples import examples

EMAILS = [f"{n}@example.com" for n in "abcde"]
PROJECTS = ["p1", "p2", "p3"]
MODELS = ["m1", "m2"]
ACCOUNTS = ["s1", "s2"]
# Each fingerprint has its own pool of names, so a rename never collides with another certificate.
CERT_NAMES = {"f1": ["a1", "a2"], "f2": ["b1", "b2"], "f3": ["c1", "c2"]}


class _Org:
    """A mutable copy of a live organization, for simulate."""

    def __init__(self, live: Live) -> None:
        org = live.org
        self.users = dict(org.users or {})
        self.invites = dict(org.invites or {})
        self.certs = dict(org.certificates or {})
        self.projects: dict[str, dict[str, Any]] = {
            name: {
                "p": p,
                "members": dict(p.members or {}),
                "accounts": dict(p.service_accounts or {}),
                "limits": dict(p.rate_limits or {}),
                "certs": set(p.certificates or ()),
            }
            for name, p in org.projects.items()
        }

    def perform(self, change: Change) -> None:
        """Do one change, as the API would."""
        handler = {
            Kind.PROJECT: self._project, Kind.USER: self._user, Kind.INVITE: self._invite,
            Kind.PROJECT_USER: self._member, Kind.SERVICE_ACCOUNT: self._account,
            Kind.RATE_LIMIT: self._limit, Kind.CERTIFICATE: self._cert,
            Kind.CERTIFICATE_ACTIVATION: self._activation,
        }[change.kind]  # fmt: skip
        handler(change)

    def _project(self, c: Change) -> None:
        name = c.key[0]
        if c.action is Action.CREATE:
            empty: dict[str, Any] = {"members": {}, "accounts": {}, "limits": {}, "certs": set()}
            self.projects[name] = {"p": Project(name, id=f"id-{name}"), **empty}
        elif c.action is Action.ARCHIVE:
            entry = self.projects[name]
            entry["p"] = replace(entry["p"], archived=True)

    def _user(self, c: Change) -> None:
        email = c.key[0]
        if c.action is Action.DELETE:
            del self.users[email]
            for entry in self.projects.values():
                entry["members"].pop(email, None)
        else:
            self.users[email] = User(email, (c.after or {})["role"])

    def _invite(self, c: Change) -> None:
        email = c.key[0]
        self.invites.pop(email, None)
        if c.after is not None:
            projects = tuple((p["project"], p["role"]) for p in c.after["projects"])
            self.invites[email] = Invite(email, c.after["role"], projects)

    def _member(self, c: Change) -> None:
        members = self.projects[c.key[0]]["members"]
        if c.action is Action.DELETE:
            del members[c.key[1]]
        else:
            members[c.key[1]] = (c.after or {})["role"]

    def _account(self, c: Change) -> None:
        accounts = self.projects[c.key[0]]["accounts"]
        accounts.pop(c.key[1], None)
        if c.after is not None:
            accounts[c.key[1]] = ServiceAccount(c.key[1], c.after["role"])

    def _limit(self, c: Change) -> None:
        limits = self.projects[c.key[0]]["limits"]
        current = limits.get(c.key[1], RateLimit(c.key[1]))
        limits[c.key[1]] = replace(current, **(c.after or {}))

    def _cert(self, c: Change) -> None:
        name = c.key[0]
        if c.action is Action.CREATE:
            self.certs[name] = Certificate(name, (c.after or {})["fingerprint"])
        elif c.action is Action.DELETE:
            del self.certs[name]
        else:
            old = (c.before or {})["name"]
            self.certs[name] = replace(self.certs.pop(old), name=name)
            for entry in self.projects.values():
                if old in entry["certs"]:
                    entry["certs"] = (entry["certs"] - {old}) | {name}

    def _activation(self, c: Change) -> None:
        scope, name = c.key
        on = c.action is Action.CREATE
        if not scope:
            self.certs[name] = replace(self.certs[name], active=on)
            return
        certs = self.projects[scope]["certs"]
        self.projects[scope]["certs"] = certs | {name} if on else certs - {name}

    def live(self, template: Live) -> Live:
        """Back to an immutable Live, with the template's scope (None stays None)."""
        org = template.org
        projects = {
            name: replace(
                e["p"],
                members=e["members"]
                if e["p"].members is not None or name not in org.projects
                else None,
                service_accounts=e["accounts"],
                rate_limits=e["limits"],
                certificates=frozenset(e["certs"]),
            )
            for name, e in self.projects.items()
        }
        return replace(
            template,
            org=Organization(
                users=None if org.users is None else self.users,
                invites=None if org.invites is None else self.invites,
                certificates=None if org.certificates is None else self.certs,
                projects=projects,
            ),
        )


def simulate(live: Live, plan: Plan) -> Live:
    """Live state after every change of `plan` was applied (a pure model of apply)."""
    org = _Org(live)
    for change in plan.changes:
        org.perform(change)
    return org.live(live)


roles: st.SearchStrategy[OrgRole] = st.sampled_from(["owner", "reader"])
project_roles: st.SearchStrategy[ProjectRole] = st.sampled_from(["owner", "member"])
account_roles: st.SearchStrategy[ServiceAccountRole] = st.sampled_from(["owner", "member", "none"])
statuses: st.SearchStrategy[InviteStatus] = st.sampled_from(["pending", "expired", "accepted"])


@st.composite
def _certs(draw: st.DrawFn) -> dict[str, Certificate]:
    chosen = draw(st.lists(st.sampled_from(sorted(CERT_NAMES)), unique=True))
    certs = [
        Certificate(
            draw(st.sampled_from(CERT_NAMES[fp])), fp, active=draw(st.booleans()), pem="PEM"
        )
        for fp in chosen
    ]
    return {c.name: c for c in certs}


@st.composite
def _project(draw: st.DrawFn, name: str, emails: list[str], certs: list[str]) -> Project:
    accounts = draw(st.dictionaries(st.sampled_from(ACCOUNTS), account_roles))
    members = draw(st.dictionaries(st.sampled_from(emails), project_roles)) if emails else {}
    chosen = draw(st.lists(st.sampled_from(certs), unique=True)) if certs else []
    limits = draw(st.dictionaries(st.sampled_from(MODELS), st.integers(1, 5)))
    return Project(
        name,
        archived=draw(st.integers(0, 4)) == 0,
        members=members,
        service_accounts={n: ServiceAccount(n, r) for n, r in accounts.items()},
        rate_limits={m: RateLimit(m, max_requests_per_1_minute=v) for m, v in limits.items()},
        certificates=frozenset(chosen),
    )


@st.composite
def _live(draw: st.DrawFn) -> Live:
    users = draw(st.dictionaries(st.sampled_from(EMAILS), roles))
    others = [e for e in EMAILS if e not in users]
    invites = {
        e: Invite(e, draw(roles), (), status=draw(statuses))
        for e in draw(st.lists(st.sampled_from(others), unique=True))
    } if others else {}  # fmt: skip
    certs = draw(_certs())
    names = draw(st.lists(st.sampled_from(PROJECTS), unique=True))
    projects = {
        n: replace(draw(_project(n, sorted(users), sorted(certs))), id=f"id-{n}") for n in names
    }
    owner = draw(st.sampled_from([None, *sorted(users)]))
    org = Organization({e: User(e, r) for e, r in users.items()}, invites, certs, projects)
    return Live(org, admin_key_owner=owner)


@st.composite
def _desired(draw: st.DrawFn) -> Desired:
    users = draw(st.dictionaries(st.sampled_from(EMAILS), roles))
    certs = draw(_certs())
    names = draw(st.lists(st.sampled_from(PROJECTS), unique=True))
    projects = {n: draw(_project(n, sorted(users), sorted(certs))) for n in names}
    prune = PruneSettings(*(draw(st.booleans()) for _ in range(5)))
    org = Organization({e: User(e, r) for e, r in users.items()}, None, certs, projects)
    return Desired(org, Settings(prune=prune))


@settings(max_examples=examples(150), deadline=None)
@given(desired=_desired(), live=_live())
def test_applying_the_plan_reaches_desired_and_replanning_is_empty(
    desired: Desired, live: Live
) -> None:
    """simulate(live, plan) matches desired within scope, and planning again changes nothing."""
    plan = make_plan(desired, live, config_digest="c")
    after = simulate(live, plan)
    again = make_plan(desired, after, config_digest="c")
    assert again.changes == ()
    _assert_reached(desired, after)


def _assert_reached(desired: Desired, after: Live) -> None:
    users = after.org.users or {}
    for email, user in (desired.org.users or {}).items():
        assert email in users or (after.org.invites or {})[email].role == user.role
        assert email not in users or users[email].role == user.role
    by_fp = {c.fingerprint: c for c in (after.org.certificates or {}).values()}
    for name, cert in (desired.org.certificates or {}).items():
        assert (by_fp[cert.fingerprint].name, by_fp[cert.fingerprint].active) == (name, cert.active)
    for name, want in desired.org.projects.items():
        have = after.org.projects.get(name)
        if have is None or have.archived or want.archived:
            continue
        assert {e: r for e, r in (have.members or {}).items() if e in users} == {
            e: r for e, r in (want.members or {}).items() if e in users
        } or not desired.settings.prune.project_users
        for account, wanted in (want.service_accounts or {}).items():
            assert (have.service_accounts or {})[account].role == wanted.role
        assert have.certificates == want.certificates
