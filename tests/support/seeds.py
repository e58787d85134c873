"""Generated sandbox organizations, as seeds: as many users, projects, members, service
accounts and invites as a test needs."""

from __future__ import annotations

from typing import Any


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
