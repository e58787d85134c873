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

from reconciler.core.change import Action, Change, Finding, Kind, Unmanaged
from reconciler.core.diff.children import diff_project_children
from reconciler.core.diff.out import Collector, field_changes
from reconciler.core.diff.projects import diff_projects
from reconciler.core.diff.users import diff_users
from reconciler.core.model import Certificate, Desired, Live

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
    scope = diff_projects(desired, live, out)
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


def _diff_certificates(desired: Desired, live: Live, out: Collector) -> dict[str, str]:
    """Upload, rename, (de)activate and prune organization certificates, matched by fingerprint.

    Returns live name → declared name for the certificates that are renamed, so project
    activations compare under the declared names.
    """
    wanted, existing = desired.org.certificates, live.org.certificates
    if wanted is None or existing is None:
        return {}
    renamed: dict[str, str] = {}
    kept: set[str] = set()
    for name, cert in wanted.items():
        have = _live_copy(name, cert, existing)
        if have is not None:
            kept.add(have.name)
            if have.name != name:
                renamed[have.name] = name
        _plan_certificate(name, cert, have, out)
    for key in sorted(existing):
        if key not in kept:
            _undeclared_certificate(existing[key], desired, live, out)
    return renamed


def _live_copy(
    name: str, cert: Certificate, existing: Mapping[str, Certificate]
) -> Certificate | None:
    """The live certificate with this content: the one under the declared name if there is
    one, else the first by name. Further copies count as undeclared (pruned or reported)."""
    copies = sorted(
        (c for c in existing.values() if c.fingerprint == cert.fingerprint),
        key=lambda c: (c.name != name, c.name),
    )
    return copies[0] if copies else None


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
    declared = (desired.org.certificates or {}).values()
    copy = any(c.fingerprint == have.fingerprint for c in declared)
    why = "another copy of a declared certificate" if copy else "not in the config"
    if not desired.settings.prune.certificates:
        reason = f"{why}; prune.certificates is off"
        out.unmanaged.append(Unmanaged(Kind.CERTIFICATE, (have.name,), reason))
        return
    reason = f"{why}; prune.certificates is on" if copy else "prune.certificates is on"
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
