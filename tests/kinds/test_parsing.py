"""The read side of kinds/: API JSON becomes model values, and a wrong shape fails closed."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from reconciler.api import AdminClient
from reconciler.api.pacing import FamilyLimiter
from reconciler.clock import VirtualClock
from reconciler.core.model import Certificate, Invite, ServiceAccount, User
from reconciler.errors import ProtocolError
from reconciler.kinds import certificates, invites, rate_limits, service_accounts, users
from reconciler.read import admin_keys

FAKE_KEY = "sk-admin-TEST-not-a-real-key-abcd"


def test_users_skip_service_accounts_and_lower_case_emails() -> None:
    """Service-account entries are not organization users; emails are normalized, and a
    missing top-level email falls back to the nested user object."""
    items: list[dict[str, Any]] = [
        {"id": "u1", "email": "Alice@Example.com", "role": "owner"},
        {"id": "u2", "email": "bot@x.io", "role": "reader", "is_service_account": True},
        {"id": "u3", "role": "reader", "user": {"email": "bob@example.com"}},
    ]
    assert users.parse_users(items) == [
        (User("alice@example.com", "owner"), "u1"),
        (User("bob@example.com", "reader"), "u3"),
    ]


@pytest.mark.parametrize(
    "item",
    [
        {"id": "u1", "role": "owner"},
        {"id": "u1", "email": "a@x.io", "role": "admin"},
        {"email": "a"},
    ],
)
def test_user_with_a_wrong_shape_is_a_protocol_error(item: dict[str, Any]) -> None:
    """A user without email, with an unknown role, or without id is refused, never guessed."""
    with pytest.raises(ProtocolError):
        users.parse_users([item])


def test_invites_name_projects_and_prefer_the_pending_one() -> None:
    """Project ids become names (unknown ids stay ids) and, per email, a pending invite wins."""
    names = {"proj_1": "search"}
    items: list[dict[str, Any]] = [
        {
            "id": "i1",
            "email": "k@x.io",
            "role": "reader",
            "status": "pending",
            "projects": [{"id": "proj_1", "role": "owner"}, {"id": "proj_9", "role": "member"}],
        },
        {"id": "i2", "email": "K@x.io", "role": "reader", "status": "expired", "projects": []},
    ]
    chosen = invites.select_invites([invites.parse_invite(item, names) for item in items])
    invite, ident = chosen["k@x.io"]
    assert ident == "i1"
    assert invite == Invite("k@x.io", "reader", (("proj_9", "member"), ("search", "owner")))


def test_rate_limit_fields_absent_for_a_model_stay_none() -> None:
    """A model without image limits has max_images_per_1_minute None, not 0."""
    limit, ident = rate_limits.parse_rate_limit(
        {
            "id": "rl-gpt-4o",
            "model": "gpt-4o",
            "max_requests_per_1_minute": 500,
            "max_tokens_per_1_minute": 1000,
        }
    )
    assert ident == "rl-gpt-4o"
    assert limit.limits() == {"max_requests_per_1_minute": 500, "max_tokens_per_1_minute": 1000}


def test_duplicate_service_account_names_are_kept_apart() -> None:
    """A second account with the same name is keyed name#id, so the duplicate is visible."""
    pairs = [(ServiceAccount("ci"), "sa1"), (ServiceAccount("ci", role="owner"), "sa2")]
    keyed = service_accounts.key_service_accounts(pairs)
    assert set(keyed) == {"ci", "ci#sa2"}


def _keys(*owners: tuple[str, str, str]) -> list[admin_keys.AdminKey]:
    return [
        admin_keys.AdminKey(id=f"k{n}", redacted_value=r, owner_type=t, owner_id=o)
        for n, (r, t, o) in enumerate(owners)
    ]


@pytest.mark.parametrize(
    ("listed", "owner"),
    [
        (_keys(("sk-admin...abcd", "user", "u1"), ("sk-admin...zzzz", "user", "u2")), "u1"),
        (_keys(("sk-admin...abcd", "service_account", "sa1")), None),
        (_keys(("sk-admin...abcd", "user", "u1"), ("sk-admin...bcd", "user", "u2")), None),
        (_keys(("sk-admin...wxyz", "user", "u1")), None),
    ],
)
def test_owner_of_the_key_in_use(listed: list[admin_keys.AdminKey], owner: str | None) -> None:
    """The key in use is matched by redacted prefix and suffix; a service-account owner, an
    ambiguous match or no match gives no owner."""

    async def scenario() -> str | None:
        async with AdminClient(api_key=FAKE_KEY) as client:
            return admin_keys.owner_of_key_in_use(client, listed)

    assert asyncio.run(scenario()) == owner


def test_certificate_identity_from_the_list_alone() -> None:
    """Same name and validity window: the desired fingerprint; same expiry but another start,
    or another name, or a name two live certificates share: download (None); other expiry:
    cannot be a desired certificate (unknown)."""
    desired = [Certificate(name="corp", fingerprint="ab" * 32, expires_at=2000, valid_at=1000)]

    def listed(name: str, expires: int) -> certificates.ListedCertificate:
        return certificates.ListedCertificate(
            id="c", name=name, active=True, valid_at=1000, expires_at=expires
        )

    assert certificates.known_fingerprint(listed("corp", 2000), desired) == "ab" * 32
    reissued = [Certificate(name="corp", fingerprint="cd" * 32, expires_at=2000, valid_at=1500)]
    assert certificates.known_fingerprint(listed("corp", 2000), reissued) is None
    shared = certificates.known_fingerprint(listed("corp", 2000), desired, name_unique=False)
    assert shared is None
    assert certificates.known_fingerprint(listed("renamed", 2000), desired) is None
    assert certificates.known_fingerprint(listed("other", 3000), desired) == ""


def test_a_run_of_429s_paces_the_family_to_what_the_server_admitted() -> None:
    """After 3 admitted requests and 4 refused ones in a row (each sent after the previous 429's
    pause), the family allows 3 per window: the refused requests' own slots are given back."""

    async def scenario() -> int:
        limiter = FamilyLimiter("users", limit=10, window=60.0, clock=VirtualClock())
        for _ in range(3):
            limiter.admitted(await limiter.acquire())
        for _ in range(4):
            limiter.cool_down(1.0, refused=await limiter.acquire())
        return limiter.limit

    assert asyncio.run(scenario()) == 3
