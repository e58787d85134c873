"""The `Declarations` of a validated config: the `file:line` of every user, member and
service-account entry, from the marks the YAML reader kept (config/source.py)."""

from __future__ import annotations

from reconciler.config.schema import ConfigFile
from reconciler.config.source import Locations, Path
from reconciler.core.declared import Declarations
from reconciler.core.model import normalize_email


def declarations(config: ConfigFile, loc: Locations) -> Declarations:
    """Where each principal of `config` is declared (emails lower-cased, as in the model)."""
    users = {
        normalize_email(user.email): _at(loc, ("users", index))
        for index, user in enumerate(config.users or [])
    }
    members: dict[tuple[str, str], str] = {}
    accounts: dict[tuple[str, str], str] = {}
    for p, project in enumerate(config.projects):
        for email in project.members or {}:
            where = _at(loc, ("projects", p, "members", email))
            members[(project.name, normalize_email(email))] = where
        for index, account in enumerate(project.service_accounts or []):
            where = _at(loc, ("projects", p, "service_accounts", index))
            accounts[(project.name, account.name)] = where
    pinned = {p.id: p.name for p in config.projects if p.id is not None}
    return Declarations(users=users, members=members, service_accounts=accounts, project_ids=pinned)


def _at(loc: Locations, path: Path) -> str:
    """`file:line` of the entry at `path` (the file alone when it has no marks); in a config
    directory, the fragment that declares it."""
    mark = loc.find(path)
    file = loc.file_of(path)
    return f"{file}:{mark[0]}" if mark else file
