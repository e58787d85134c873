"""Cross-reference checks on a schema-valid config: what one key says about another.

Every check returns problems instead of raising, so that `validate` shows all of them at once,
each at the line of the offending key. Certificates (files, X.509, expiry) are checked in
`certificates.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from reconciler.config.kinds.registry import parts
from reconciler.config.names import padded, short
from reconciler.config.parts import Place
from reconciler.config.schema import ConfigFile, ProjectConfig, RateLimitConfig
from reconciler.config.source import Locations, Path
from reconciler.core import model
from reconciler.errors import Problem

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PROJECT_COLLECTIONS = (
    "members", "service_accounts", "rate_limits", "certificates", "models",
    "hosted_tools",
)  # fmt: skip


def check_config(config: ConfigFile, loc: Locations) -> list[Problem]:
    """Every cross-reference problem in `config` (errors and warnings)."""
    problems = [
        *_explicit_nulls(config, loc),
        *_users(config, loc),
        *_settings(config, loc),
        *_unique(
            (
                (("certificates", i, "name"), c.name)
                for i, c in enumerate(config.certificates or [])
            ),
            loc,
            "certificate name",
        ),
        *_unique(
            ((("projects", i, "name"), p.name) for i, p in enumerate(config.projects)),
            loc,
            "project name",
        ),
        *_unique(
            ((("projects", i, "id"), p.id) for i, p in enumerate(config.projects) if p.id),
            loc,
            "project id",
        ),
    ]
    problems += _profiles(config, loc)
    problems += _padded_names(config, loc)
    problems += _part_checks(config, loc)
    # Once, not per project: 5,000 projects × 2,000 users would be 10 million normalizations.
    users = None if config.users is None else {model.normalize_email(u.email) for u in config.users}
    for index, project in enumerate(config.projects):
        problems.extend(_project(config, index, project, loc, users))
    return problems


def _part_checks(config: ConfigFile, loc: Locations) -> Iterator[Problem]:
    """Each plug-in kind's own cross-reference checks (config/parts.py), where it is declared."""
    places: list[tuple[Place, Path, BaseModel | None]] = [
        ("root", (), config),
        ("organization", ("organization",), config.organization),
    ]
    places += [
        ("project", ("projects", i), p) for i, p in enumerate(config.projects) if not p.archived
    ]
    for place, base, holder in places:
        for part in parts(place):
            value = getattr(holder, part.name, None) if holder is not None else None
            if part.check is not None and value is not None:
                yield from part.check(config, (*base, part.name), value, loc)


def effective_rate_limits(
    project: ProjectConfig, profiles: dict[str, dict[str, RateLimitConfig]]
) -> dict[str, dict[str, int]] | None:
    """The project's limits: its profile's, overridden field by field by its own (None: neither)."""
    if project.rate_limit_profile is None and project.rate_limits is None:
        return None
    result: dict[str, dict[str, int]] = {}
    sources = [profiles.get(project.rate_limit_profile or "", {}), project.rate_limits or {}]
    for source in sources:
        for name, limits in source.items():
            result.setdefault(name, {}).update(limits.model_dump(exclude_none=True))
    return result


def valid_email(email: str) -> bool:
    """A simple shape check: something@domain.tld, no spaces."""
    return bool(_EMAIL.match(email.strip()))


_EMPTY_VALUE = "empty value: leave the key out to leave it alone, or give it a value"


def _explicit_nulls(config: ConfigFile, loc: Locations) -> Iterator[Problem]:
    """`members:` with nothing after it is ambiguous: leave it out, or write `{}` / `[]`."""
    message = "empty value: leave the key out to leave these alone, or write [] or {} for none"
    # Plug-in kinds' keys too (config/parts.py): `groups:` alone is as ambiguous as `members:`.
    root = ("users", "certificates", *(part.name for part in parts("root")))
    in_project = (*_PROJECT_COLLECTIONS, *(part.name for part in parts("project")))
    owners: list[tuple[Path, BaseModel | None, tuple[str, ...]]] = [
        ((), config, root),
        (("organization",), config.organization, tuple(p.name for p in parts("organization"))),
    ]
    owners += [(("projects", i), p, in_project) for i, p in enumerate(config.projects)]
    single = {part.name for part in parts() if not part.collection}
    for path, obj, names in owners:
        for name in names:
            if obj is not None and name in obj.model_fields_set and getattr(obj, name) is None:
                said = _EMPTY_VALUE if name in single else message
                yield loc.problem((*path, name), said)


def _users(config: ConfigFile, loc: Locations) -> Iterator[Problem]:
    users = config.users or []
    for index, user in enumerate(users):
        if not valid_email(user.email):
            yield loc.problem(("users", index, "email"), f"{user.email!r} is not an email address")
    keyed = ((("users", i, "email"), model.normalize_email(u.email)) for i, u in enumerate(users))
    yield from _unique(keyed, loc, "user email")


def _settings(config: ConfigFile, loc: Locations) -> Iterator[Problem]:
    safety = config.settings.safety
    for index, email in enumerate(safety.protected_users):
        if not valid_email(email):
            path = ("settings", "safety", "protected_users", index)
            yield loc.problem(path, f"{email!r} is not an email address")
    if config.users is None:
        return
    owners = sum(1 for user in config.users if user.role == "owner")
    if owners < safety.min_owners:
        yield loc.problem(
            ("users",),
            f"declares {owners} owner(s) but settings.safety.min_owners is {safety.min_owners}",
            severity="warning",
        )


def _unique(items: Iterable[tuple[Path, str]], loc: Locations, what: str) -> Iterator[Problem]:
    """An error at each repeat of a value, naming the line of its first use."""
    first: dict[str, Path] = {}
    for path, value in items:
        if value in first:
            mark = loc.find(first[value])
            where = f" (first on line {mark[0]})" if mark else ""
            if loc.file_of(first[value]) != loc.file_of(path):
                where = f" (first at {loc.where(first[value])})"
            yield loc.problem(path, f"duplicate {what} {value!r}{where}")
        else:
            first[value] = path


def _project(
    config: ConfigFile, index: int, project: ProjectConfig, loc: Locations, users: set[str] | None
) -> Iterator[Problem]:
    base: Path = ("projects", index)
    if project.archived:
        plugged = (part.name for part in parts("project"))
        owned = (*_PROJECT_COLLECTIONS, "rate_limit_profile", "spend_limit", "spend_alerts")
        for name in (*owned, *plugged):
            if getattr(project, name) is not None:
                yield loc.problem((*base, name), "an archived project has none; remove this key")
        return
    yield from _members(base, project, loc, users)
    accounts = project.service_accounts or []
    names = (((*base, "service_accounts", i, "name"), a.name) for i, a in enumerate(accounts))
    yield from _unique(names, loc, "service account name")
    yield from _rate_limits(config, base, project, loc)
    yield from _project_certificates(config, base, project, loc)


def _members(
    base: Path, project: ProjectConfig, loc: Locations, users: set[str] | None
) -> Iterator[Problem]:
    """Each member an email address, declared in `users` (None: users are not managed), once."""
    members = project.members or {}
    for email in members:
        path = (*base, "members", email)
        if not valid_email(email):
            yield loc.problem(path, f"{email!r} is not an email address")
        elif users is not None and model.normalize_email(email) not in users:
            yield loc.problem(
                path, f"{email!r} is not declared in users (add it there to invite them)"
            )
    keyed = (((*base, "members", e), model.normalize_email(e)) for e in members)
    yield from _unique(keyed, loc, "member")


def _rate_limits(
    config: ConfigFile, base: Path, project: ProjectConfig, loc: Locations
) -> Iterator[Problem]:
    profile = project.rate_limit_profile
    if profile is not None and profile not in config.rate_limit_profiles:
        known = ", ".join(sorted(config.rate_limit_profiles)) or "none are declared"
        yield loc.problem((*base, "rate_limit_profile"), f"unknown profile {profile!r} ({known})")
    own = project.rate_limits or {}
    for name, limits in (effective_rate_limits(project, config.rate_limit_profiles) or {}).items():
        if not limits and name in own:  # one only from the profile is reported at the profile
            yield loc.problem((*base, "rate_limits", name), f"no limits given for model {name!r}")


def _padded_names(config: ConfigFile, loc: Locations) -> Iterator[Problem]:
    """A warning at each declared name that starts or ends with whitespace: the API allows it
    (so export writes it), but typed by hand it is more likely a slip than a different name."""
    names: list[tuple[Path, str]] = [
        (("certificates", i, "name"), c.name) for i, c in enumerate(config.certificates or [])
    ]
    for profile, models in config.rate_limit_profiles.items():
        names.append((("rate_limit_profiles", profile), profile))
        names += [(("rate_limit_profiles", profile, m), m) for m in models]
    for i, project in enumerate(config.projects):
        names.append((("projects", i, "name"), project.name))
        accounts = enumerate(project.service_accounts or [])
        names += [(("projects", i, "service_accounts", j, "name"), a.name) for j, a in accounts]
        names += [(("projects", i, "rate_limits", m), m) for m in project.rate_limits or {}]
    for path, name in names:
        if padded(name):
            message = f"{short(name)} starts or ends with whitespace, which is part of the name"
            yield loc.problem(path, message, severity="warning")


def _profiles(config: ConfigFile, loc: Locations) -> Iterator[Problem]:
    """A profile's model entry that sets no limit, at its own line (whichever projects use it)."""
    for profile, models in config.rate_limit_profiles.items():
        for name, limits in models.items():
            if not limits.model_dump(exclude_none=True):
                path = ("rate_limit_profiles", profile, name)
                yield loc.problem(path, f"no limits given for model {name!r}")


def _project_certificates(
    config: ConfigFile, base: Path, project: ProjectConfig, loc: Locations
) -> Iterator[Problem]:
    declared = {c.name for c in config.certificates or []}
    names = project.certificates or []
    for i, name in enumerate(names):
        if name not in declared:
            yield loc.problem(
                (*base, "certificates", i), f"certificate {name!r} is not declared in certificates"
            )
    yield from _unique(
        (((*base, "certificates", i), n) for i, n in enumerate(names)), loc, "certificate"
    )
