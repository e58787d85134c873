"""Certificates: read the organization's and a project's certificates, matched by fingerprint.

Identity is the SHA-256 fingerprint of the DER (lowercase hex, as config/certs.py computes it),
but lists give only name, activation and validity window; the content needs one GET per
certificate. So that a plan does not download every certificate every time:

- a live certificate whose name and expiry equal those of exactly one desired certificate is
  taken to be it (its fingerprint is the desired one), with no download;
- a live certificate whose expiry equals a desired certificate's (or a desired certificate with
  no known expiry) under another name may be that certificate renamed: its content is fetched;
- any other live certificate cannot hold the content of a desired one (same content, same
  expiry), so it is not fetched and its fingerprint is "" (unknown).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from reconciler.api import AdminClient
from reconciler.errors import ProtocolError
from reconciler.kinds.parsing import optional_int, optional_text, text
from reconciler.model import Certificate

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
    details = item.get("certificate_details")
    details = details if isinstance(details, dict) else {}
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


async def read_certificates(client: AdminClient) -> list[ListedCertificate]:
    """Every organization certificate (`active` = active for the organization)."""
    return [parse_listed_certificate(item) for item in await client.list_all(PATH)]


async def read_project_certificates(
    client: AdminClient, project_id: str
) -> list[ListedCertificate]:
    """A project's certificates (`active` = active for that project)."""
    items = await client.list_all(project_certificates_path(project_id))
    return [parse_listed_certificate(item) for item in items]


async def read_fingerprint(client: AdminClient, certificate_id: str) -> str:
    """Download one certificate's content (one GET) and fingerprint it."""
    body = await client.get(certificate_path(certificate_id), params={"include": ["content"]})
    details = body.get("certificate_details")
    content = details.get("content") if isinstance(details, dict) else None
    if not isinstance(content, str):
        raise ProtocolError(f"certificate {certificate_id} came back without its content")
    return fingerprint_pem(content, what=f"certificate {certificate_id}")


def known_fingerprint(listed: ListedCertificate, desired: Iterable[Certificate]) -> str | None:
    """The fingerprint the list alone proves, "" when it cannot be a desired one, else None.

    None means the content must be downloaded to tell (see the module docstring).
    """
    wanted = list(desired)
    same = [d for d in wanted if d.name == listed.name and d.expires_at == listed.expires_at]
    if len(same) == 1 and listed.expires_at is not None:
        return same[0].fingerprint
    if any(d.expires_at is None or d.expires_at == listed.expires_at for d in wanted):
        return None
    return UNKNOWN_FINGERPRINT


def to_model(listed: ListedCertificate, *, fingerprint: str) -> Certificate:
    """A listed organization certificate as a model value."""
    return Certificate(
        name=listed.name,
        fingerprint=fingerprint,
        active=listed.active,
        expires_at=listed.expires_at,
    )


async def find_certificate_by_fingerprint(
    client: AdminClient, fingerprint: str, *, expires_at: int | None = None
) -> ListedCertificate | None:
    """The uploaded certificate with this content, if any: one list, then one GET per candidate
    (only those whose expiry equals `expires_at`, when given)."""
    for listed in await read_certificates(client):
        if expires_at is not None and listed.expires_at != expires_at:
            continue
        if await read_fingerprint(client, listed.id) == fingerprint:
            return listed
    return None
