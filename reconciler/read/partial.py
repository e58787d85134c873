"""Re-read parts of a live organization read earlier, and merge them in (incremental drift).

    await reread(client, desired, live, *, org=set(), projects=set()) -> Live

`org` names organization collections ("users": users, invites and the admin keys;
"certificates": organization certificates); `projects` the keys of projects whose details are
read again: exactly the collections `live` holds for them (what the full read read), with the
same requests a full read makes for them. Everything else is `live`'s, unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reconciler.api import AdminClient
from reconciler.core.model import Desired, IdIndex, Live, Organization
from reconciler.read.live import Scope, read_org
from reconciler.read.progress import Tracker
from reconciler.read.projects import ProjectDetails, ProjectReads
from reconciler.read.tasks import read_group


async def reread(
    client: AdminClient,
    desired: Desired,
    live: Live,
    *,
    org: Iterable[str] = (),
    projects: Iterable[str] = (),
) -> Live:
    """`live` with the named parts read again (see the module docstring)."""
    parts = set(org)
    keys = sorted(set(projects))
    tracker = Tracker(None)
    names = {ident: key for key, ident in live.ids.projects.items()}
    scope = Scope(users="users" in parts, certificates="certificates" in parts)
    reads = ProjectReads(client, tracker)
    async with read_group() as group:
        org_task = group.create_task(read_org(client, tracker, scope, desired, names))
        for key in keys:
            project = live.org.projects[key]
            reads.start(group, key, project, project)
    read = org_task.result()
    organization, ids, owner = live.org, live.ids, live.admin_key_owner
    if read.users is not None and read.invites is not None:
        users = {user.email: (user, ident) for user, ident in read.users}
        owner = next((e for e, (_, i) in users.items() if i == read.key_owner_id), None)
        organization = replace(
            organization,
            users={e: u for e, (u, _) in users.items()},
            invites={e: i for e, (i, _) in read.invites.items()},
        )
        ids = replace(
            ids,
            users={e: i for e, (_, i) in users.items()},
            invites={e: i for e, (_, i) in read.invites.items()},
        )
    if read.certificates is not None:
        organization = replace(
            organization, certificates={n: c for n, (c, _) in read.certificates.items()}
        )
        ids = replace(ids, certificates={n: i for n, (_, i) in read.certificates.items()})
    cert_keys = {ident: name for name, ident in ids.certificates.items()}
    details = reads.results(cert_keys)
    organization, ids = _merge(organization, ids, details, keys)
    return Live(org=organization, ids=ids, admin_key_owner=owner, default_project=None)


def _merge(
    organization: Organization,
    ids: IdIndex,
    details: ProjectDetails,
    keys: list[str],
) -> tuple[Organization, IdIndex]:
    """Replace the re-read projects and the ids keyed under them."""
    done = set(keys)
    projects = {**organization.projects, **details.projects}
    accounts = {k: v for k, v in ids.service_accounts.items() if k[0] not in done}
    limits = {k: v for k, v in ids.rate_limits.items() if k[0] not in done}
    accounts.update(details.service_account_ids)
    limits.update(details.rate_limit_ids)
    return (
        replace(organization, projects=projects),
        replace(ids, service_accounts=accounts, rate_limits=limits),
    )
