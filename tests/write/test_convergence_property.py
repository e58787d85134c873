"""Property: for any reasonable config and live organization, one apply converges.

Drives the real pipeline (tests.support.convergence: config dict → `config_from_dict` →
`fetch_live` → `make_plan` → safety (every override on) → `apply_plan` → fetch again →
`make_plan`) against an in-process sandbox seeded with a generated organization, over shared
pools of emails, project names, models, service-account names, certificates and groups, so
desired and live overlap in every way.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.convergence import ADMIN, ORG_LIMITS, PEMS, run_property
from tests.support.examples import examples
from tests.support.policies import (
    config_policies,
    seed_project_policies,
    seed_retention,
    seed_spend,
)
from tests.support.rotation import with_rotations

EMAILS = [f"{n}@example.com" for n in ("ann", "ben", "cat", "dov", "eli")]
PROJECTS = ["alpha", "beta", "gamma", "delta"]
ACCOUNTS = ["sa-one", "sa-two", "sa-three"]
CERT_NAMES = ["cert-a", "cert-b", "cert-c", "cert-d"]
GROUPS = ["g-one", "g-two", "g-idp"]
SCIM_GROUP = "g-idp"  # when seeded, managed by SCIM: a config never declares its members

roles = st.sampled_from(["owner", "reader"])
_mostly = st.integers(0, 3).map(bool)  # True three times in four


def _cased(email: str) -> st.SearchStrategy[str]:
    """The email as written, or as someone might type it (emails compare case-insensitively)."""
    return st.sampled_from([email, email.capitalize(), email.upper()])


project_roles = st.sampled_from(["owner", "member"])


def _subset(pool: list[Any], *, max_size: int | None = None) -> st.SearchStrategy[list[Any]]:
    if not pool:
        return st.just([])
    return st.lists(st.sampled_from(pool), unique=True, max_size=max_size or len(pool))


@st.composite
def _limits(draw: st.DrawFn) -> dict[str, dict[str, int]]:
    """Rate limits for some seeded models, each field within the organization's maximum."""
    out: dict[str, dict[str, int]] = {}
    for model in draw(_subset(list(ORG_LIMITS))):
        fields = draw(st.lists(st.sampled_from(sorted(ORG_LIMITS[model])), min_size=1, unique=True))
        out[model] = {f: draw(st.integers(1, ORG_LIMITS[model][f])) for f in fields}
    return out


@st.composite
def seeds(draw: st.DrawFn) -> dict[str, Any]:
    """A live organization: users, invites, projects (some archived), accounts, certificates,
    spend limits and alerts, model and hosted-tool permissions."""
    users = {e: draw(roles) for e in draw(_subset(EMAILS))}
    names = draw(_subset(PROJECTS))
    projects: list[dict[str, Any]] = []
    for name in names:
        archived = draw(st.integers(0, 3)) == 0
        spec: dict[str, Any] = {"name": name, "archived": archived}
        members = draw(_subset([ADMIN, *users]))
        spec["members"] = {e: draw(project_roles) for e in members}
        spec["rate_limits"] = draw(_limits())
        spec["service_accounts"] = [
            {"name": n, "role": draw(project_roles)} for n in draw(_subset(ACCOUNTS))
        ]
        spec.update(draw(seed_project_policies()))
        projects.append(spec)
    if projects and not projects[0]["archived"] and draw(st.integers(0, 3)) == 0:
        projects.append({"name": projects[0]["name"], "archived": True})  # an archived twin
    active = [p["name"] for p in projects if not p["archived"]]
    invites = [
        {
            "email": e,
            "role": draw(roles),
            "projects": {p: draw(project_roles) for p in draw(_subset(active))},
        }
        for e in draw(_subset([e for e in EMAILS if e not in users]))
    ] + [
        {"email": e, "role": users[e], "status": "accepted", "projects": {}}
        for e in draw(_subset(list(users)))
    ]
    certificates = [
        {
            "name": draw(st.sampled_from(CERT_NAMES)),
            "pem": PEMS[i],
            "active": draw(st.booleans()),
            "projects": draw(_subset(active)),
        }
        for i in draw(_subset(list(range(len(PEMS))), max_size=2))
    ]
    return {
        "organization": "org-prop",
        "admin_key": {"owner": ADMIN, "name": "prop admin key"},
        "org_rate_limits": ORG_LIMITS,
        "users": [{"email": ADMIN, "role": "owner"}]
        + [{"email": e, "role": r} for e, r in users.items()],
        "invites": invites,
        "projects": projects,
        "certificates": certificates,
        **draw(seed_spend(["organization", *active], zero=True, nobody=True)),
        **draw(seed_retention(active)),
        "groups": draw(_seed_groups([ADMIN, *users])),
    }


@st.composite
def configs(draw: st.DrawFn, members: list[str]) -> dict[str, Any]:
    """A desired config over the same pools: some users new (invites), projects new/archived.

    Project members are declared users, or (no `users:` key) the live `members` given."""
    prune = {
        k: draw(st.booleans())
        for k in ("invites", "project_users", "service_accounts", "users", "certificates")
    }
    config: dict[str, Any] = {"version": 1, "settings": {"prune": prune}}
    if organization := draw(config_policies(org=True)):
        config["organization"] = organization
    declared = members
    if draw(_mostly):
        users = {e: draw(roles) for e in draw(_subset(EMAILS))}
        config["users"] = [{"email": ADMIN, "role": "owner"}] + [
            {"email": draw(_cased(e)), "role": r} for e, r in users.items()
        ]
        declared = [ADMIN, *users]
    cert_names: list[str] = []
    if draw(_mostly):
        indices = draw(_subset(list(range(len(PEMS)))))
        names = draw(st.lists(st.sampled_from(CERT_NAMES), min_size=len(indices),
                              max_size=len(indices), unique=True))  # fmt: skip
        config["certificates"] = [
            {"name": n, "pem": PEMS[i], "active": draw(st.booleans())}
            for i, n in zip(indices, names, strict=True)
        ]
        cert_names = names
    config["projects"] = [
        draw(_project(name, declared, cert_names)) for name in draw(_subset(PROJECTS))
    ]
    if draw(st.booleans()):
        config["groups"] = draw(_config_groups(declared))
        prune["groups"] = draw(st.booleans())
    return config


group_roles = st.lists(st.sampled_from(["owner", "reader"]), unique=True)


@st.composite
def _seed_groups(draw: st.DrawFn, users: list[str]) -> list[dict[str, Any]]:
    """Live groups over the pool: members among the users, predefined roles, one maybe SCIM."""
    return [
        {
            "name": name,
            "scim": name == SCIM_GROUP,
            "members": draw(_subset(users)),
            "roles": draw(group_roles),
        }
        for name in draw(_subset(GROUPS))
    ]


@st.composite
def _config_groups(draw: st.DrawFn, declared: list[str]) -> list[dict[str, Any]]:
    """Declared groups: members (never of the SCIM group) among the declared users, roles."""
    groups: list[dict[str, Any]] = []
    for name in draw(_subset(GROUPS)):
        group: dict[str, Any] = {"name": name}
        if name != SCIM_GROUP and draw(_mostly):
            group["members"] = draw(_subset(declared))
        if draw(_mostly):
            group["roles"] = draw(group_roles)
        groups.append(group)
    return groups


@st.composite
def _project(
    draw: st.DrawFn, name: str, declared: list[str], cert_names: list[str]
) -> dict[str, Any]:
    if draw(st.integers(0, 4)) == 0:
        return {"name": name, "archived": True}
    project: dict[str, Any] = {"name": name}
    if draw(_mostly):
        project["members"] = {e: draw(project_roles) for e in draw(_subset(declared))}
    if draw(_mostly):
        project["service_accounts"] = [
            _account(n, draw(st.sampled_from(["owner", "member", "none"])), draw(st.booleans()))
            for n in draw(_subset(ACCOUNTS))
        ]
    if draw(st.booleans()):
        project["rate_limits"] = draw(_limits())
    if draw(st.booleans()) and cert_names:
        project["certificates"] = draw(_subset(cert_names))
    project.update(draw(config_policies()))
    return project


def _account(name: str, role: str, api_key: bool) -> dict[str, Any]:
    if role == "none":
        return {"name": name, "role": role}
    return {"name": name, "role": role, "api_key": api_key}


GROUPS = ["team-a", "team-b", "team-c"]


@st.composite
def with_project_groups(
    draw: st.DrawFn, seed: dict[str, Any], config: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`seed` with its groups' access to its active projects, and `config` with `groups:` in
    some declared projects over the live groups and the ones the file creates, so that grants,
    role changes and removals all occur."""
    groups = seed.get("groups") or []
    live = [g["name"] for g in groups]
    declared = [g["name"] for g in config.get("groups") or []]
    # A group the file deletes (prune.groups; never a SCIM one) cannot be granted: a plan error.
    pruned = "groups" in config and config["settings"]["prune"].get("groups", False)
    kept = [g["name"] for g in groups if not pruned or g["name"] in declared or g.get("scim")]
    names = sorted({*kept, *declared})
    active = sorted({p["name"] for p in seed["projects"] if not p["archived"]})
    granted = {
        p: {g: draw(project_roles) for g in draw(_subset(live))} for p in draw(_subset(active))
    }
    projects: list[dict[str, Any]] = []
    for project in config["projects"]:
        if names and not project.get("archived") and draw(st.booleans()):
            chosen: list[str] = draw(_subset(names))
            projects.append({**project, "groups": {g: draw(project_roles) for g in chosen}})
        else:
            projects.append(project)
    return {**seed, "groups": groups, "project_groups": granted}, {**config, "projects": projects}


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_apply_converges_for_any_config(data: st.DataObject) -> None:
    """One apply of any reasonable config to any live organization fails nothing, leaves an
    empty plan, makes a second apply write nothing, duplicates nothing, and delivers exactly
    the keys of the keyed service accounts it created."""
    seed = data.draw(seeds(), label="seed")
    config = data.draw(configs([u["email"] for u in seed["users"]]), label="config")
    seed, config = data.draw(with_project_groups(seed, config), label="project groups")
    run_property(seed, config)


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_apply_converges_with_rotation_policies(data: st.DataObject) -> None:
    """The convergence property with rotation policies drawn on declared accounts (the live
    ones have no key yet, so each is due): one apply fails nothing, delivers exactly the keys
    of the accounts it created or rotated, and leaves a plan with nothing to do."""
    seed = data.draw(seeds(), label="seed")
    config = data.draw(configs([u["email"] for u in seed["users"]]), label="config")
    run_property(seed, data.draw(with_rotations(seed, config), label="rotations"))


def test_project_groups_converge_in_one_apply() -> None:
    """A grant (of a SCIM-managed group), a role change, a removal and a new project's group
    converge in one apply, as the property checks of any pair."""
    seed = {
        "organization": "org-prop",
        "admin_key": {"owner": ADMIN, "name": "prop admin key"},
        "org_rate_limits": ORG_LIMITS,
        "users": [{"email": ADMIN, "role": "owner"}, {"email": EMAILS[0], "role": "reader"}],
        "projects": [{"name": "alpha"}],
        "groups": [
            {"name": "team-a", "members": [EMAILS[0]]},
            {"name": "team-b", "scim": True, "members": [ADMIN]},
            {"name": "team-c"},
        ],
        "project_groups": {"alpha": {"team-a": "owner", "team-c": "member"}},
    }
    config = {
        "version": 1,
        "projects": [
            {"name": "alpha", "groups": {"team-a": "member", "team-b": "owner"}},
            {"name": "beta", "groups": {"team-c": "member"}},
        ],
    }
    box = run_property(seed, config)
    assert sum(len(granted) for granted in box.state.project_groups.values()) == 3


ROLE_NAMES = ["ops", "audit", "billing"]
PERMISSIONS = ["api.usage.read", "api.costs.read", "api.audit_logs.read"]


@st.composite
def role_seeds(draw: st.DrawFn, users: list[str]) -> dict[str, Any]:
    """Live custom roles and who holds them directly, over the seed's users."""
    names = draw(_subset(ROLE_NAMES))
    held = {e: draw(_subset(names)) for e in draw(_subset(users))}
    return {
        "roles": [{"name": n, "permissions": draw(_subset(PERMISSIONS))} for n in names],
        "user_roles": {e: held[e] for e in held if held[e]},
    }


@st.composite
def role_configs(
    draw: st.DrawFn, live: list[str], users: list[str], declared: list[str] | None
) -> dict[str, Any]:
    """A `roles:` list and prune.roles: roles new or live, permissions left out only where
    the role is live (a role must declare them to be created), holders among the users who
    stay (live, and declared when the file declares users)."""
    holders = [e for e in users if declared is None or e in declared]
    roles: list[dict[str, Any]] = []
    for name in draw(_subset(ROLE_NAMES)):
        role: dict[str, Any] = {"name": name}
        if draw(st.booleans()):
            role["description"] = draw(st.sampled_from(["Reads", "Audits"]))
        if name not in live or draw(_mostly):
            role["permissions"] = draw(_subset(PERMISSIONS))
        if draw(_mostly):
            role["users"] = [draw(_cased(e)) for e in draw(_subset(holders))]
        roles.append(role)
    if draw(st.booleans()):
        roles.append({"name": "reader"})
    return {"roles": roles, "prune": draw(st.booleans())}


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_one_apply_converges_with_roles(data: st.DataObject) -> None:
    """With custom roles and their holders live and declared, one apply still converges."""
    seed = data.draw(seeds(), label="seed")
    users = [u["email"] for u in seed["users"]]
    seed |= data.draw(role_seeds(users), label="role seed")
    config = data.draw(configs(users), label="config")
    declared = [u["email"].lower() for u in config["users"]] if "users" in config else None
    live_roles = [r["name"] for r in seed["roles"]]
    drawn = data.draw(role_configs(live_roles, users, declared), label="roles")
    config["roles"] = drawn["roles"]
    config["settings"]["prune"]["roles"] = drawn["prune"]
    run_property(seed, config)
