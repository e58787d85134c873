"""Admin API → Live: read exactly what the desired state puts in scope, with the fewest requests.

What is read (every collection is listed once, 100 objects per request; there are no per-object
GETs except certificate contents, see kinds/certificates.py):

- projects, always, archived included (names → ids, un-archive findings, name clashes);
- users and invites when the file declares users or any project declares members (members must
  be organization members), plus the admin keys (one request) to tell who owns the key in use;
- organization certificates when any certificate is declared (organization or project);
- the organization's spend limit and spend alerts, each when the file manages it;
- for each declared project that exists live and is not archived: members, service accounts,
  rate limits, certificates, spend limit and alerts, each only where that project declares it;
- with `settings.api_keys`, the API keys of each such project (`owner_project_access=any`);
- when prune.certificates may delete a certificate, the certificates of every other active
  project too (the API refuses to delete a certificate still active in any project).

Independent reads run concurrently under the client's in-flight cap and per-family pacing.
`Live.default_project` stays None: the API does not say which project is the default one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from reconciler.api import AdminClient
from reconciler.core.model import (
    Certificate,
    Desired,
    IdIndex,
    Invite,
    Live,
    Organization,
    Project,
    SpendAlert,
    SpendLimit,
    User,
)
from reconciler.kinds import (
    certificates,
    invites,
    projects,
    registry,
    spend_alerts,
    spend_limits,
    users,
)
from reconciler.kinds.spec import PartRead
from reconciler.read import admin_keys
from reconciler.read.progress import FetchProgress, Tracker
from reconciler.read.projects import ProjectDetails, ProjectReads, key_projects, match_project
from reconciler.read.tasks import read_group

__all__ = ["FetchProgress", "Scope", "fetch_live"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which organization-level kinds the desired state puts in scope."""

    users: bool
    certificates: bool

    @classmethod
    def of(cls, desired: Desired) -> Scope:
        """The scope of a desired state (a None collection is not declared)."""
        org = desired.org
        declared = org.projects.values()
        return cls(
            users=org.users is not None
            or desired.settings.prune.users
            or any(p.members is not None for p in declared)
            or any(s.reads_users and s.part in org.parts for s in registry.specs()),
            certificates=org.certificates is not None
            or any(p.certificates is not None for p in declared),
        )


@dataclass(frozen=True, slots=True)
class OrgReads:
    """Organization-level results."""

    users: list[tuple[User, str]] | None
    invites: dict[str, tuple[Invite, str]] | None
    certificates: dict[str, tuple[Certificate, str]] | None
    key_owner_id: str | None
    spend_limit: SpendLimit | None = None
    spend_alerts: dict[int, tuple[SpendAlert, str]] | None = None
    parts: dict[str, PartRead] = field(default_factory=dict)


async def fetch_live(
    client: AdminClient,
    desired: Desired,
    *,
    progress: FetchProgress | None = None,
    listed: list[Project] | None = None,
) -> Live:
    """Read the live organization, in the scope `desired` sets, as a `Live` with its ids.

    `listed` is the project list when the caller has just read it (export does, to build its
    scope), so it is not read twice.
    """
    scope = Scope.of(desired)
    tracker = Tracker(progress)
    if listed is None:
        listed = await tracker.run("projects", projects.read_projects(client))
    live_projects = listed
    keyed = key_projects(live_projects, desired)
    names = {project.id: key for key, project in keyed.items() if project.id is not None}
    async with read_group() as group:
        org_task = group.create_task(read_org(client, tracker, scope, desired, names))
        details = ProjectReads(client, tracker, keys=desired.settings.api_keys.declared)
        for declared in desired.org.projects.values():
            found = match_project(declared, keyed)
            if found is not None and not keyed[found].archived:
                details.start(group, found, keyed[found], declared)
    org = org_task.result()
    cert_keys = {ident: key for key, (_, ident) in (org.certificates or {}).items()}
    read = details.results(cert_keys)
    if _may_prune_a_certificate(desired, org):
        await _read_activations(client, tracker, keyed, read, cert_keys)
    live = _assemble(keyed, read, org)
    for spec in registry.specs():
        if spec.read_after is not None and spec.part is not None and spec.after_wanted(desired):
            label = spec.part.replace("_", " ")
            live = await tracker.run(label, spec.read_after(client, desired, live))
    return replace(live, read_at=int(client.clock.time()))


def _may_prune_a_certificate(desired: Desired, org: OrgReads) -> bool:
    """Whether the plan may delete a certificate: one whose content no declared certificate
    has, or a second copy of one that is declared."""
    if not desired.settings.prune.certificates or org.certificates is None:
        return False
    declared = {cert.fingerprint for cert in (desired.org.certificates or {}).values()}
    prints = Counter(cert.fingerprint for cert, _ in org.certificates.values())
    return any(fp not in declared or count > 1 for fp, count in prints.items())


async def _read_activations(
    client: AdminClient,
    tracker: Tracker,
    keyed: Mapping[str, Project],
    read: ProjectDetails,
    cert_keys: Mapping[str, str],
) -> None:
    """Certificate activations of every active project not read yet (into `read`): the API
    refuses to delete a certificate active anywhere, so the plan deactivates it there first."""
    unread = [
        key
        for key, project in keyed.items()
        if project.id and not project.archived
        and read.projects.get(key, project).certificates is None
    ]  # fmt: skip
    async with read_group() as group:
        tasks = {
            key: group.create_task(
                tracker.run(
                    f"{key}: certificates",
                    certificates.read_project_certificates(client, str(keyed[key].id)),
                )
            )
            for key in unread
        }
    for key, task in tasks.items():
        active = frozenset(cert_keys.get(c.id, c.name) for c in task.result() if c.active)
        read.projects[key] = replace(read.projects.get(key, keyed[key]), certificates=active)


async def read_org(
    client: AdminClient,
    tracker: Tracker,
    scope: Scope,
    desired: Desired,
    project_names: Mapping[str, str],
) -> OrgReads:
    """Users, invites, admin keys and certificates, concurrently, as far as they are in scope."""
    async with read_group() as group:
        user_task = invite_task = key_task = cert_task = spend_task = alert_task = None
        if scope.users:
            user_task = group.create_task(tracker.run("users", users.read_users(client)))
            invite_task = group.create_task(
                tracker.run("invites", invites.read_invites(client, project_names))
            )
            key_task = group.create_task(
                tracker.run("admin keys", admin_keys.read_admin_keys(client))
            )
        if scope.certificates:
            wanted = list((desired.org.certificates or {}).values())
            cert_task = group.create_task(_read_certificates(client, tracker, wanted))
        if desired.org.spend_limit is not None:
            spend_read = spend_limits.read_spend_limit(client, None)
            spend_task = group.create_task(tracker.run("spend limit", spend_read))
        if desired.org.spend_alerts is not None:
            alert_read = spend_alerts.read_spend_alerts(client, None)
            alert_task = group.create_task(tracker.run("spend alerts", alert_read))
        part_tasks = {
            spec.part: group.create_task(
                tracker.run(spec.part.replace("_", " "), spec.read_org(client, desired))
            )
            for spec in registry.specs()
            if spec.part is not None and spec.read_org is not None and spec.org_wanted(desired)
        }
    return OrgReads(
        users=user_task.result() if user_task else None,
        invites=invite_task.result() if invite_task else None,
        certificates=cert_task.result() if cert_task else None,
        key_owner_id=admin_keys.owner_of_key_in_use(client, key_task.result())
        if key_task
        else None,
        spend_limit=spend_task.result() if spend_task else None,
        spend_alerts=alert_task.result() if alert_task else None,
        parts={name: task.result() for name, task in part_tasks.items()},
    )


async def _read_certificates(
    client: AdminClient, tracker: Tracker, wanted: list[Certificate]
) -> dict[str, tuple[Certificate, str]]:
    """Organization certificates by name, downloading content only where the list cannot tell."""
    listed = await tracker.run("certificates", certificates.read_certificates(client))
    names = Counter(cert.name for cert in listed)
    known = {
        cert.id: certificates.known_fingerprint(cert, wanted, name_unique=names[cert.name] == 1)
        for cert in listed
    }
    to_fetch = [cert.id for cert in listed if known[cert.id] is None]
    fetched = await asyncio.gather(
        *(
            tracker.run("certificate content", certificates.read_fingerprint(client, ident))
            for ident in to_fetch
        )
    )
    fingerprints = {**known, **dict(zip(to_fetch, fetched, strict=True))}
    # A declared name is kept for the declared content: another certificate under that name is
    # keyed `name#id`, so that a rename onto the name and that certificate's deletion (or
    # deactivation) are changes to two different keys, each resolving to its own id.
    declared = {d.name: d.fingerprint for d in wanted}
    keyed: dict[str, tuple[Certificate, str]] = {}
    for cert in listed:
        fingerprint = fingerprints[cert.id] or ""
        other = cert.name in declared and declared[cert.name] != fingerprint
        key = f"{cert.name}#{cert.id}" if other or cert.name in keyed else cert.name
        model = certificates.to_model(cert, fingerprint=fingerprint)
        keyed[key] = (replace(model, name=key), cert.id)
    return keyed


def _assemble(keyed: Mapping[str, Project], details: ProjectDetails, org: OrgReads) -> Live:
    """The Live value and its id index from everything read."""
    all_projects = {key: details.projects.get(key, project) for key, project in keyed.items()}
    users_by_email = {user.email: (user, ident) for user, ident in org.users or []}
    owner = next(
        (email for email, (_, ident) in users_by_email.items() if ident == org.key_owner_id),
        None,
    )
    if org.users is not None and owner is None:
        log.info("the owner of the admin key in use is not an organization user we could see")
    organization = Organization(
        users=None if org.users is None else {e: u for e, (u, _) in users_by_email.items()},
        invites=None if org.invites is None else {e: i for e, (i, _) in org.invites.items()},
        certificates=None
        if org.certificates is None
        else {name: cert for name, (cert, _) in org.certificates.items()},
        projects=all_projects,
        spend_limit=org.spend_limit,
        spend_alerts=None
        if org.spend_alerts is None
        else {c: a for c, (a, _) in org.spend_alerts.items()},
        parts={name: value for name, (value, _) in org.parts.items()},
    )
    part_ids = {name: dict(found) for name, (_, found) in org.parts.items()}
    for name, found in details.part_ids.items():
        part_ids.setdefault(name, {}).update(found)
    ids = IdIndex(
        projects={key: p.id for key, p in keyed.items() if p.id is not None},
        users={email: ident for email, (_, ident) in users_by_email.items()},
        invites={email: ident for email, (_, ident) in (org.invites or {}).items()},
        service_accounts=details.service_account_ids,
        rate_limits=details.rate_limit_ids,
        certificates={name: ident for name, (_, ident) in (org.certificates or {}).items()},
        spend_alerts={
            **{("", c): i for c, (_, i) in (org.spend_alerts or {}).items()},
            **details.spend_alert_ids,
        },
        parts=part_ids,
    )
    return Live(org=organization, ids=ids, admin_key_owner=owner, default_project=None)
