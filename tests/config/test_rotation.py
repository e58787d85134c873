"""config/rotation: `key: {rotate_every_days, overlap_days}` on a service account, validated
where it is written, carried into the model and written back by export's converter."""

from __future__ import annotations

from pathlib import Path

from reconciler.config import config_from_dict
from reconciler.config.convert import desired_to_config_dict
from reconciler.core.model import KeyRotation
from tests.support.config_lab import ConfigLab

HEAD = "version: 1\nprojects:\n  - name: web\n    service_accounts:\n"


def test_a_key_block_becomes_the_accounts_rotation_and_round_trips() -> None:
    """`key:` is the account's KeyRotation (overlap_days 7 unless said) and writes back whole."""
    doc = {
        "version": 1,
        "projects": [
            {"name": "web", "service_accounts": [{"name": "ci", "key": {"rotate_every_days": 30}}]}
        ],
    }
    desired = config_from_dict(doc, base_dir=Path("."), source="org.yaml").desired
    account = desired.org.projects["web"].service_accounts["ci"]  # type: ignore[index]
    assert account.key == KeyRotation(rotate_every_days=30, overlap_days=7)
    (written,) = desired_to_config_dict(desired)["projects"][0]["service_accounts"]
    assert written["key"] == {"rotate_every_days": 30, "overlap_days": 7}
    again = config_from_dict(desired_to_config_dict(desired), base_dir=Path("."), source="x")
    assert again.desired.org.projects["web"].service_accounts["ci"].key == account.key  # type: ignore[index]


def test_an_overlap_as_long_as_the_period_is_refused_where_written(lab: ConfigLab) -> None:
    """overlap_days must end before the next rotation: the error names the line and the rule."""
    problems = lab.problems(
        HEAD + "      - {name: ci, key: {rotate_every_days: 30, overlap_days: 30}}\n"
    )
    assert problems == [
        "org.yaml:5:20: projects[0].service_accounts[0].key: overlap_days must be less than "
        "rotate_every_days"
    ]


def test_rotation_needs_a_key_and_whole_days(lab: ConfigLab) -> None:
    """A rotating account with api_key off (or role none) is refused, as is a zero period."""
    none = lab.problems(HEAD + "      - {name: ci, role: none, key: {rotate_every_days: 30}}\n")
    assert len(none) == 1
    assert "key rotation needs an API key" in none[0]
    zero = lab.problems(HEAD + "      - {name: ci, key: {rotate_every_days: 0}}\n")
    assert len(zero) == 1
    assert "rotate_every_days" in zero[0]


def test_the_rotation_marker_is_a_reserved_name(lab: ConfigLab) -> None:
    """An account may not be named with the marker a rotation in progress carries."""
    problems = lab.problems(HEAD + "      - {name: ci.reconciler-rotating-1a2b}\n")
    assert len(problems) == 1
    assert "reserved for accounts whose key rotation is in progress" in problems[0]
