"""The file format of money settings: spend limits, in US dollars (cents allowed).

Amounts are numbers (strict: `"500"` is not an amount), above zero (an alert's may be zero),
in whole cents; they are kept in cents in the model, as the API counts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, Tag

from reconciler.config.names import EMAIL_PATTERN, check_email
from reconciler.core import model

Email = Annotated[
    str,
    Field(json_schema_extra={"pattern": EMAIL_PATTERN, "minLength": 3}),
    AfterValidator(check_email),
]


class _Strict(BaseModel):
    """Base: strict types, unknown keys are errors, values are frozen once validated."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _whole_cents(value: float) -> float:
    """Dollars with at most two decimals (the API counts cents)."""
    if abs(value * 100 - round(value * 100)) > 1e-6:
        raise ValueError(f"{value} is not a whole number of cents")
    return value


Dollars = Annotated[
    float,
    Field(gt=0, allow_inf_nan=False, description="US dollars (cents allowed: 1999.50)."),
    AfterValidator(_whole_cents),
]
# An alert's threshold may be $0, as the API allows (a limit of $0 it refuses).
Threshold = Annotated[
    float,
    Field(ge=0, allow_inf_nan=False, description="US dollars (cents allowed: 1999.50)."),
    AfterValidator(_whole_cents),
]


class SpendLimitConfig(_Strict):
    """A hard monthly spend limit: above it, the scope's API requests are refused."""

    usd_per_month: Dollars


def _branch(value: Any) -> str:
    """Which form a spend limit is written in: the word `none`, or an amount."""
    return "[none]" if isinstance(value, str) else "[amount]"


# `spend_limit: none` removes a limit; leaving the key out leaves any limit alone. Tagged, so a
# bad amount is one problem, not one per form (validation.py drops the tags from locations).
SpendLimitSetting = Annotated[
    Annotated[SpendLimitConfig, Tag("[amount]")] | Annotated[Literal["none"], Tag("[none]")],
    Discriminator(_branch),
]


def _none_if_empty(prefix: str | None) -> str | None:
    """An empty subject prefix is no prefix (the API hands one back as none)."""
    return prefix or None


class SpendAlertConfig(_Strict):
    """An email when the scope's spend this month reaches `usd_per_month`."""

    usd_per_month: Threshold
    # The API allows an alert that emails nobody; so does the file, so export can write one.
    notify: list[Email] = Field(description="Who gets the email.")
    subject_prefix: Annotated[str | None, AfterValidator(_none_if_empty)] = Field(
        default=None, description="Starts the email's subject."
    )


def _one_per_threshold(alerts: list[SpendAlertConfig]) -> list[SpendAlertConfig]:
    """An alert is known by its threshold: two at one amount could not be told apart."""
    seen: set[int] = set()
    for alert in alerts:
        cents = round(alert.usd_per_month * 100)
        if cents in seen:
            raise ValueError(f"two alerts at {alert.usd_per_month} dollars; one per threshold")
        seen.add(cents)
    return alerts


# A declared list is authoritative (`[]` removes every alert); left out, alerts are not managed.
SpendAlerts = Annotated[list[SpendAlertConfig], AfterValidator(_one_per_threshold)]


class OrganizationConfig(_Strict):
    """Organization-wide settings; a key left out is not managed."""

    spend_limit: SpendLimitSetting | None = Field(
        default=None, description="{usd_per_month: N}, or none to remove the limit."
    )
    spend_alerts: SpendAlerts | None = Field(
        default=None, description="Alerts by threshold; [] removes them all."
    )


# -- between the file and the model (convert.py) --


def spend_limit(setting: SpendLimitSetting | None) -> model.SpendLimit | None:
    """Dollars → cents; `none` is a limit of None (remove it); absent is not managed."""
    if setting is None:
        return None
    if setting == "none":
        return model.SpendLimit(None)
    return model.SpendLimit(round(setting.usd_per_month * 100))


def spend_alerts(
    alerts: list[SpendAlertConfig] | None,
) -> dict[int, model.SpendAlert] | None:
    """Alerts by threshold in cents, recipients lower-cased and sorted."""
    if alerts is None:
        return None
    out = {}
    for alert in alerts:
        cents = round(alert.usd_per_month * 100)
        emails = tuple(sorted({model.normalize_email(e) for e in alert.notify}))
        out[cents] = model.SpendAlert(cents, emails, alert.subject_prefix)
    return out


def dollars(cents: int) -> int | float:
    """Cents as the file writes dollars: whole dollars as an integer."""
    return cents // 100 if cents % 100 == 0 else cents / 100


def spend_alerts_dict(alerts: Mapping[int, model.SpendAlert]) -> list[dict[str, Any]]:
    """Alerts as the file writes them, by threshold."""
    return [
        {"usd_per_month": dollars(cents), "notify": list(a.recipients)}
        | ({"subject_prefix": a.subject_prefix} if a.subject_prefix is not None else {})
        for cents, a in sorted(alerts.items())
    ]


def spend_limit_dict(limit: model.SpendLimit) -> Any:
    """A limit as the file writes it: `none`, or dollars (whole dollars as an integer)."""
    if limit.cents is None:
        return "none"
    return {"usd_per_month": dollars(limit.cents)}
