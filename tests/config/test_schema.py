"""`settings.api_keys`: the key policy's schema, defaults, dates and round trip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.config import config_from_dict
from reconciler.config.convert import desired_to_config_dict
from reconciler.core.model import ApiKeyPolicy, KeyExemption

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.config_lab import ConfigLab

POLICY = """
    version: 1
    settings:
      api_keys:
        max_age_days: 180
        unused_days: 90
        owner_without_access: revoke
        exempt:
          - {name: etl-nightly, project: data-platform, reason: vendor cutover, until: 2027-01-31}
          - {name: bob-laptop, reason: "on leave", until: "2026-12-15"}
    """


def test_the_policy_loads_with_dates_written_or_quoted(lab: ConfigLab) -> None:
    """Both a YAML date and a quoted one are a day; every field reaches the model."""
    policy = lab.load(POLICY).desired.settings.api_keys
    assert policy == ApiKeyPolicy(
        max_age_days=180,
        unused_days=90,
        owner_without_access="revoke",
        exempt=(
            KeyExemption("etl-nightly", "vendor cutover", "2027-01-31", project="data-platform"),
            KeyExemption("bob-laptop", "on leave", "2026-12-15"),
        ),
    )


def test_the_policy_round_trips_and_the_default_is_not_written(
    lab: ConfigLab, tmp_path: Path
) -> None:
    """config → model → dict → model is the identity; a default policy adds nothing to export."""
    desired = lab.load(POLICY).desired
    again = config_from_dict(desired_to_config_dict(desired), base_dir=tmp_path).desired
    assert again.settings.api_keys == desired.settings.api_keys
    plain = lab.load("version: 1\n").desired
    assert "api_keys" not in desired_to_config_dict(plain)["settings"]


def test_bad_policy_values_are_located(lab: ConfigLab) -> None:
    """A date that is not one, a zero limit and an unknown remedy each name their place."""
    found = lab.problems(
        """
        version: 1
        settings:
          api_keys:
            max_age_days: 0
            owner_without_access: delete
            exempt:
              - {name: k, reason: r, until: "next week"}
        """
    )
    assert len(found) == 3
    assert found[0].startswith("org.yaml:4:5: settings.api_keys.max_age_days:")
    assert found[1].startswith("org.yaml:5:5: settings.api_keys.owner_without_access:")
    assert found[2].startswith("org.yaml:7:30: settings.api_keys.exempt[0].until:")
    assert "'next week' is not a date (YYYY-MM-DD)" in found[2]


def test_enforce_is_accepted_without_a_warning(lab: ConfigLab) -> None:
    """Plan and apply act on the key policy, so `enforce: true` no longer warns."""
    assert lab.warnings("version: 1\nsettings: {api_keys: {enforce: true}}\n") == []
