"""Certificates and their activations: matched by fingerprint, not by name.

A declared certificate whose content (fingerprint) is live under another name is renamed, not
uploaded again; further live copies of it count as undeclared. An undeclared certificate is
deleted (after being deactivated everywhere) under prune.certificates, else reported. Each
project's declared certificate list is authoritative for that project's activations.
"""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Action, Change, Kind, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo, field_changes
from reconciler.core.model import Certificate, Desired, Live


def diff_certificates(ctx: DiffContext) -> None:
    """Upload, rename, (de)activate and prune organization certificates, matched by fingerprint.

    Leaves live name → declared name for the certificates that are renamed in
    `ctx.renamed_certs`, so project activations compare under the declared names.
    """
    ctx.renamed_certs = _diff(ctx.desired, ctx.live, ctx.out)


def diff_activations(ctx: DiffContext) -> None:
    """Activate and deactivate certificates in every project in scope that declares its list
    (organization-level activations are planned with their certificate)."""
    for name, want, have in ctx.projects():
        if want.certificates is not None:
            live_certs = (have.certificates if have else None) or frozenset()
            current = {ctx.renamed_certs.get(c, c) for c in live_certs}
            _activations(name, want.certificates, current, ctx.out)


def _diff(desired: Desired, live: Live, out: Collector) -> dict[str, str]:
    """Plan every declared and live certificate; return the renames (live → declared name)."""
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


def _activations(project: str, wanted: frozenset[str], current: set[str], out: Collector) -> None:
    """Activate and deactivate certificates for one project (its list is authoritative)."""
    for name in sorted(wanted - current):
        out.change(Change(Kind.CERTIFICATE_ACTIVATION, Action.CREATE, (project, name)))
    for name in sorted(current - wanted):
        out.change(Change(Kind.CERTIFICATE_ACTIVATION, Action.DELETE, (project, name)))


def _upload_detail(change: Change) -> str:
    """An upload, by the start of its fingerprint."""
    if change.action is not Action.CREATE:
        return ""
    return f"upload; fingerprint {str((change.after or {}).get('fingerprint', ''))[:23]}…"


def _activation_detail(change: Change) -> str:
    """`activate`, `deactivate for the organization`."""
    verb = {Action.CREATE: "activate", Action.DELETE: "deactivate"}.get(change.action, "")
    return verb if change.key[0] or not verb else f"{verb} for the organization"


CERTIFICATE = KindInfo(
    kind=Kind.CERTIFICATE,
    noun="certificate",
    key=("name",),
    scope="organization",
    diff=diff_certificates,
    audit_events=("certificate.created", "certificate.updated", "certificate.deleted"),
    audit_id=lambda key, ids: ids.certificates.get(key[0]),
    detail=_upload_detail,
    live_count=lambda org: len(org.certificates or {}),
)
# An activation's key is (scope, certificate name); scope "" is the organization.
CERTIFICATE_ACTIVATION = KindInfo(
    kind=Kind.CERTIFICATE_ACTIVATION,
    noun="certificate",
    key=("scope", "name"),
    scope="either",
    diff=diff_activations,
    suffix=" activation",
    within="in",
    audit_events=("certificates.activated", "certificates.deactivated"),
    audit_id=lambda key, ids: ids.certificates.get(key[1]),
    detail=_activation_detail,
)
