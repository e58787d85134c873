"""A generated organization for incremental-drift tests: its sandbox seed and the config that
declares it as it is, a clock the test moves by hand, and out-of-band changes of every kind
(each made as an owner in the dashboard, so the audit log records it)."""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from typing import Any

from reconciler.core.model import (
    Certificate,
    Desired,
    Organization,
    Project,
    RateLimit,
    ServiceAccount,
    User,
)
from reconciler.kinds.certificates import fingerprint_pem
from reconciler.sandbox import Sandbox
from tests.support import make_pem

ADMIN = "admin@example.com"
MODEL = "gpt-4o"


class StepClock:
    """Time that moves only when told (`advance`); sleeping advances it."""

    def __init__(self, *, epoch: float = 1_780_000_000.0) -> None:
        self.now = epoch

    def time(self) -> float:
        """The current (fixed) Unix time."""
        return self.now

    def monotonic(self) -> float:
        """The same, as a monotonic reading."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance instead of waiting."""
        self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


@functools.cache
def _pems() -> tuple[str, str]:
    return make_pem("inc-a", days=300), make_pem("inc-b", days=300)


def org_seed(
    projects: int, *, users: int = 6, seed: int = 0, certificates: bool = False
) -> dict[str, Any]:
    """A sandbox seed: `users` readers, and per project two or three members, one service
    account and a rate limit (and with `certificates`, two organization certificates, each
    project activating some); with one audit event, as a real log would have."""
    rng = random.Random(seed)
    emails = [f"user{n}@example.com" for n in range(users)]
    names = [f"p{p:03d}" for p in range(projects)]
    certs = [
        {"name": f"cert{i}", "pem": pem, "active": i == 0, "projects": rng.sample(names, 2)}
        for i, pem in enumerate(_pems())
    ]
    return {
        "certificates": certs if certificates else [],
        "organization": f"org-inc-{projects}",
        "admin_key": {"owner": ADMIN},
        "org_rate_limits": {MODEL: {"max_requests_per_1_minute": 1000}},
        "users": [{"email": ADMIN, "role": "owner"}]
        + [{"email": e, "role": "reader"} for e in emails],
        "projects": [
            {
                "name": f"p{p:03d}",
                "members": dict.fromkeys(rng.sample(emails, rng.randint(2, 3)), "member"),
                "service_accounts": [{"name": f"bot{p}"}],
                "rate_limits": {MODEL: {"max_requests_per_1_minute": 100 + p}},
            }
            for p in range(projects)
        ],
        "audit_logs": [{"type": "user.updated", "actor": ADMIN, "user": ADMIN, "days_ago": 2}],
    }


def declared(seed: dict[str, Any]) -> Desired:
    """The config that declares `seed`'s organization exactly as it is."""
    certs = seed["certificates"]
    active = {
        name: frozenset(c["name"] for c in certs if name in c["projects"])
        for name in (p["name"] for p in seed["projects"])
    }
    users = {u["email"]: User(u["email"], u["role"]) for u in seed["users"]}
    projects = {
        p["name"]: Project(
            name=p["name"],
            members=dict(p["members"]),
            service_accounts={a["name"]: ServiceAccount(a["name"]) for a in p["service_accounts"]},
            rate_limits={
                m: RateLimit(m, max_requests_per_1_minute=v["max_requests_per_1_minute"])
                for m, v in p["rate_limits"].items()
            },
            certificates=active[p["name"]] if certs else None,
        )
        for p in seed["projects"]
    }
    declared_certs = {
        c["name"]: Certificate(c["name"], fingerprint_pem(c["pem"]), c["active"], pem=c["pem"])
        for c in certs
    }
    org = Organization(users=users, projects=projects, certificates=declared_certs or None)
    return Desired(org=org)


Change = Callable[[Sandbox, random.Random], str]


def _project(box: Sandbox, rng: random.Random) -> tuple[str, str]:
    active = sorted(
        (p["name"], p["id"])
        for p in box.state.projects.values()
        if p["archived_at"] is None and p["id"] != box.state.default_project_id
    )
    return rng.choice(active)


def _user(box: Sandbox, rng: random.Random) -> str:
    emails = sorted(u["email"] for u in box.state.users.values() if u["email"] != ADMIN)
    return str(rng.choice(emails))


def org_role(box: Sandbox, rng: random.Random) -> str:
    """An organization role changed."""
    email = _user(box, rng)
    box.act_as(ADMIN).set_org_role(email, rng.choice(["owner", "reader"]))
    return f"org role of {email}"


def project_role(box: Sandbox, rng: random.Random) -> str:
    """Someone added to a project, or their role there changed."""
    name, _ = _project(box, rng)
    box.act_as(ADMIN).set_project_role(name, _user(box, rng), rng.choice(["owner", "member"]))
    return f"member of {name}"


def removal(box: Sandbox, rng: random.Random) -> str:
    """Someone removed from a project."""
    name, pid = _project(box, rng)
    members = sorted(box.state.project_users.get(pid, {}))
    admin = box.state.user_by_email(ADMIN)
    members = [m for m in members if admin is None or m != admin["id"]]
    if not members:
        return project_role(box, rng)
    email = box.state.users[rng.choice(members)]["email"]
    box.act_as(ADMIN).remove_from_project(name, email)
    return f"removal from {name}"


def rate_limit(box: Sandbox, rng: random.Random) -> str:
    """A project's rate limit changed."""
    name, _ = _project(box, rng)
    box.act_as(ADMIN).set_rate_limit(name, MODEL, max_requests_per_1_minute=rng.randint(1, 999))
    return f"rate limit of {name}"


def account_created(box: Sandbox, rng: random.Random) -> str:
    """A service account created in a project."""
    name, pid = _project(box, rng)
    path = f"/organization/projects/{pid}/service_accounts"
    box.act_as(ADMIN).request("POST", path, {"name": f"extra{rng.randint(0, 9999)}"})
    return f"service account in {name}"


def account_deleted(box: Sandbox, rng: random.Random) -> str:
    """A service account deleted from a project."""
    name, pid = _project(box, rng)
    accounts = sorted(box.state.service_accounts.get(pid, {}))
    if not accounts:
        return account_created(box, rng)
    path = f"/organization/projects/{pid}/service_accounts/{rng.choice(accounts)}"
    box.act_as(ADMIN).request("DELETE", path)
    return f"service account deleted in {name}"


def invite(box: Sandbox, rng: random.Random) -> str:
    """Someone invited to the organization."""
    email = f"guest{rng.randint(0, 9999)}@example.com"
    box.act_as(ADMIN).request("POST", "/organization/invites", {"email": email, "role": "reader"})
    return f"invite of {email}"


def project_renamed(box: Sandbox, rng: random.Random) -> str:
    """A project renamed (re-keys the organization: a full read)."""
    name, pid = _project(box, rng)
    box.act_as(ADMIN).request("POST", f"/organization/projects/{pid}", {"name": f"{name}-x"})
    return f"rename of {name}"


def user_removed(box: Sandbox, rng: random.Random) -> str:
    """Someone removed from the organization (a full read)."""
    email = _user(box, rng)
    box.act_as(ADMIN).request("DELETE", f"/organization/users/{box.act_as(ADMIN).user_id(email)}")
    return f"removal of {email}"


def invite_deleted(box: Sandbox, rng: random.Random) -> str:
    """A pending invite revoked (one is made first when there is none)."""
    pending = sorted(i["id"] for i in box.state.invites.values() if i["status"] == "pending")
    if not pending:
        return invite(box, rng)
    box.act_as(ADMIN).request("DELETE", f"/organization/invites/{rng.choice(pending)}")
    return "invite revoked"


def project_archived(box: Sandbox, rng: random.Random) -> str:
    """A project archived (a full read)."""
    name, pid = _project(box, rng)
    box.act_as(ADMIN).request("POST", f"/organization/projects/{pid}/archive")
    return f"archive of {name}"


def project_created(box: Sandbox, rng: random.Random) -> str:
    """A project created (a full read)."""
    name = f"new{rng.randint(0, 9999)}"
    box.act_as(ADMIN).request("POST", "/organization/projects", {"name": name})
    return f"creation of {name}"


def certificate_toggled(box: Sandbox, rng: random.Random) -> str:
    """A certificate activated or deactivated, in the organization or in one project."""
    certs = sorted(box.state.certificates)
    if not certs:
        return invite(box, rng)
    verb = rng.choice(["activate", "deactivate"])
    body = {"certificate_ids": [rng.choice(certs)]}
    if rng.random() < 0.5:
        box.act_as(ADMIN).request("POST", f"/organization/certificates/{verb}", body)
        return f"{verb} at organization level"
    name, pid = _project(box, rng)
    box.act_as(ADMIN).request("POST", f"/organization/projects/{pid}/certificates/{verb}", body)
    return f"{verb} in {name}"


CHANGES: tuple[Change, ...] = (
    certificate_toggled,
    invite_deleted,
    project_archived,
    project_created,
    org_role,
    project_role,
    removal,
    rate_limit,
    account_created,
    account_deleted,
    invite,
    project_renamed,
    user_removed,
)
