"""Plain-text phrases for what a plan puts at stake, shared by the text and markdown renderings.

    keys_phrase(change, stakes)  "2 API keys stop working: ci-key (sk-...abcd), laptop (sk-...wxyz)"
                                 each key's 30-day cost when read: "(sk-...abcd, $1.20 in 30 days)"
    usage_phrase(stake)          "last 30 days: $123.45, 4,567 model requests"

Long key lists are cut after `KEY_CAP` names ("… and 12 more"): the count is always exact.
"""

from __future__ import annotations

from reconciler.core.change import Change
from reconciler.core.kinds.registry import project_of
from reconciler.core.stakes import KeysLost, LostKey, ProjectStake, Stakes
from reconciler.core.usage import ProjectUsage
from reconciler.render.lines import LABEL_WIDTH

KEY_CAP = 5
# Where a change's detail column starts: marker (3), space, label, space.
DETAIL_PAD = " " * (3 + 1 + LABEL_WIDTH + 1)


def keys_phrase(change: Change, stakes: Stakes | None, *, code: bool = False) -> str | None:
    """What `change` costs in API keys, or None when it puts none at stake (or no stakes)."""
    lost = stakes.keys_lost_by(change) if stakes is not None else None
    if lost is None:
        return None
    text = _count(lost)
    if lost.keys:
        org_level = project_of(change.kind, change.key) is None
        names = [_key(k, stakes, org_level=org_level, code=code) for k in lost.keys]
        more = len(names) - KEY_CAP
        text += ": " + ", ".join(names[:KEY_CAP]) + (f", … and {more} more" if more > 0 else "")
    if lost.unknown:
        text += f" (keys of {', '.join(lost.unknown)} could not be read)"
    return text


def _count(lost: KeysLost) -> str:
    n = len(lost.keys)
    if n == 0:
        return "no API key stops working" if not lost.unknown else "no known API key stops working"
    return f"{n} API key stops working" if n == 1 else f"{n} API keys stop working"


def _key(lost: LostKey, stakes: Stakes | None, *, org_level: bool, code: bool) -> str:
    name, value = lost.key.name, lost.key.redacted_value
    if code:
        name, value = _code(name), _code(value)
    where = f" in {lost.project}" if org_level else ""
    cost = stakes.key_cost(lost.key) if stakes is not None else None
    spent = ""
    if stakes is not None and cost is not None:
        spent = f", {money(ProjectUsage(cost, stakes.key_currency))} in 30 days"
    return f"{name} ({value}{spent}){where}"


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def usage_phrase(stake: ProjectStake) -> str:
    """`last 30 days: $123.45, 4,567 model requests` (or that they are unknown)."""
    if stake.usage is None:
        return "last 30 days: usage unknown"
    return f"last 30 days: {money(stake.usage)}, {stake.usage.requests:,} model requests"


def money(usage: ProjectUsage) -> str:
    """`$1,234.56` for US dollars, `1,234.56 EUR` otherwise."""
    if usage.currency.lower() == "usd":
        return f"${usage.cost:,.2f}"
    return f"{usage.cost:,.2f} {usage.currency.upper()}"
