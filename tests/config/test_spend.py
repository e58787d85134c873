"""config/spend: dollars in the file, cents in the model; `none` removes, absent leaves alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from reconciler.config import config_from_dict, json_schema
from reconciler.config.convert import desired_to_config_dict
from reconciler.core.model import SpendLimit
from reconciler.errors import ConfigError


def _doc(limit: Any) -> dict[str, Any]:
    return {"version": 1, "organization": {"spend_limit": limit}, "projects": []}


@pytest.mark.parametrize("amount", [-5, 0, "5000", None])
def test_the_json_schema_refuses_amounts_that_are_not_positive_numbers(amount: Any) -> None:
    """Editors flag a negative, zero or non-numeric amount, as the loader does."""
    validator = Draft202012Validator(json_schema())
    assert list(validator.iter_errors(_doc({"usd_per_month": amount})))
    assert not list(validator.iter_errors(_doc({"usd_per_month": 1999.5})))
    assert not list(validator.iter_errors(_doc("none")))


def test_dollars_become_cents_and_round_trip() -> None:
    """1999.50 dollars is 199,950 cents; `none` is a limit of None; both write back as read."""
    for limit, cents in (({"usd_per_month": 1999.5}, 199_950), ("none", None)):
        desired = config_from_dict(_doc(limit), base_dir=Path("."), source="org.yaml").desired
        assert desired.org.spend_limit == SpendLimit(cents)
        assert desired_to_config_dict(desired)["organization"] == {"spend_limit": limit}
    plain = config_from_dict(
        {"version": 1, "projects": []}, base_dir=Path("."), source="org.yaml"
    ).desired
    assert plain.org.spend_limit is None


def test_an_empty_subject_prefix_is_no_prefix() -> None:
    """`subject_prefix: ""` reads as no prefix, as the API reports one, so the plan never
    updates an alert from none to "" over and over."""
    alert = {"usd_per_month": 5, "notify": ["a@example.com"], "subject_prefix": ""}
    doc = {"version": 1, "organization": {"spend_alerts": [alert]}, "projects": []}
    desired = config_from_dict(doc, base_dir=Path("."), source="org.yaml").desired
    assert desired.org.spend_alerts is not None
    assert desired.org.spend_alerts[500].subject_prefix is None


def test_an_alert_may_be_at_zero_and_email_nobody_but_a_limit_may_not_be_zero() -> None:
    """An alert at $0 that notifies nobody reads as the API holds it (0 cents, no recipients);
    a limit of $0 is still refused."""
    alert = {"usd_per_month": 0, "notify": []}
    doc = {"version": 1, "organization": {"spend_alerts": [alert]}, "projects": []}
    desired = config_from_dict(doc, base_dir=Path("."), source="org.yaml").desired
    assert desired.org.spend_alerts is not None
    assert desired.org.spend_alerts[0].recipients == ()
    with pytest.raises(ConfigError, match="greater than 0"):
        config_from_dict(_doc({"usd_per_month": 0}), base_dir=Path("."), source="org.yaml")
