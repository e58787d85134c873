"""Reading X.509 certificates from PEM: fingerprint and expiry, never hand-rolled ASN.1.

A PEM text must hold exactly one CERTIFICATE block and no block of any other kind: a private
key (any label: PRIVATE KEY, RSA/EC/DSA/OPENSSH/ENCRYPTED PRIVATE KEY, …) pasted beside the
certificate is refused, naming only its label and line, never its content. What is carried on
(into the model, a plan, a request) is `CertificateInfo.pem`: the certificate re-encoded from
its DER, so nothing else that was in the text (comments, headers) ever travels with it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from reconciler.errors import CertificateParseError

# CertificateParseError is defined in the one error tree; kinds/ import it from here.
__all__ = [
    "CERTIFICATE_LABEL",
    "PEM_BEGIN",
    "CertificateInfo",
    "CertificateParseError",
    "parse_pem",
]

PEM_BEGIN = "-----BEGIN CERTIFICATE-----"
CERTIFICATE_LABEL = "CERTIFICATE"
# Every PEM boundary line (BEGIN or END, any label, anywhere on a line).
_BOUNDARY = re.compile(r"-----(?:BEGIN|END)[ \t]*([^\r\n]*?)[ \t]*-----")
_PLAIN_LABEL = re.compile(r"[A-Z0-9][A-Z0-9 ]{0,59}")


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    """What reconciler needs to know about a certificate."""

    fingerprint: str  # sha256 of the DER encoding, lowercase hex
    not_after: datetime  # timezone-aware UTC
    subject: str
    # The certificate alone, re-encoded as PEM: the only form of it that is carried on.
    pem: str = field(repr=False)
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
    """Parse one PEM certificate; anything else (a private key beside it included) raises
    CertificateParseError, whose message never quotes the text."""
    _refuse_other_blocks(text)
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
        pem=cert.public_bytes(Encoding.PEM).decode("ascii"),
    )


def _refuse_other_blocks(text: str) -> None:
    """Raise at the first PEM boundary whose label is not CERTIFICATE (label and line only)."""
    for match in _BOUNDARY.finditer(text):
        label = match.group(1)
        if label == CERTIFICATE_LABEL:
            continue
        line = text.count("\n", 0, match.start()) + 1
        shown = f"a {label!r} block" if _PLAIN_LABEL.fullmatch(label) else "a PEM block"
        private = "PRIVATE" in label.upper()
        why = "a private key never belongs in the config" if private else "not a certificate"
        raise CertificateParseError(
            f"holds {shown} (line {line} of the PEM): {why}; keep only the CERTIFICATE block"
        )
