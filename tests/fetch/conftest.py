"""Fixtures for fetch tests: generated sandbox organizations and clients wired to them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from reconciler.api import AdminClient, Pacing
from reconciler.clock import Clock
from reconciler.sandbox import Sandbox

UNPACED = Pacing(requests_per_minute=1_000_000, max_in_flight=8, backoff_base=0.5, seed=3)


def make_seed(
    *, projects: int, users: int, invites: int, members: int, service_accounts: int
) -> dict[str, Any]:
    """A sandbox seed: `users` readers (plus the admin), projects each with the first
    `members` users and `service_accounts` accounts, and `invites` pending invites."""
    emails = [f"user{n:04d}@example.com" for n in range(users)]
    return {
        "organization": "org-generated",
        "admin_key": {"owner": "admin@example.com"},
        "users": [{"email": "admin@example.com", "role": "owner"}]
        + [{"email": e, "role": "reader"} for e in emails],
        "invites": [
            {"email": f"invitee{n:03d}@example.com", "role": "reader", "projects": {}}
            for n in range(invites)
        ],
        "projects": [
            {
                "name": f"project-{p:03d}",
                "members": dict.fromkeys(emails[:members], "member"),
                "service_accounts": [{"name": f"bot-{s}"} for s in range(service_accounts)],
            }
            for p in range(projects)
        ],
    }


@pytest.fixture
def org_seed() -> Callable[..., dict[str, Any]]:
    """Makes sandbox seeds of generated organizations (see make_seed)."""
    return make_seed


@pytest.fixture
def sandbox_client() -> Callable[..., AdminClient]:
    """Builds a client on a sandbox (unpaced unless a Pacing is given)."""

    def make(
        sandbox: Sandbox, *, pacing: Pacing = UNPACED, clock: Clock | None = None
    ) -> AdminClient:
        return AdminClient(
            api_key=sandbox.admin_key,
            transport=sandbox.transport(),
            pacing=pacing,
            clock=clock or sandbox.clock,
        )

    return make


def make_pem(common_name: str, *, days: int) -> str:
    """A self-signed certificate valid for `days` days, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(Encoding.PEM).decode()


@pytest.fixture
def pem_factory() -> Callable[..., str]:
    """Makes self-signed PEM certificates."""
    return make_pem
