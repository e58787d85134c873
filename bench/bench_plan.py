"""CPU of diff + plan on a large organization: 1,000 projects, 50,000 project memberships.

Desired and live differ the way a busy organization drifts: a few percent of memberships
re-roled, added or removed, some rate limits changed. Target: under 2 s of CPU for make_plan.
"""

from __future__ import annotations

import random
import time

from reconciler.core.model import (
    Desired,
    Live,
    Organization,
    Project,
    ProjectRole,
    PruneSettings,
    RateLimit,
    ServiceAccount,
    Settings,
    User,
)
from reconciler.core.plan import make_plan

PROJECTS = 1_000
MEMBERS_PER_PROJECT = 50
USERS = 5_000
MODELS = ("gpt-4o", "gpt-4o-mini", "o1", "o3-mini", "gpt-4.1")


def _org(rng: random.Random, *, drift: float, ids: bool) -> Organization:
    emails = [f"user{i:05}@example.com" for i in range(USERS)]
    users = {e: User(e, "owner" if i < 5 else "reader") for i, e in enumerate(emails)}
    projects = {}
    for p in range(PROJECTS):
        name = f"project-{p:04}"
        chosen = rng.sample(emails, MEMBERS_PER_PROJECT)
        members: dict[str, ProjectRole] = {
            e: "owner" if i == 0 else "member" for i, e in enumerate(chosen)
        }
        for email in list(members):
            if rng.random() < drift:
                members[email] = "owner" if members[email] == "member" else "member"
        accounts = {f"sa-{i}": ServiceAccount(f"sa-{i}", "member") for i in range(3)}
        limits = {
            m: RateLimit(m, max_requests_per_1_minute=1000 if rng.random() >= drift else 500)
            for m in MODELS
        }
        projects[name] = Project(
            name,
            id=f"proj_{p:04}" if ids else None,
            members=members,
            service_accounts=accounts,
            rate_limits=limits,
        )
    return Organization(users=users, invites={}, projects=projects)


def main() -> None:
    """Print the CPU seconds of make_plan on the large organization."""
    desired = Desired(_org(random.Random(1), drift=0.0, ids=False), Settings(prune=PruneSettings()))
    live = Live(
        _org(random.Random(1), drift=0.03, ids=True), admin_key_owner="user00000@example.com"
    )
    empty = Live(
        Organization(users=live.org.users, invites={}), admin_key_owner="user00000@example.com"
    )
    memberships = sum(len(p.members or {}) for p in desired.org.projects.values())
    print(f"{PROJECTS} projects, {memberships} memberships; make_plan CPU (target < 2.00 s)")
    print(f"{'live state':<28}{'changes':>10}{'CPU s':>10}")
    for title, base in (("drifted 3%", live), ("empty (create everything)", empty)):
        start = time.process_time()
        plan = make_plan(desired, base, config_digest="sha256:bench")
        cpu = time.process_time() - start
        print(f"{title:<28}{len(plan.changes):>10}{cpu:>10.2f}")
