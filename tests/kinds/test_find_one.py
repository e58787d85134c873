"""The find_* read-back helpers locate one object by natural key with list calls."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from reconciler.api import AdminClient
from reconciler.kinds import (
    certificates,
    invites,
    project_users,
    projects,
    rate_limits,
    service_accounts,
    users,
)
from reconciler.sandbox import Sandbox


def test_each_find_helper_finds_the_object_or_none(
    sandbox_client: Callable[..., AdminClient],
    org_seed: Callable[..., dict[str, Any]],
    pem_factory: Callable[..., str],
) -> None:
    """Projects by name, users and invites by email (case-insensitive), service accounts,
    members and rate limits within a project, certificates by content fingerprint."""
    seed = org_seed(projects=2, users=2, invites=1, members=1, service_accounts=1)
    seed["org_rate_limits"] = {"gpt-4o": {"max_requests_per_1_minute": 100}}
    pem = pem_factory("corp", days=90)
    seed["certificates"] = [{"name": "corp", "pem": pem}]
    sandbox = Sandbox.from_seed(seed)
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()

    async def scenario() -> dict[str, Any]:
        async with sandbox_client(sandbox) as client:
            found = await projects.find_project_by_name(client, "project-001")
            assert found is not None
            pid = found[1]
            return {
                "project": found[0].name,
                "missing": await projects.find_project_by_name(client, "nope"),
                "user": await users.find_user(client, "USER0001@example.com"),
                "invite": await invites.find_invite(client, "Invitee000@example.com"),
                "account": await service_accounts.find_service_account(client, pid, "bot-0"),
                "member": await project_users.find_project_user(
                    client, pid, "user0000@example.com"
                ),
                "limit": await rate_limits.find_rate_limit(client, pid, "gpt-4o"),
                "cert": await certificates.find_certificate_by_fingerprint(client, fingerprint),
                "no cert": await certificates.find_certificate_by_fingerprint(client, "00" * 32),
            }

    result = asyncio.run(scenario())
    assert result["project"] == "project-001"
    assert result["missing"] is None
    assert result["user"][0].email == "user0001@example.com"
    assert result["invite"][0].email == "invitee000@example.com"
    assert result["account"][0].name == "bot-0"
    assert result["member"].role == "member"
    assert result["limit"][0].max_requests_per_1_minute == 100
    assert result["cert"].name == "corp"
    assert result["no cert"] is None
