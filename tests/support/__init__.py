"""Helpers shared by tests in several folders: a scratch copy of examples/, clients wired to a
sandbox in process (and a plan or live read through one), and generated certificates."""

from __future__ import annotations

import asyncio
import functools
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from cryptography.x509.oid import NameOID

from reconciler.api import AdminClient, Pacing
from reconciler.clock import Clock
from reconciler.config import load_config
from reconciler.core.model import Desired, Live, ReportSettings
from reconciler.core.period import Period
from reconciler.core.plan import Plan, make_plan
from reconciler.read.live import fetch_live
from reconciler.read.usage_report import read_usage_data
from reconciler.reports.budgets import history_start
from reconciler.reports.usage import UsageReport, build_report, plan_reads
from reconciler.sandbox import Sandbox

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
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


def usage_report_on(
    sandbox: Sandbox,
    period: Period,
    *,
    by: tuple[str, ...] = ("project",),
    settings: ReportSettings | None = None,
    spike_factor: float = 5.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> UsageReport:
    """The usage report of `period` read from the sandbox in process, as the CLI reads it."""

    async def read() -> UsageReport:
        reads = plan_reads(by)
        async with sandbox_client(sandbox, transport=transport) as client:
            data = await read_usage_data(
                client,
                period=period,
                cost_fields=reads.cost_fields,
                usage_fields=reads.usage_fields,
                history_start=history_start(period),
            )
        return build_report(
            data, by=by, settings=settings or ReportSettings(), spike_factor=spike_factor
        )

    return asyncio.run(read())


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


def key_pem(kind: str) -> str:
    """A freshly generated PEM block of a KEY_KINDS kind (private keys of every label, encrypted
    or not, and other non-certificate blocks), made at test time: no key is ever committed."""
    return _key_pem(kind)


@functools.cache
def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _legacy(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | dsa.DSAPrivateKey) -> bytes:
    return key.private_bytes(Encoding.PEM, PrivateFormat.TraditionalOpenSSL, NoEncryption())


def _csr() -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "csr.example.com")])
    csr = x509.CertificateSigningRequestBuilder().subject_name(name)
    return csr.sign(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256()).public_bytes(
        Encoding.PEM
    )


_BUILDERS: dict[str, Callable[[], bytes]] = {
    "PRIVATE KEY": lambda: _rsa().private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()),
    "RSA PRIVATE KEY": lambda: _legacy(_rsa()),
    "EC PRIVATE KEY": lambda: _legacy(ec.generate_private_key(ec.SECP256R1())),
    "DSA PRIVATE KEY": lambda: _legacy(dsa.generate_private_key(key_size=1024)),
    "RSA PRIVATE KEY (encrypted)": lambda: _rsa().private_bytes(
        Encoding.PEM, PrivateFormat.TraditionalOpenSSL, BestAvailableEncryption(b"test-only")
    ),
    "ENCRYPTED PRIVATE KEY": lambda: _rsa().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(b"test-only")
    ),
    "OPENSSH PRIVATE KEY": lambda: ed25519.Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.OpenSSH, NoEncryption()
    ),
    "PUBLIC KEY": lambda: (
        _rsa().public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    ),
    "CERTIFICATE REQUEST": _csr,
}
# Each kind of non-certificate block, by a name that starts with its PEM label.
KEY_KINDS = tuple(_BUILDERS)


def pem_label(kind: str) -> str:
    """The PEM label of a KEY_KINDS entry ("RSA PRIVATE KEY (encrypted)" -> "RSA PRIVATE KEY")."""
    return kind.split(" (", maxsplit=1)[0]


@functools.cache
def _key_pem(kind: str) -> str:
    text = _BUILDERS[kind]().decode("ascii")
    assert text.startswith(f"-----BEGIN {pem_label(kind)}-----\n"), text.splitlines()[0]
    return text


def key_material(pem: str) -> list[str]:
    """The lines of a PEM block that carry its content (base64 and headers, not BEGIN/END):
    none of them may appear in any output, plan or request."""
    return [line for line in pem.splitlines() if line.strip() and not line.startswith("-----")]
