"""Desired × Live → the unordered changes, findings and unmanaged objects that make them meet.

`diff` walks the canonical model kind by kind: projects (matched by pinned id, then by name),
organization users and invites, project members, service accounts, rate limits and
certificates. Fields are compared directly (plain dict comparison is fast enough for tens of
thousands of memberships, and says exactly which field moved); what the API cannot do becomes a
`Finding` or a REPLACE, never a silent no-op. Ordering is `plan.py`'s job.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.change import Action, Change, Finding, Kind, Severity, Unmanaged
from reconciler.diff_children import diff_project_children
from reconciler.diff_out import Collector, field_changes
from reconciler.diff_users import ProjectScope, diff_users
from reconciler.model import Certificate, Desired, Live, Project

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Diff:
    """What `diff` found, in no particular order (plan.py orders it)."""

    changes: tuple[Change, ...] = ()
    findings: tuple[Finding, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()


def diff(desired: Desired, live: Live) -> Diff:
    """Every change, finding and unmanaged object between desired and live state, in scope."""
    out = Collector()
    scope = _diff_projects(desired, live, out)
    leaving = diff_users(desired, live, scope, out)
    renamed_certs = _diff_certificates(desired, live, out)
    for name in scope.present:
        want = desired.org.projects[name]
        have = scope.matched.get(name)
        diff_project_children(
            name, want, have, desired=desired, live=live, leaving=leaving,
            renamed_certs=renamed_certs, out=out,
        )  # fmt: skip
    log.debug("diff: %s changes, %s findings", len(out.changes), len(out.findings))
    return Diff(tuple(out.changes), tuple(out.findings), tuple(out.unmanaged))


def _diff_projects(desired: Desired, live: Live, out: Collector) -> ProjectScope:
    """Create, rename and archive projects; say what cannot be done; list undeclared ones."""
    by_id = {p.id: key for key, p in live.org.projects.items() if p.id}
    matched: dict[str, Project] = {}
    created: set[str] = set()
    seen_live: set[str] = set()
    for name, want in desired.org.projects.items():
        live_key = _match(name, want, by_id, live, out)
        have = _Missing if live_key == "" else live.org.projects.get(live_key or name)
        if live_key:
            seen_live.add(live_key)
        state = _project_state(name, want, have, out)
        if state == "create":
            created.add(name)
        elif state == "exists" and have is not None:
            matched[name] = have
    for key, have in live.org.projects.items():
        if key not in seen_live and not have.archived:
            out.unmanaged.append(
                Unmanaged(Kind.PROJECT, (key,), "not in the config; projects are never pruned")
            )
    return ProjectScope(matched=matched, created=frozenset(created))


def _match(
    name: str, want: Project, by_id: Mapping[str, str], live: Live, out: Collector
) -> str | None:
    """The key of the live project a declared one stands for: by pinned id, else by name.

    None when there is none; "" when the pinned id is unknown (an error: nothing is planned).
    """
    if want.id is None:
        return name if name in live.org.projects else None
    key = by_id.get(want.id)
    if key is None:
        out.finding(
            Severity.ERROR, Kind.PROJECT, (name,),
            f"project {name} is pinned to id {want.id}, which the organization does not have",
        )  # fmt: skip
        return ""
    return key


# A sentinel project: "declared, but nothing can be planned for it" (an unknown pinned id).
_Missing = Project(name="")


def _project_state(name: str, want: Project, have: Project | None, out: Collector) -> str:
    """Plan the project itself; return "create", "exists" (diff its children) or "skip"."""
    if have is _Missing:
        return "skip"
    if have is None:
        if want.archived:
            out.finding(
                Severity.WARNING, Kind.PROJECT, (name,),
                f"project {name} is declared archived but does not exist; nothing to do",
            )  # fmt: skip
            return "skip"
        out.change(Change(Kind.PROJECT, Action.CREATE, (name,), after={"name": name}))
        return "create"
    if have.archived:
        if not want.archived:
            out.finding(
                Severity.ERROR, Kind.PROJECT, (name,),
                f"project {name} is archived and the API cannot un-archive a project",
            )  # fmt: skip
        return "skip"
    if want.archived:
        out.change(
            Change(
                Kind.PROJECT, Action.ARCHIVE, (name,), before={"name": have.name, "id": have.id},
                reason="irreversible: an archived project cannot be used or restored",
            )
        )  # fmt: skip
        return "skip"
    if have.name != name:
        before, after = {"name": have.name}, {"name": name}
        out.change(
            Change(
                Kind.PROJECT, Action.UPDATE, (name,), before={**before, "id": have.id},
                after={**after, "id": have.id}, fields=field_changes(before, after),
                reason="renamed (identity pinned by id)",
            )
        )  # fmt: skip
    return "exists"


def _diff_certificates(desired: Desired, live: Live, out: Collector) -> dict[str, str]:
    """Upload, rename, (de)activate and prune organization certificates, matched by fingerprint.

    Returns live name → declared name for the certificates that are renamed, so project
    activations compare under the declared names.
    """
    wanted, existing = desired.org.certificates, live.org.certificates
    if wanted is None or existing is None:
        return {}
    by_fingerprint = {c.fingerprint: c for c in existing.values()}
    renamed: dict[str, str] = {}
    for name, cert in wanted.items():
        have = by_fingerprint.get(cert.fingerprint)
        if have is not None and have.name != name:
            renamed[have.name] = name
        _plan_certificate(name, cert, have, out)
    declared = {c.fingerprint for c in wanted.values()}
    for have in existing.values():
        if have.fingerprint not in declared:
            _undeclared_certificate(have, desired, live, out)
    return renamed


def _plan_certificate(
    name: str, cert: Certificate, have: Certificate | None, out: Collector
) -> None:
    """Upload or rename one declared certificate, and set its organization-level activation."""
    if have is None:
        after = {"name": name, "fingerprint": cert.fingerprint, "pem": cert.pem}
        out.change(Change(Kind.CERTIFICATE, Action.CREATE, (name,), after=after))
    elif have.name != name:
        before, after = {"name": have.name}, {"name": name}
        out.change(
            Change(
                Kind.CERTIFICATE, Action.UPDATE, (name,),
                before={**before, "fingerprint": have.fingerprint},
                after={**after, "fingerprint": cert.fingerprint},
                fields=field_changes(before, after),
            )
        )  # fmt: skip
    active = have.active if have is not None else False
    if cert.active != active:
        action = Action.CREATE if cert.active else Action.DELETE
        out.change(Change(Kind.CERTIFICATE_ACTIVATION, action, ("", name), reason="organization"))


def _undeclared_certificate(
    have: Certificate, desired: Desired, live: Live, out: Collector
) -> None:
    """Delete a certificate the file does not declare (after deactivating it everywhere), or
    report it as unmanaged."""
    if not desired.settings.prune.certificates:
        reason = "not in the config; prune.certificates is off"
        out.unmanaged.append(Unmanaged(Kind.CERTIFICATE, (have.name,), reason))
        return
    reason = "prune.certificates is on"
    if have.active:
        out.change(
            Change(Kind.CERTIFICATE_ACTIVATION, Action.DELETE, ("", have.name), reason=reason)
        )
    for name, project in live.org.projects.items():
        if project.certificates and have.name in project.certificates and not project.archived:
            key = (name, have.name)
            out.change(Change(Kind.CERTIFICATE_ACTIVATION, Action.DELETE, key, reason=reason))
    before = {"name": have.name, "fingerprint": have.fingerprint, "active": have.active}
    out.change(Change(Kind.CERTIFICATE, Action.DELETE, (have.name,), before=before, reason=reason))
