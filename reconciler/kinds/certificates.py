"""Certificates: read the organization's and a project's certificates, matched by fingerprint;
upload, rename, delete, and (de)activate them in batches.

Identity is the SHA-256 fingerprint of the DER (lowercase hex, as config/certs.py computes it),
but lists give only name, activation and validity window; the content needs one GET per
certificate. So that a plan does not download every certificate every time:

- a live certificate whose name (carried by no other live certificate) and validity window
  (start and expiry, to the second) equal those of exactly one desired certificate is taken to
  be it (its fingerprint is the desired one), with no download;
- a live certificate whose expiry equals a desired certificate's (or a desired certificate with
  no known expiry) under another name may be that certificate renamed: its content is fetched;
- any other live certificate cannot hold the content of a desired one (same content, same
  expiry), so it is not fetched and its fingerprint is "" (unknown).

Activation changes are performed in batches of at most 10 ids per request, one scope (the
organization, or one project) and one direction per batch; the API applies a batch atomically.
An upload settles twins (same content) made by an overlapping apply (kinds/twins.py): the run
whose copy lost deletes it before activating anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from reconciler.api.parsing import nested, optional_int, optional_text, text
from reconciler.api.protocols import JSON, Reader
from reconciler.config.pem import CertificateParseError, parse_pem
from reconciler.core.change import Action, Change
from reconciler.core.kinds.certificates import CERTIFICATE
from reconciler.core.model import Certificate
from reconciler.errors import ProtocolError, ReconcilerError
from reconciler.kinds.spec import KindSpec
from reconciler.kinds.twins import Twin, adopt_existing, created_at, keep_or_yield
from reconciler.write.context import ApplyContext
from reconciler.write.recovery import delete_at, send_write, unsupported, update_at

PATH = "/organization/certificates"
UNKNOWN_FINGERPRINT = ""


@dataclass(frozen=True, slots=True)
class ListedCertificate:
    """A certificate as a list shows it (`active` at the level that was listed)."""

    id: str
    name: str
    active: bool
    valid_at: int | None
    expires_at: int | None


def certificate_path(certificate_id: str) -> str:
    """The URL path of one organization certificate."""
    return f"{PATH}/{certificate_id}"


def project_certificates_path(project_id: str) -> str:
    """The URL path of a project's certificates."""
    return f"/organization/projects/{project_id}/certificates"


def parse_listed_certificate(item: dict[str, Any]) -> ListedCertificate:
    """A listed certificate (org or project list); a nameless one is known by its id."""
    ident = text(item, "id", what="a certificate")
    details = nested(item, "certificate_details")
    return ListedCertificate(
        id=ident,
        name=optional_text(item, "name") or ident,
        active=item.get("active") is True,
        valid_at=optional_int(details, "valid_at"),
        expires_at=optional_int(details, "expires_at"),
    )


def fingerprint_pem(pem: str, *, what: str = "a certificate") -> str:
    """SHA-256 of the certificate's DER encoding, lowercase hex."""
    try:
        cert = x509.load_pem_x509_certificate(pem.encode("utf-8"))
    except ValueError:
        raise ProtocolError(
            f"{what}: the API returned content that is not a PEM certificate"
        ) from None
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


async def read_certificates(client: Reader) -> list[ListedCertificate]:
    """Every organization certificate (`active` = active for the organization)."""
    return [parse_listed_certificate(item) for item in await client.list_all(PATH)]


async def read_project_certificates(client: Reader, project_id: str) -> list[ListedCertificate]:
    """A project's certificates (`active` = active for that project)."""
    items = await client.list_all(project_certificates_path(project_id))
    return [parse_listed_certificate(item) for item in items]


async def read_pem(client: Reader, certificate_id: str) -> str | None:
    """Download one certificate's PEM content (one GET); None when the API leaves it out.

    A certificate comes back re-encoded, alone: whatever else the API stored beside it (a
    private key an older upload carried) is never passed on, to an export above all. Content
    that is no certificate is returned as it is, for the caller to judge.
    """
    body = await client.get(certificate_path(certificate_id), params={"include": ["content"]})
    content = nested(body, "certificate_details").get("content")
    if not isinstance(content, str):
        return None
    try:
        cert = x509.load_pem_x509_certificate(content.encode("utf-8"))
    except ValueError:
        return content
    return cert.public_bytes(Encoding.PEM).decode("ascii")


async def read_fingerprint(client: Reader, certificate_id: str) -> str:
    """Download one certificate's content (one GET) and fingerprint it."""
    content = await read_pem(client, certificate_id)
    if content is None:
        raise ProtocolError(f"certificate {certificate_id} came back without its content")
    return fingerprint_pem(content, what=f"certificate {certificate_id}")


def known_fingerprint(
    listed: ListedCertificate, desired: Iterable[Certificate], *, name_unique: bool = True
) -> str | None:
    """The fingerprint the list alone proves, "" when it cannot be a desired one, else None.

    None means the content must be downloaded to tell (see the module docstring). A name that
    more than one live certificate carries (`name_unique` false) proves nothing.
    """
    wanted = list(desired)
    same = [d for d in wanted if d.name == listed.name and _same_window(d, listed)]
    if name_unique and len(same) == 1 and listed.expires_at is not None:
        return same[0].fingerprint
    if any(d.expires_at is None or d.expires_at == listed.expires_at for d in wanted):
        return None
    return UNKNOWN_FINGERPRINT


def _same_window(desired: Certificate, listed: ListedCertificate) -> bool:
    """Same validity window to the second (a re-issued certificate under the same name almost
    always starts at another second, even when it keeps the expiry)."""
    return desired.expires_at == listed.expires_at and desired.valid_at == listed.valid_at


def to_model(listed: ListedCertificate, *, fingerprint: str) -> Certificate:
    """A listed organization certificate as a model value."""
    return Certificate(
        name=listed.name,
        fingerprint=fingerprint,
        active=listed.active,
        expires_at=listed.expires_at,
    )


async def find_certificate_by_fingerprint(
    client: Reader, fingerprint: str, *, expires_at: int | None = None
) -> ListedCertificate | None:
    """The uploaded certificate with this content, if any: one list, then one GET per candidate
    (only those whose expiry equals `expires_at`, when given)."""
    for listed in await read_certificates(client):
        if expires_at is not None and listed.expires_at != expires_at:
            continue
        if await read_fingerprint(client, listed.id) == fingerprint:
            return listed
    return None


async def apply_certificate(change: Change, ctx: ApplyContext) -> str | None:
    """Upload, rename or delete one organization certificate."""
    name = change.key[0]
    if change.action is Action.CREATE:
        return await _upload(ctx, name, change.after or {})
    path = certificate_path(cert_id(ctx, name, change))
    if change.action is Action.UPDATE:
        await update_at(ctx.client, path, {"name": name}, what=f"rename certificate {name}")
    elif change.action is Action.DELETE:
        await delete_at(ctx.client, path, what=f"delete certificate {name}")
    else:
        raise unsupported(change)
    return None


def cert_id(ctx: ApplyContext, name: str, change: Change | None = None) -> str:
    """The id of a certificate (live, renamed or uploaded in this run) by its declared name."""
    found = ctx.ids.certificates.get(name)
    if found is None and change is not None and change.before:
        found = ctx.ids.certificates.get(str(change.before.get("name")))
    if found is None:
        raise ReconcilerError(f"certificate {name} has no known id (was its upload skipped?)")
    return found


async def _upload(ctx: ApplyContext, name: str, after: JSON) -> str:
    """Upload; the read-back downloads only candidates with the PEM's expiry."""
    pem = after.get("pem")
    if not isinstance(pem, str):
        raise ReconcilerError(f"certificate {name}: the plan carries no PEM to upload")
    try:
        info = parse_pem(pem)
    except CertificateParseError as exc:
        raise ReconcilerError(f"certificate {name}: {exc}") from None

    async def uploaded() -> JSON | None:
        found = await find_certificate_by_fingerprint(
            ctx.client, info.fingerprint, expires_at=info.expires_at
        )
        return {"id": found.id} if found is not None else None

    async def twins(ours: str = "") -> list[Twin]:
        return await _twins(ctx, info.fingerprint, info.expires_at, ours=ours)

    existing = await adopt_existing(ctx, twins)
    if existing is not None:
        ctx.ids.certificates[name] = existing.id
        return f"id {existing.id}, uploaded by an overlapping apply"
    # Only the certificate, re-encoded: nothing else a (hand-edited) plan's PEM held goes out.
    body = {"certificate": info.pem, "name": name}
    made = await send_write(
        lambda: ctx.client.post(PATH, json=body), settled=uploaded, what=f"upload {name}"
    )
    mine = Twin(str(made["id"]), created_at(made))
    keep = await keep_or_yield(
        ctx, mine, lambda: twins(mine.id),
        remove=lambda i: delete_at(ctx.client, certificate_path(i), what=f"delete twin {i}"),
        what=f"certificate {name}",
    )  # fmt: skip
    ctx.ids.certificates[name] = keep.id
    if keep is mine:
        return f"id {mine.id}"
    return f"id {keep.id}, uploaded by an overlapping apply (ours, {mine.id}, deleted)"


async def _twins(
    ctx: ApplyContext, fingerprint: str, expires_at: int | None, *, ours: str
) -> list[Twin]:
    """Certificates with this content that the plan did not know (`ours` is not downloaded):
    one list, then one GET per candidate with the same expiry."""
    known = set(ctx.live.ids.certificates.values()) | {ours}
    items = await ctx.client.list_all(PATH)
    found = []
    for item in items:
        listed = parse_listed_certificate(item)
        if listed.id in known or (expires_at is not None and listed.expires_at != expires_at):
            continue
        if await read_fingerprint(ctx.client, listed.id) == fingerprint:
            found.append(Twin(listed.id, created_at(item)))
    return found


SPEC = KindSpec(
    CERTIFICATE,
    write=apply_certificate,
)
