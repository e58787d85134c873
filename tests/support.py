"""Helpers shared by tests in several folders: a scratch copy of examples/, clients wired to a
sandbox in process (and a plan or live read through one), and generated certificates."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from reconciler.api import AdminClient, Pacing
from reconciler.clock import Clock
from reconciler.config import load_config
from reconciler.fetch import fetch_live
from reconciler.model import Desired, Live
from reconciler.plan import Plan, make_plan
from reconciler.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# Pacing out of the way: no client-side limit worth the name, short jittered backoffs.
UNPACED = Pacing(requests_per_minute=1_000_000, max_in_flight=8, backoff_base=0.5, seed=3)


def copy_examples(tmp_path: Path) -> Path:
    """A copy of examples/ (org.yaml and its certificate) under `tmp_path`; the org.yaml path."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    return tmp_path / "examples" / "org.yaml"


def sandbox_client(
    sandbox: Sandbox,
    *,
    pacing: Pacing = UNPACED,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AdminClient:
    """An Admin API client wired to the sandbox in process (on the sandbox's clock, unpaced
    unless a Pacing is given; `transport` wraps or replaces the sandbox's own)."""
    return AdminClient(
        api_key=sandbox.admin_key,
        transport=transport or sandbox.transport(),
        pacing=pacing,
        clock=clock or sandbox.clock,
    )


async def live_on(sandbox: Sandbox, desired: Desired) -> Live:
    """The live organization in `desired`'s scope."""
    async with sandbox_client(sandbox) as client:
        return await fetch_live(client, desired)


async def plan_on(sandbox: Sandbox, desired: Desired) -> Plan:
    """A fresh plan of `desired` against the sandbox."""
    return make_plan(desired, await live_on(sandbox, desired), config_digest="")


def plan_file(state: Path, config: Path) -> Plan:
    """The plan of the config file `config` against the sandbox saved in `state`, in process."""
    return asyncio.run(plan_on(Sandbox.load(state), load_config(config).desired))


def self_signed_pem(common_name: str, *, not_before: datetime, not_after: datetime) -> str:
    """A fresh self-signed certificate (new key, random serial) valid in that window, as PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(Encoding.PEM).decode("ascii")


def make_pem(common_name: str, *, days: int) -> str:
    """A self-signed certificate valid for `days` days from 2026-01-01, as PEM."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return self_signed_pem(common_name, not_before=start, not_after=start + timedelta(days=days))
