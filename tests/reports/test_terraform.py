"""Terraform handoff: which resources of a `terraform show -json` state reconciler takes over,
the `removed` blocks that make Terraform forget them, and that nothing secret is written."""

from __future__ import annotations

import copy
import json
import re
import secrets
from pathlib import Path
from typing import Any

import pytest

from reconciler.errors import HandoffError
from reconciler.reports.terraform import (
    MANAGED,
    PROVIDER,
    parse_state,
    render_removed,
    summary,
)

FIXTURE = Path(__file__).resolve().parents[2] / "examples" / "terraform" / "show.json"


def _fixture() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


def _all_resources(module: dict[str, Any]) -> list[dict[str, Any]]:
    found = list(module.get("resources", []))
    for child in module.get("child_modules", []):
        found += _all_resources(child)
    return found


def test_fixture_holds_every_managed_type_and_some_that_are_not() -> None:
    """The fixture has every type of the official provider that reconciler manages, plus other
    types, another provider's same-named type and a data source: the test below covers them."""
    resources = _all_resources(_fixture()["values"]["root_module"])
    official = {r["type"] for r in resources if r["provider_name"] == PROVIDER}
    assert set(MANAGED) <= official
    assert official - set(MANAGED)
    assert any(r["provider_name"] != PROVIDER and r["type"] in MANAGED for r in resources)
    assert any(r["mode"] == "data" for r in resources)


def test_official_managed_types_are_handed_over_and_the_rest_left() -> None:
    """Every managed resource of a managed type of the official provider is handed over; other
    types and other providers stay in Terraform; data sources are neither."""
    handoff = parse_state(FIXTURE.read_text(), source="show.json")
    resources = _all_resources(_fixture()["values"]["root_module"])
    managed = [r for r in resources if r["mode"] == "managed"]
    expected = {r["address"] for r in managed if r["provider_name"] == PROVIDER}
    expected = {a for a in expected if next(r for r in managed if r["address"] == a)["type"]
                in MANAGED}  # fmt: skip
    assert {r.address for r in handoff.handed} == expected
    assert {r.address for r in handoff.left} == {r["address"] for r in managed} - expected
    assert {r.type for r in handoff.handed} == set(MANAGED)
    assert "openai_project.legacy" in {r.address for r in handoff.left}
    assert not any(r.address.startswith("data.") for r in handoff.handed + handoff.left)


def test_one_removed_block_per_resource_in_configuration_without_instance_keys() -> None:
    """`for_each`/`count` instances share one block, and module keys are dropped: Terraform's
    `removed.from` takes no instance key."""
    handoff = parse_state(FIXTURE.read_text(), source="show.json")
    froms = handoff.removed_from()
    assert "openai_project_user.search" in froms
    assert "module.team.openai_project_user.members" in froms
    assert not any("[" in address for address in froms)
    assert len(froms) == len(set(froms)) < len(handoff.handed)
    assert summary(handoff) == (
        f"{len(handoff.handed)} resources handed to reconciler ({len(froms)} removed blocks); "
        f"{len(handoff.left)} left in Terraform"
    )


def test_rendered_file_is_removed_blocks_that_never_destroy() -> None:
    """Each block reads `removed { from = ADDRESS lifecycle { destroy = false } }`, names the
    org.yaml key the object belongs in, and what stays in Terraform is listed as comments."""
    handoff = parse_state(FIXTURE.read_text(), source="show.json")
    text = render_removed(handoff, source="show.json")
    froms = re.findall(r"^  from = (\S+)$", text, flags=re.M)
    assert froms == handoff.removed_from()
    assert text.count("removed {") == len(froms)
    assert text.count("    destroy = false\n") == len(froms)
    assert "destroy = true" not in text
    assert '#    openai_project.search: "search-prod" in proj_search' in text
    assert '#    openai_project_user.search["alice"]: "alice@example.com" in proj_search' in text
    left = text[text.index("# Left in Terraform") :]
    for resource in handoff.left:
        assert f"#    {resource.address} (" in left
    assert "(provider registry.terraform.io/mkdev-me/openai)" in left


def _mark(module: dict[str, Any], secret: str) -> None:
    """Put `secret` into every value of every resource that is not an allowed identifier."""
    for resource in module.get("resources", []):
        values = resource["values"]
        for key in list(values):
            if key not in {"name", "email", "model", "project_id", "user_id"}:
                values[key] = secret
        values["api_key"] = {"value": secret}
    for child in module.get("child_modules", []):
        _mark(child, secret)


def test_no_value_but_names_and_ids_is_ever_written() -> None:
    """A secret anywhere in the state's values (certificates, keys, passwords) is not in the file
    nor the summary."""
    secret = f"sk-proj-{secrets.token_urlsafe(24)}"
    data = copy.deepcopy(_fixture())
    _mark(data["values"]["root_module"], secret)
    handoff = parse_state(json.dumps(data), source="show.json")
    assert secret not in render_removed(handoff, source="show.json") + summary(handoff)


def test_a_hostile_name_cannot_add_lines_to_the_file() -> None:
    """A name holding a newline and HCL stays inside its one comment line."""
    data = copy.deepcopy(_fixture())
    project = data["values"]["root_module"]["resources"][3]
    assert project["type"] == "openai_project"
    project["values"]["name"] = 'x"\nremoved {\n  from = aws_instance.db\n}\u2028'
    text = render_removed(parse_state(json.dumps(data), source="s.json"), source="s.json")
    assert "aws_instance" not in re.sub(r"^#.*$", "", text, flags=re.M)
    assert text.count("removed {") == len(re.findall(r"^  from = ", text, flags=re.M))
    assert "\u2028" not in text


def test_an_empty_state_hands_over_nothing() -> None:
    """`terraform show -json` of an empty state (no `values`) gives no blocks and no error."""
    handoff = parse_state('{"format_version": "1.0"}', source="show.json")
    assert handoff.handed == handoff.left == ()
    assert "removed {" not in render_removed(handoff, source="show.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{\n  oops", "s.json:2:3: not JSON (Expecting property name enclosed in double quotes)"),
        ("[]", "s.json: not the output of `terraform show -json` (not an object)"),
        ('{"format_version": "1.2", "planned_values": {}}', "s.json: this is a plan; pass"),
        ('{"version": 4, "resources": []}', "s.json: this is a raw state file; pass"),
        ('{"values": {}}', "s.json: not the output of `terraform show -json` (no format_"),
        ('{"format_version": "1.0", "values": {"root_module": []}}',
         "s.json: values.root_module: expected an object"),
        ('{"format_version": "1.0", "values": {"root_module": {"resources": [{}]}}}',
         "s.json: values.root_module.resources[0]: a resource without an address or type"),
    ],
)  # fmt: skip
def test_input_that_is_not_a_state_is_one_clear_error(text: str, message: str) -> None:
    """Not JSON, a plan, a raw state file or a malformed state: one line saying where and what."""
    with pytest.raises(HandoffError) as caught:
        parse_state(text, source="s.json")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
