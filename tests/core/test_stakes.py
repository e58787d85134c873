"""What a plan puts at stake: which projects to read, and which API keys stop working."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reconciler.core.change import Action, Change, Kind
from reconciler.core.model import ApiKeyInfo, Desired, Live, Organization
from reconciler.core.plan import Plan, make_plan
from reconciler.core.stakes import Stakes, assemble, projects_at_stake
from reconciler.core.usage import UsageReport


def _names(stakes: Stakes, kind: Kind, key: tuple[str, ...]) -> list[str]:
    lost = stakes.changes[(kind, key)]
    return [k.key.id for k in lost.keys]


def test_projects_archived_or_losing_members_accounts_or_users_are_at_stake(
    desired: Desired, live: Live
) -> None:
    """search-prod (member, accounts and an org user removed) and legacy-chatbot (archived)."""
    plan = make_plan(desired, live, config_digest="c")
    assert projects_at_stake(plan, live) == {
        "legacy-chatbot": "proj_legacy",
        "search-prod": "proj_search",
    }


def test_nothing_is_at_stake_in_a_plan_without_removals(live: Live) -> None:
    """Creates and updates put no key at stake."""
    plan = Plan(changes=(Change(Kind.PROJECT_USER, Action.CREATE, ("search-prod", "x@y.io")),))
    assert projects_at_stake(plan, live) == {}
    assert assemble(plan, live, keys={}, usage=UsageReport()) == Stakes()


def test_each_removal_loses_exactly_its_owners_active_keys(stakes: Stakes) -> None:
    """A member loses their active keys, a removed or recreated account its key, a removed org
    user their keys in the projects they belong to, an archive every active key."""
    assert _names(stakes, Kind.PROJECT_USER, ("search-prod", "eve@example.com")) == ["key_eve1"]
    assert _names(stakes, Kind.SERVICE_ACCOUNT, ("search-prod", "old-bot")) == ["key_bot1"]
    assert _names(stakes, Kind.SERVICE_ACCOUNT, ("search-prod", "ingest")) == ["key_ing1"]
    assert _names(stakes, Kind.USER, ("zed@example.com",)) == ["key_zed1"]
    assert _names(stakes, Kind.PROJECT, ("legacy-chatbot",)) == ["key_leg1", "key_leg2"]
    assert (Kind.SERVICE_ACCOUNT, ("search-prod", "ci-deployer")) not in stakes.changes


def test_usage_is_mapped_from_project_ids_to_names(stakes: Stakes) -> None:
    """Usage read by id shows under the project's name."""
    usage = stakes.projects["search-prod"].usage
    assert usage is not None
    assert (usage.cost, usage.requests) == (1234.5, 45678)


def test_service_account_keys_match_by_id_when_the_id_is_known(
    desired: Desired,
    live: Live,
    scenario_keys: dict[str, tuple[ApiKeyInfo, ...]],
    scenario_usage: UsageReport,
) -> None:
    """With the account's id known, a key of another account with the same name is not lost."""
    ids = replace(live.ids, service_accounts={("search-prod", "old-bot"): "svc_old-bot"})
    live = replace(live, ids=ids)
    impostor = ApiKeyInfo("key_imp1", "Secret Key", "sk-svcacct-...imp1", "service_account",
                          "old-bot", owner_id="svc_other")  # fmt: skip
    plan = make_plan(desired, live, config_digest="c")
    keys = {**scenario_keys, "search-prod": (*scenario_keys["search-prod"], impostor)}
    stakes = assemble(plan, live, keys=keys, usage=scenario_usage)
    assert _names(stakes, Kind.SERVICE_ACCOUNT, ("search-prod", "old-bot")) == ["key_bot1"]


def test_unreadable_keys_are_unknown_not_empty(
    desired: Desired, live: Live, scenario_keys: dict[str, tuple[ApiKeyInfo, ...]]
) -> None:
    """A project whose keys could not be read says so, per project and per change."""
    plan = make_plan(desired, live, config_digest="c")
    keys: dict[str, Sequence[ApiKeyInfo] | str] = {
        **scenario_keys,
        "search-prod": "API keys could not be read (403)",
    }
    stakes = assemble(plan, live, keys=keys, usage=UsageReport(note="usage: 403"))
    eve = stakes.changes[(Kind.PROJECT_USER, ("search-prod", "eve@example.com"))]
    assert (eve.keys, eve.unknown) == ((), ("search-prod",))
    assert stakes.projects["search-prod"].keys_note == "API keys could not be read (403)"
    assert stakes.keys_lost_in("search-prod") is None
    assert stakes.projects["search-prod"].usage is None
    assert stakes.note == "usage: 403"


def test_projects_unknown_to_live_are_not_read() -> None:
    """A change on a project live has no id for puts nothing to read."""
    plan = Plan(changes=(Change(Kind.PROJECT, Action.ARCHIVE, ("ghost",)),))
    assert projects_at_stake(plan, Live(org=Organization())) == {}
