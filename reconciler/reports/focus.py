"""FinOps FOCUS-style rows of a usage report (pure): one per day and money group with its
BilledCost, one per usage group and counter over the period with its ConsumedQuantity, and one
per thing that could not be read, with why (never a zero).

FOCUS columns: ChargePeriodStart/End, BilledCost, BillingCurrency, ChargeCategory, ResourceId,
ResourceName, ConsumedQuantity, ConsumedUnit; `x_` columns for what FOCUS has no column for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from reconciler.core.period import DAY, Period
from reconciler.core.usage_data import CostFact, Names

COLUMNS = (
    "ChargePeriodStart", "ChargePeriodEnd", "BilledCost", "BillingCurrency", "ChargeCategory",
    "ResourceId", "ResourceName", "ConsumedQuantity", "ConsumedUnit",
    "x_RowType", "x_Model", "x_LineItem", "x_ApiKey", "x_User", "x_Partial", "x_Note",
)  # fmt: skip
FocusRow = dict[str, str]


def label_columns(labels: Mapping[str, Mapping[str, str]]) -> list[str]:
    """One `x_label_<key>` column per label key of the config."""
    return [f"x_label_{k}" for k in sorted({k for found in labels.values() for k in found})]


def cost_rows(
    costs: Iterable[CostFact],
    *,
    period: Period,
    names: Names,
    labels: Mapping[str, Mapping[str, str]],
) -> list[FocusRow]:
    """One row per day and money group of the period, as the API returned them."""
    rows = []
    for cost in sorted(costs, key=lambda c: (c.day, c.project_id or "", c.line_item or "")):
        if not period.start <= cost.day < period.end:
            continue
        project = names.projects.get(cost.project_id or "", cost.project_id or "")
        key = cost.api_key_id
        row = {
            "ChargePeriodStart": _time(cost.day),
            "ChargePeriodEnd": _time(min(cost.day + DAY, period.end)),
            "BilledCost": f"{cost.amount:.10f}",
            "BillingCurrency": cost.currency.upper(),
            "ChargeCategory": "Usage",
            "ResourceId": cost.project_id or "",
            "ResourceName": project,
            "ConsumedQuantity": "" if cost.quantity is None else f"{cost.quantity:.15g}",
            "ConsumedUnit": cost.unit or "",
            "x_RowType": "cost",
            "x_LineItem": cost.line_item or "",
            "x_ApiKey": str(names.keys[key]) if key and key in names.keys else key or "",
            "x_Partial": "true" if period.is_partial(cost.day) else "false",
        }
        rows.append(row | _labels(labels.get(project, {})))
    return rows


def usage_row(
    *, period: Period, values: Mapping[str, str], metric: str, amount: int,
    labels: Mapping[str, Mapping[str, str]],
) -> FocusRow:  # fmt: skip
    """One counter of one usage group over the whole period (`values`: dimension → value)."""
    project = values.get("project", "")
    row = {
        "ChargePeriodStart": _time(period.start),
        "ChargePeriodEnd": _time(period.end),
        "ChargeCategory": "Usage",
        "ResourceName": project,
        "ConsumedQuantity": str(amount),
        "ConsumedUnit": metric,
        "x_RowType": "usage",
        "x_Model": values.get("model", ""),
        "x_ApiKey": values.get("api_key", ""),
        "x_User": values.get("user", ""),
        "x_Partial": "true" if period.is_partial(period.end - 1) else "false",
    }
    given = {k: v for k, v in values.items() if f"x_label_{k}" in label_columns(labels)}
    return row | _labels(given or labels.get(project, {}))


def unknown_row(*, period: Period, what: str, reason: str) -> FocusRow:
    """Something not read: its name and why, and no number."""
    return {
        "ChargePeriodStart": _time(period.start),
        "ChargePeriodEnd": _time(period.end),
        "ConsumedUnit": what,
        "x_RowType": "unknown",
        "x_Note": reason,
    }


def _labels(labels: Mapping[str, str]) -> dict[str, str]:
    return {f"x_label_{k}": v for k, v in labels.items()}


def _time(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
