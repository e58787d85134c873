"""Fixtures for fetch tests: generated sandbox organizations and clients wired to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from reconciler.api import AdminClient
from tests.support import make_pem, sandbox_client


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


@pytest.fixture(name="sandbox_client")
def sandbox_client_fixture() -> Callable[..., AdminClient]:
    """Builds a client on a sandbox (unpaced unless a Pacing is given): tests.support's."""
    return sandbox_client


@pytest.fixture
def pem_factory() -> Callable[..., str]:
    """Makes self-signed PEM certificates."""
    return make_pem
