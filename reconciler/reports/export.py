"""Export: the live organization as a config file, so a team can adopt reconciler as it is.

    await read_everything(client) -> Exported       every kind, every project (I/O)
    exported_desired(live) -> Desired               live → the config model (pure)
    render_config(exported, *, now) -> str          YAML text with comments (export_yaml.py)
    (the command writes it: commands/export.py, through output_file.py)

What is read: projects (archived ones are listed as archived, with nothing else; one that
repeats the name of an active or another archived project is left out: names are unique in the
file, and the plan ignores undeclared archived projects), users, pending invites (declared as
users: the file then keeps the invite), every active project's members, service accounts, rate
limits and certificates, and organization certificates with their PEM (`include[]=content`).
Planning the exported file against the same organization gives no changes.

Rate limits: the API gives every project a limit for every model, starting at the
organization's. Only limits that differ from the most common value for that model across
projects are exported; the others are left out (not managed), and a comment says so.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from reconciler.api import AdminClient
from reconciler.core.model import (
    Desired,
    Live,
    ModelPolicy,
    Organization,
    Project,
    RateLimit,
    SpendLimit,
    User,
)
from reconciler.errors import ExportError
from reconciler.kinds import registry
from reconciler.kinds.certificates import read_pem
from reconciler.kinds.projects import read_projects
from reconciler.kinds.spec import KindSpec
from reconciler.read.live import FetchProgress, fetch_live

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Exported:
    """The live organization as a Desired, with what the renderer should comment on."""

    desired: Desired
    invited: frozenset[str] = frozenset()
    default_limits: int = 0
    missing_pem: frozenset[str] = frozenset()


def probe(listed: Iterable[Project]) -> Desired:
    """A Desired that puts every kind and every active project in scope, for fetch_live.

    Projects are declared by name, pinned by id: of projects sharing a name, the active one
    (its details are what the file needs); an archived one only when no project of its name is
    active."""
    by_name = {p.name: p for p in sorted(listed, key=lambda p: not p.archived)}
    everything = {
        name: Project(name=name, id=p.id, archived=True)
        if p.archived
        else Project(
            name=name,
            id=p.id,
            members={},
            service_accounts={},
            rate_limits={},
            certificates=frozenset(),
            spend_limit=SpendLimit(None),
            spend_alerts={},
            models=ModelPolicy(),
            hosted_tools={},
            parts=_everything("project"),
        )
        for name, p in by_name.items()
    }
    org = Organization(
        users={}, certificates={}, projects=everything, spend_limit=SpendLimit(None),
        spend_alerts={}, parts=_everything("organization"),
    )  # fmt: skip
    return Desired(org=org)


def _everything(scope: str) -> dict[str, object]:
    """What a probe declares of each plug-in kind (kinds/spec.py) to read all of it."""
    return {spec.part: spec.everything for spec in _specs_at(scope) if spec.part is not None}


def _specs_at(scope: str) -> list[KindSpec]:
    """The plug-in kinds whose part sits at `scope` (a part name may sit at both: the root
    `groups:` and a project's `groups:` are two kinds)."""
    return [
        spec
        for spec in registry.specs()
        if (spec.read_org if scope == "organization" else spec.read_project) is not None
    ]


def _exported(parts: Mapping[str, object], scope: str) -> dict[str, object]:
    """Plug-in kinds' live values as the exported file declares them (left out when None)."""
    out: dict[str, object] = {}
    for spec in _specs_at(scope):
        if spec.part is not None and spec.part in parts:
            value = spec.exported(parts[spec.part])
            if value is not None:
                out[spec.part] = value
    return out


async def read_everything(
    client: AdminClient, *, progress: FetchProgress | None = None
) -> Exported:
    """Read the whole live organization (and certificate contents) and turn it into a Desired."""
    listed = await read_projects(client)
    live = await fetch_live(client, probe(listed), progress=progress, listed=listed)
    pems = await _read_pems(client, live)
    return exported_desired(live, pems=pems)


async def _read_pems(client: AdminClient, live: Live) -> dict[str, str]:
    """Each organization certificate's PEM, by name (one GET each: the list has no content)."""
    pems: dict[str, str] = {}
    for name, ident in sorted(live.ids.certificates.items()):
        content = await read_pem(client, ident)
        if content is not None and content.strip():
            pems[name] = content
    return pems


def exported_desired(live: Live, *, pems: Mapping[str, str] | None = None) -> Exported:
    """The live organization as a config model (pure; see the module docstring)."""
    org = live.org
    _refuse_duplicates(org)
    pems = pems or {}
    users = dict(org.users or {})
    invited = set()
    for email, invite in (org.invites or {}).items():
        if invite.status == "pending" and email not in users:
            users[email] = User(email=email, role=invite.role)
            invited.add(email)
    certs = {n: replace(c, pem=pems.get(n)) for n, c in (org.certificates or {}).items()}
    defaults = _common_limits(org.projects)
    projects = {
        n: _project(p, defaults, live)
        for n, p in org.projects.items()
        if n == p.name or not p.archived
    }
    projects = _with_invitees(projects, org)
    org_limit = _spend_limit(org.spend_limit)
    organization = Organization(
        users=users, certificates=certs, projects=projects, spend_limit=org_limit,
        spend_alerts=org.spend_alerts or None, parts=_exported(org.parts, "organization"),
    )  # fmt: skip
    desired = Desired(org=organization)
    return Exported(
        desired=desired,
        invited=frozenset(invited),
        default_limits=len(defaults),
        missing_pem=frozenset(n for n in certs if n not in pems),
    )


def _spend_limit(limit: SpendLimit | None) -> SpendLimit | None:
    """A live spend limit is exported; no limit is left out (not managed), not `none`."""
    return limit if limit is not None and limit.cents is not None else None


def _refuse_duplicates(org: Organization) -> None:
    """Names the file identifies objects by, taken twice live, cannot be exported: one of each
    would be left out (and a service account left out is pruned), so say which, all at once."""
    twice: Counter[str] = Counter()
    for key, project in org.projects.items():
        if not project.archived:
            twice[f"project {project.name!r}"] += 1
            for account in (project.service_accounts or {}).values():
                twice[f"service account {account.name!r} in project {key!r}"] += 1
    clashes = [
        f"{what} ({n} {'accounts' if what.startswith('service') else 'active projects'})"
        for what, n in sorted(twice.items())
        if n > 1
    ]
    if clashes:
        raise ExportError(
            "cannot export: the config identifies these by name, and each name is taken more "
            f"than once: {'; '.join(clashes)}; rename the extra ones in the dashboard, then "
            "export again"
        )


def _project(project: Project, defaults: Mapping[str, RateLimit], live: Live) -> Project:
    if project.archived:
        return Project(name=project.name, id=project.id, archived=True)
    limits = {
        model: limit
        for model, limit in (project.rate_limits or {}).items()
        if defaults.get(model) != limit
    }
    # No model policy (every model usable) is the default: left out, like default rate limits.
    models = project.models if project.models and project.models.mode != "all" else None
    return replace(
        project,
        id=project.id or live.ids.projects.get(project.name),
        rate_limits=limits,
        spend_limit=_spend_limit(project.spend_limit),
        spend_alerts=project.spend_alerts or None,  # none: left out, as a limit
        models=models,
        hosted_tools=_disabled(project.hosted_tools),
        parts=_exported(project.parts, "project"),
    )


def _disabled(tools: Mapping[str, bool] | None) -> dict[str, bool] | None:
    """The hosted tools turned off (every tool is on by default), or None when all are on."""
    off = {tool: False for tool, enabled in (tools or {}).items() if not enabled}
    return off or None


def _common_limits(projects: Mapping[str, Project]) -> dict[str, RateLimit]:
    """For each model, the limits most active projects have (the organization's, usually)."""
    counted: Counter[RateLimit] = Counter(
        limit
        for p in projects.values()
        if not p.archived
        for limit in (p.rate_limits or {}).values()
    )
    best: dict[str, tuple[int, RateLimit]] = {}
    for limit, n in counted.items():
        if limit.model not in best or n > best[limit.model][0]:
            best[limit.model] = (n, limit)
    return {model: limit for model, (_, limit) in best.items()}


def _with_invitees(projects: dict[str, Project], org: Organization) -> dict[str, Project]:
    """A pending invite's projects become memberships, so the plan keeps the invite as it is."""
    for email, invite in (org.invites or {}).items():
        if invite.status != "pending" or email in (org.users or {}):
            continue
        for name, role in invite.projects:
            project = projects.get(name)
            if project is None or project.members is None:
                continue
            projects[name] = replace(project, members={**project.members, email: role})
    return projects


__all__ = [
    "ExportError",
    "Exported",
    "exported_desired",
    "probe",
    "read_everything",
]
