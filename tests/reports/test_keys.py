"""The keys report's rotation columns: where each key of a rotating account stands."""

from __future__ import annotations

from reconciler.core.key_policy import DAY
from reconciler.core.model import ApiKeyInfo, ApiKeyPolicy, KeyRotation
from reconciler.read.principals import Principals, ProjectPrincipals
from reconciler.reports.keys import keys_report
from reconciler.reports.source import Source

NOW = 1_800_000_000
SOURCE = Source(now=NOW, organization="org", config="org.yaml")


def _key(ident: str, owner: str, age: int, *, name: str = "k") -> ApiKeyInfo:
    return ApiKeyInfo(
        id=ident,
        name=name,
        redacted_value=f"sk-svcacct...{ident[-2:]}",
        owner_kind="service_account",
        owner=owner,
        created_at=NOW - age * DAY,
    )


def test_each_key_of_a_rotating_account_says_its_step_and_the_next_rotation() -> None:
    """The newest key is current, an older one past the overlap is to retire, both with the
    account's next rotation day; a key of an account without a policy shows none; a key an
    interrupted rotation made is never delivered, its account's keys due now."""
    found = Principals(
        projects=(
            ProjectPrincipals(
                name="web",
                id="proj_web",
                keys=(
                    _key("key_01", "ci", 100),
                    _key("key_02", "ci", 10),
                    _key("key_03", "other", 400),
                    _key("key_04", "bot.reconciler-rotating-00ff", 200),
                    _key("key_05", "bot.reconciler-rotating-00ff", 1, name="bot d r-00ff"),
                ),
            ),
        ),
    )
    policy = KeyRotation(rotate_every_days=90, overlap_days=7)
    report = keys_report(
        found,
        ApiKeyPolicy(),
        source=SOURCE,
        rotations={("web", "ci"): policy, ("web", "bot"): policy},
    )
    rows = {r["key_id"]: (r["rotation"], r["next_rotation"]) for r in report.records()}
    assert rows == {
        "key_01": ("retire", "2027-04-05"),
        "key_02": ("current", "2027-04-05"),
        "key_03": ("none", "none"),
        "key_04": ("due", "now"),
        "key_05": ("never delivered", "now"),
    }
