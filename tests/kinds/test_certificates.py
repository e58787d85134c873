"""Certificates are matched by fingerprint, downloading content only when the list cannot tell."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from reconciler.api import AdminClient
from reconciler.config.pem import parse_pem
from reconciler.core.model import Certificate, Desired, Live, Organization, Project
from reconciler.kinds.certificates import UNKNOWN_FINGERPRINT
from reconciler.read.live import fetch_live
from reconciler.sandbox import Sandbox

CONTENT = "/organization/certificates/{certificate_id}"


def _info(pem: str) -> tuple[str, int]:
    cert = x509.load_pem_x509_certificate(pem.encode())
    fingerprint = hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()
    return fingerprint, int(cert.not_valid_after_utc.timestamp())


def _desired(name: str, pem: str, *, project_certs: frozenset[str] | None = None) -> Desired:
    fingerprint, expires = _info(pem)
    cert = Certificate(
        name=name,
        fingerprint=fingerprint,
        active=True,
        expires_at=expires,
        pem=pem,
        valid_at=parse_pem(pem).valid_at,
    )
    projects = {"web": Project(name="web", certificates=project_certs)}
    return Desired(org=Organization(certificates={name: cert}, projects=projects))


def _run(
    certs: list[dict[str, object]], desired: Desired, make: Callable[..., AdminClient]
) -> tuple[Live, int]:
    seed = {
        "organization": "org-certs",
        "admin_key": {"owner": "admin@example.com"},
        "users": [{"email": "admin@example.com", "role": "owner"}],
        "projects": [{"name": "web"}],
        "certificates": certs,
    }
    sandbox = Sandbox.from_seed(seed)

    async def scenario() -> Live:
        async with make(sandbox) as client:
            return await fetch_live(client, desired)

    live = asyncio.run(scenario())
    return live, sandbox.requests.count("GET", CONTENT)


def test_same_name_and_expiry_needs_no_download(
    sandbox_client: Callable[..., AdminClient], pem_factory: Callable[..., str]
) -> None:
    """A live certificate with the desired name and expiry is taken as the desired one; an
    unrelated one (other expiry) is not downloaded and its fingerprint stays unknown."""
    pem, other = pem_factory("corp", days=365), pem_factory("old", days=30)
    certs: list[dict[str, object]] = [
        {"name": "corp", "pem": pem, "active": True, "projects": ["web"]},
        {"name": "legacy", "pem": other},
    ]
    live, downloads = _run(certs, _desired("corp", pem, project_certs=frozenset()), sandbox_client)
    assert downloads == 0
    assert live.org.certificates is not None
    assert live.org.certificates["corp"].fingerprint == _info(pem)[0]
    assert live.org.certificates["corp"].active
    assert live.org.certificates["legacy"].fingerprint == UNKNOWN_FINGERPRINT
    assert live.org.projects["web"].certificates == frozenset({"corp"})
    assert live.ids.certificates["corp"].startswith("cert")


def test_renamed_certificate_is_downloaded_and_matched(
    sandbox_client: Callable[..., AdminClient], pem_factory: Callable[..., str]
) -> None:
    """A live certificate with the desired expiry under another name is downloaded once and
    its real fingerprint reported, so the diff can see a rename."""
    pem = pem_factory("corp", days=400)
    live, downloads = _run(
        [{"name": "old-name", "pem": pem}], _desired("corp", pem), sandbox_client
    )
    assert downloads == 1
    assert live.org.certificates is not None
    assert live.org.certificates["old-name"].fingerprint == _info(pem)[0]
    assert not live.org.certificates["old-name"].active
    assert live.org.projects["web"].certificates is None
