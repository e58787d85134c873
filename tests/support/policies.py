"""Hypothesis strategies for the money and model kinds, shared by the convergence and export
round-trip properties: spend limits and alerts (of the organization and of projects), model
permissions and hosted-tool permissions, both as a config declares them and as a sandbox seed
holds them (see reconciler/sandbox/seed.py).

Amounts, recipients and models are drawn from small shared pools (`CENTS`, `NOTIFY`, `MODELS`)
so that the declared and the live side often meet: the same limit, an alert at the same
threshold with other recipients, a policy naming the same models in another mode.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from reconciler.core.model import HOSTED_TOOLS

# Amounts in cents: a cent, whole dollars, dollars and cents, large ones.
CENTS = [1, 29, 100, 150_000, 199_950, 200_000, 5_000_000]
NOTIFY = ["ann@example.com", "finance@example.com", "oncall@example.com"]
# Models, a fine-tuned one among them (colons, which YAML must quote where they start a key).
MODELS = ["gpt-4o", "gpt-4o-mini", "o3", "dall-e-3", "ft:gpt-4o-mini-2024-07-18:acme::9abc"]
PREFIXES = ["[OpenAI]", "spend: ", "Ünïcode ✓"]

cents = st.sampled_from(CENTS) | st.integers(1, 10**8)


def dollars(amount: int) -> int | float:
    """Cents as the file writes dollars: a whole number, or two decimals (1999.5)."""
    return amount // 100 if amount % 100 == 0 else amount / 100


def _cased(email: str) -> st.SearchStrategy[str]:
    """The email as written, or as someone might type it (emails compare case-insensitively)."""
    return st.sampled_from([email, email.capitalize(), email.upper()])


@st.composite
def recipients(draw: st.DrawFn, *, min_size: int = 1) -> list[str]:
    """Who an alert emails: some of `NOTIFY`, in any order and case, maybe one twice."""
    chosen = draw(st.lists(st.sampled_from(NOTIFY), min_size=min_size, max_size=4))
    return [draw(_cased(email)) for email in chosen]


# A subject prefix: none, an empty string (which the API may well hand back as null), or text.
prefixes = st.sampled_from([None, "", *PREFIXES])


@st.composite
def config_spend_limit(draw: st.DrawFn) -> Any:
    """`spend_limit:` as a config writes it: `none` or `{usd_per_month: N}`."""
    if draw(st.integers(0, 3)) == 0:
        return "none"
    return {"usd_per_month": dollars(draw(cents))}


@st.composite
def config_spend_alerts(draw: st.DrawFn) -> list[dict[str, Any]]:
    """`spend_alerts:` as a config writes it: one alert per threshold (maybe none at all; one
    may be at $0, or email nobody, as the API allows)."""
    thresholds = draw(st.lists(st.just(0) | cents, unique=True, max_size=3))
    alerts = []
    for amount in thresholds:
        notify = draw(recipients(min_size=0))
        alert: dict[str, Any] = {"usd_per_month": dollars(amount), "notify": notify}
        prefix = draw(prefixes)
        if prefix is not None or draw(st.booleans()):
            alert["subject_prefix"] = prefix
        alerts.append(alert)
    return alerts


@st.composite
def config_models(draw: st.DrawFn) -> Any:
    """`models:` as a config writes it: `all`, `{allow: [...]}` or `{deny: [...]}` (a list
    may be empty, or name a model twice)."""
    mode = draw(st.sampled_from(["all", "allow", "deny"]))
    if mode == "all":
        return "all"
    return {mode: draw(st.lists(st.sampled_from(MODELS), max_size=4))}


hosted_tools = st.dictionaries(st.sampled_from(HOSTED_TOOLS), st.booleans())


ORG_MODES = (
    "zero_data_retention",
    "modified_abuse_monitoring",
    "enhanced_zero_data_retention",
    "enhanced_modified_abuse_monitoring",
)
PROJECT_MODES = ("organization_default", "none", *ORG_MODES)


@st.composite
def config_policies(draw: st.DrawFn, *, org: bool = False) -> dict[str, Any]:
    """Some of the money and model keys of a project (or, with `org`, of `organization:`)."""
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["spend_limit"] = draw(config_spend_limit())
    if draw(st.booleans()):
        out["spend_alerts"] = draw(config_spend_alerts())
    if not org and draw(st.booleans()):
        out["models"] = draw(config_models())
    if not org and draw(st.booleans()):
        out["hosted_tools"] = draw(hosted_tools)
    if draw(st.booleans()):
        out["data_retention"] = draw(st.sampled_from(ORG_MODES if org else PROJECT_MODES))
    return out


@st.composite
def seed_retention(draw: st.DrawFn, projects: list[str]) -> dict[str, Any]:
    """A seed's data retention: an agreement for every mode (the refusal of a mode without one
    is tested on its own), maybe an organization mode, and some projects' modes."""
    spec: dict[str, Any] = {"eligible": list(ORG_MODES)}
    if draw(st.booleans()):
        spec["organization"] = draw(st.sampled_from(ORG_MODES))
    chosen = draw(st.lists(st.sampled_from(projects), unique=True)) if projects else []
    spec["projects"] = {name: draw(st.sampled_from(PROJECT_MODES)) for name in chosen}
    return {"data_retention": spec}


@st.composite
def seed_project_policies(draw: st.DrawFn) -> dict[str, Any]:
    """A seed project's model policy and hosted tools (each maybe left at the default)."""
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        mode = draw(st.sampled_from(["allow", "deny"]))
        out["models"] = {mode: draw(st.lists(st.sampled_from(MODELS), max_size=4))}
    if draw(st.booleans()):
        out["hosted_tools"] = draw(hosted_tools)
    return out


@st.composite
def seed_spend(
    draw: st.DrawFn,
    scopes: list[str],
    *,
    zero: bool = False,
    nobody: bool = False,
    copies: bool = True,
) -> dict[str, Any]:
    """A seed's `spend_limits` and `spend_alerts` over `scopes` (organization and project
    names). Alerts may share a threshold in a scope, as the API allows (unless not `copies`);
    `zero` lets one be at $0 (the API's minimum) and `nobody` lets one email nobody."""
    limits = {scope: draw(cents) for scope in draw(st.lists(st.sampled_from(scopes), unique=True))}
    alerts: list[dict[str, Any]] = []
    for scope in draw(st.lists(st.sampled_from(scopes), max_size=4)):
        amount = draw(st.just(0) | cents) if zero else draw(cents)
        if not copies and any((a["scope"], a["cents"]) == (scope, amount) for a in alerts):
            continue
        alert = {
            "scope": scope,
            "cents": amount,
            "notify": draw(recipients(min_size=0 if nobody else 1)),
            "subject_prefix": draw(prefixes),
        }
        alerts.append(alert)
    return {"spend_limits": limits, "spend_alerts": alerts}
