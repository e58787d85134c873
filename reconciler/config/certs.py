"""Reading X.509 certificates from PEM: fingerprint and expiry, never hand-rolled ASN.1."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

PEM_BEGIN = "-----BEGIN CERTIFICATE-----"


class CertificateParseError(ValueError):
    """The text is not one PEM-encoded X.509 certificate; str() says why, in a few words."""


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """What reconciler needs to know about a certificate."""

    fingerprint: str  # sha256 of the DER encoding, lowercase hex
    not_after: datetime  # timezone-aware UTC
    subject: str
    not_before: datetime | None = None  # timezone-aware UTC

    @property
    def valid_at(self) -> int | None:
        """Start of validity as Unix seconds (what the Admin API reports), when known."""
        return None if self.not_before is None else int(self.not_before.timestamp())

    @property
    def expires_at(self) -> int:
        """Expiry as Unix seconds (what the Admin API reports)."""
        return int(self.not_after.timestamp())


def parse_pem(text: str) -> CertificateInfo:
    """Parse one PEM certificate; anything else raises CertificateParseError."""
    if PEM_BEGIN not in text:
        raise CertificateParseError(f"not a PEM certificate (no {PEM_BEGIN!r} line)")
    if text.count(PEM_BEGIN) > 1:
        raise CertificateParseError("holds more than one certificate; declare each on its own")
    try:
        cert = x509.load_pem_x509_certificate(text.encode("utf-8"))
    except ValueError:
        raise CertificateParseError(
            "not a valid X.509 certificate (its PEM block does not decode)"
        ) from None
    der = cert.public_bytes(Encoding.DER)
    return CertificateInfo(
        fingerprint=hashlib.sha256(der).hexdigest(),
        not_after=cert.not_valid_after_utc,
        subject=cert.subject.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
    )
