"""Hand-built desired and live organizations for the pure core's and the renderings' tests.

`scenario` has every kind of change, finding and unmanaged object the plan can produce; the
golden renderings are made from it; `stakes_of` gives what its plan puts at stake (API keys
and usage of search-prod and legacy-chatbot), for the renderings with stakes.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.core.model import (
    ApiKeyInfo,
    Certificate,
    Desired,
    IdIndex,
    Invite,
    Live,
    Organization,
    Project,
    PruneSettings,
    RateLimit,
    SafetySettings,
    ServiceAccount,
    Settings,
    User,
)
from reconciler.core.plan import Plan
from reconciler.core.stakes import Stakes, assemble
from reconciler.core.usage import ProjectUsage, UsageReport

FP_OLD = "sha256:" + "aa" * 32
FP_CORP = "sha256:" + "bb" * 32
FP_NEW = "sha256:" + "cc" * 32
FAKE_PEM = "-----BEGIN CERTIFICATE-----\nTEST-not-a-real-certificate\n-----END CERTIFICATE-----\n"


def users(**roles: str) -> dict[str, User]:
    """`users(alice="owner")` → {"alice@example.com": User(...)}."""
    return {f"{n}@example.com": User(f"{n}@example.com", r) for n, r in roles.items()}  # type: ignore[arg-type]


def members(**roles: str) -> dict[str, str]:
    """`members(alice="owner")` → {"alice@example.com": "owner"}."""
    return {f"{n}@example.com": r for n, r in roles.items()}


def scenario_desired() -> Desired:
    """The desired side of the every-change scenario."""
    projects = {
        "search-prod": Project(
            "search-prod",
            members=members(alice="owner", bob="member", dave="member"),  # type: ignore[arg-type]
            service_accounts={
                "ci-deployer": ServiceAccount("ci-deployer", "owner"),
                "ingest": ServiceAccount("ingest", "member", api_key=False),
            },
            rate_limits={
                "gpt-4o": RateLimit(
                    "gpt-4o", max_requests_per_1_minute=500, max_tokens_per_1_minute=150000
                ),
                "o1": RateLimit("o1", max_requests_per_1_minute=10),
            },
            certificates=frozenset({"corp-2026"}),
        ),
        "analytics": Project(
            "analytics",
            members=members(alice="owner", carol="member"),  # type: ignore[arg-type]
            service_accounts={"etl": ServiceAccount("etl", "member")},
            rate_limits={"gpt-4o": RateLimit("gpt-4o", max_requests_per_1_minute=100)},
            certificates=frozenset({"corp-2026"}),
        ),
        "research": Project("research", id="proj_research"),
        "legacy-chatbot": Project("legacy-chatbot", archived=True),
        "retired": Project("retired"),
        "ghost-town": Project("ghost-town", archived=True),
    }
    org = Organization(
        users=users(
            ops="owner",
            alice="owner",
            bob="owner",
            carol="reader",
            dave="reader",
            erin="reader",
            frank="reader",
        ),
        certificates={
            "corp-2026": Certificate("corp-2026", FP_CORP, active=True, pem=FAKE_PEM),
            "new-2027": Certificate("new-2027", FP_NEW, active=False, pem=FAKE_PEM),
        },
        projects=projects,
    )
    settings = Settings(
        prune=PruneSettings(users=True, certificates=True),
        safety=SafetySettings(
            min_owners=2, max_deletes=3, protected_users=frozenset({"ops@example.com"})
        ),
    )
    return Desired(org=org, settings=settings)


def scenario_live() -> Live:
    """The live side of the every-change scenario."""
    projects = {
        "search-prod": Project(
            "search-prod",
            id="proj_search",
            members=members(alice="owner", bob="member", eve="member", zed="member"),  # type: ignore[arg-type]
            service_accounts={
                "ci-deployer": ServiceAccount("ci-deployer", "member"),
                "old-bot": ServiceAccount("old-bot", "member"),
                "ingest": ServiceAccount("ingest", "none"),
            },
            rate_limits={
                "gpt-4o": RateLimit(
                    "gpt-4o", max_requests_per_1_minute=10000, max_tokens_per_1_minute=150000
                ),
                "gpt-4o-mini": RateLimit("gpt-4o-mini", max_requests_per_1_minute=30000),
            },
            certificates=frozenset({"old-cert"}),
        ),
        "old-research": Project("old-research", id="proj_research"),
        "legacy-chatbot": Project("legacy-chatbot", id="proj_legacy"),
        "retired": Project("retired", id="proj_retired", archived=True),
        "sandbox-x": Project("sandbox-x", id="proj_sandbox"),
        "Default project": Project("Default project", id="proj_default"),
    }
    org = Organization(
        users=users(ops="owner", alice="owner", bob="reader", zed="reader"),
        invites={
            "dave@example.com": Invite("dave@example.com", "reader", (("search-prod", "owner"),)),
            "erin@example.com": Invite("erin@example.com", "reader", (), status="expired"),
            "frank@example.com": Invite("frank@example.com", "reader", ()),
            "ghost@example.com": Invite("ghost@example.com", "reader", ()),
        },
        certificates={
            "old-cert": Certificate("old-cert", FP_OLD, active=True),
            "corp-old-name": Certificate("corp-old-name", FP_CORP, active=False),
        },
        projects=projects,
    )
    ids = IdIndex(projects={name: p.id or "" for name, p in projects.items()})
    return Live(
        org=org, ids=ids, admin_key_owner="ops@example.com", default_project="Default project"
    )


def with_users(desired: Desired, **roles: str) -> Desired:
    """`desired` with its organization users replaced."""
    return replace(desired, org=replace(desired.org, users=users(**roles)))


# What the every-change scenario puts at stake (API keys of its two projects, and usage).


def user_key(ident: str, email: str, *, active: bool = True) -> ApiKeyInfo:
    """A user's key, named after its id, with an obviously fake redacted value."""
    name = email.partition("@")[0]
    return ApiKeyInfo(ident, f"{name}-laptop", f"sk-proj-...{ident[-4:]}", "user", email,
                      owner_id=f"user_{name}", active=active)  # fmt: skip


def account_key(ident: str, account: str) -> ApiKeyInfo:
    """A service account's key."""
    return ApiKeyInfo(ident, "Secret Key", f"sk-svcacct-...{ident[-4:]}", "service_account",
                      account, owner_id=f"svc_{account}")  # fmt: skip


SEARCH_KEYS = (
    user_key("key_eve1", "eve@example.com"),
    user_key("key_eve2", "eve@example.com", active=False),  # already not working: left out
    user_key("key_zed1", "zed@example.com"),
    user_key("key_ali1", "alice@example.com"),  # alice stays: not at stake
    account_key("key_bot1", "old-bot"),
    account_key("key_ing1", "ingest"),
    account_key("key_cid1", "ci-deployer"),  # updated, not removed: not at stake
)
LEGACY_KEYS = (user_key("key_leg1", "bob@example.com"), account_key("key_leg2", "chat-bot"))
USAGE = UsageReport(
    by_project={
        "proj_search": ProjectUsage(cost=1234.5, currency="usd", requests=45678),
        "proj_legacy": ProjectUsage(cost=0.42, currency="usd", requests=12),
    }
)


SCENARIO_KEYS = {"search-prod": SEARCH_KEYS, "legacy-chatbot": LEGACY_KEYS}


def stakes_of(plan: Plan, live: Live) -> Stakes:
    """The scenario's stakes: both projects' keys read, usage read."""
    return assemble(plan, live, keys=SCENARIO_KEYS, usage=USAGE)
