"""The model round-trips: config → model → config dict → model is the identity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.config import config_from_dict, desired_to_config_dict, load_config
from reconciler.core import model
from tests.support.examples import examples

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "org.yaml"

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
emails = st.builds(lambda local, domain: f"{local}@{domain}.com", names, names)
limits = st.dictionaries(
    st.sampled_from(model.RATE_LIMIT_FIELDS), st.integers(1, 10**9), min_size=1
)


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    """Random valid configs: users, projects with members, service accounts and limits."""
    users = draw(st.lists(emails, unique_by=str.lower, max_size=6))
    data: dict[str, Any] = {"version": 1}
    if draw(st.booleans()):
        roles = st.sampled_from(["owner", "reader"])
        data["users"] = [{"email": e, "role": draw(roles)} for e in users]
    projects = []
    for name in draw(st.lists(names, unique=True, max_size=4)):
        project: dict[str, Any] = {"name": name}
        if draw(st.booleans()):
            project["archived"] = True
            projects.append(project)
            continue
        if draw(st.booleans()):
            members = draw(st.lists(st.sampled_from(users), unique=True)) if users else []
            project["members"] = {e: draw(st.sampled_from(["owner", "member"])) for e in members}
        if draw(st.booleans()):
            accounts = draw(st.lists(names, unique=True, max_size=3))
            project["service_accounts"] = [
                {
                    "name": a,
                    "role": draw(st.sampled_from(["owner", "member"])),
                    "api_key": draw(st.booleans()),
                }
                for a in accounts
            ]
        if draw(st.booleans()):
            project["rate_limits"] = draw(st.dictionaries(names, limits, max_size=3))
        projects.append(project)
    data["projects"] = projects
    data["settings"] = {"prune": {"users": draw(st.booleans())}, "safety": {"min_owners": 0}}
    return data


def _round_trip(desired: model.Desired) -> model.Desired:
    data = desired_to_config_dict(desired)
    return config_from_dict(data, base_dir=ROOT).desired


def test_example_round_trips() -> None:
    """examples/org.yaml → model → dict → model gives an equal model and the same dict."""
    desired = load_config(EXAMPLE).desired
    again = _round_trip(desired)
    assert again == desired
    assert desired_to_config_dict(again) == desired_to_config_dict(desired)


def test_example_profile_expands_to_the_declared_limits() -> None:
    """search-prod takes its limits from the `production` profile, expanded in the model."""
    limits = load_config(EXAMPLE).desired.org.projects["search-prod"].rate_limits
    assert limits is not None
    assert {name: rl.limits() for name, rl in limits.items()} == {
        "gpt-4o": {"max_requests_per_1_minute": 500, "max_tokens_per_1_minute": 150000},
        "gpt-4o-mini": {"max_requests_per_1_minute": 1000, "max_tokens_per_1_minute": 400000},
    }


def test_digest_ignores_formatting(tmp_path: Path) -> None:
    """Two files that say the same thing in different YAML have the same digest."""
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text("version: 1\nprojects: [{name: x, members: {}}]\n")
    b.write_text("# comment\nversion: 1\nprojects:\n  - name: x\n    members: {}\n")
    c = tmp_path / "c.yaml"
    c.write_text("version: 1\nprojects: [{name: y, members: {}}]\n")
    digests = [load_config(p).digest for p in (a, b, c)]
    assert digests[0] == digests[1]
    assert digests[0] != digests[2]
    assert len(digests[0]) == 64


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_random_valid_configs_round_trip(data: dict[str, Any]) -> None:
    """Any valid config survives config → model → dict → model unchanged."""
    desired = config_from_dict(data, base_dir=ROOT).desired
    assert _round_trip(desired) == desired
