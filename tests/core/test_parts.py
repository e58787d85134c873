"""core/parts: plug-in kinds' values in the model — typed access, ids, and plain data that
keeps digests of organizations without parts as they were."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.core.digest import desired_digest, org_json
from reconciler.core.model import Desired, IdIndex, Organization, Project
from reconciler.core.parts import ids_of, parts_json, plain, typed, with_part


@dataclass(frozen=True, slots=True)
class Team:
    """A toy part value."""

    name: str
    members: frozenset[str]
    note: str = field(default="", compare=False)


def test_typed_reads_a_part_and_none_when_out_of_scope() -> None:
    """A declared part is returned as stored; one never declared is None (not managed)."""
    teams = {"ml": Team("ml", frozenset({"b@x.io", "a@x.io"}))}
    org = Organization(parts={"teams": teams})
    assert typed(org, "teams", Mapping[str, Team]) is teams
    assert typed(org, "roles", Mapping[str, Team]) is None
    assert typed(Project("web"), "teams", Mapping[str, Team]) is None


def test_ids_of_a_part() -> None:
    """Server ids of a part by natural key; an unread part has none."""
    ids = IdIndex(parts={"teams": {("ml",): "group_1"}})
    assert ids_of(ids, "teams") == {("ml",): "group_1"}
    assert ids_of(ids, "roles") == {}


def test_with_part_sets_and_removes() -> None:
    """Setting a part keeps the others; setting None removes it."""
    parts = with_part({"a": 1}, "b", 2)
    assert parts == {"a": 1, "b": 2}
    assert with_part(parts, "a", None) == {"b": 2}


def test_plain_is_deterministic_and_ignores_uncompared_fields() -> None:
    """Sets are sorted, mapping keys become text, and a field left out of equality is left out
    of plain data too (two equal values have equal plain data)."""
    one = {2: Team("ml", frozenset({"b", "a"}), note="x"), 1: Team("ops", frozenset())}
    other = {1: Team("ops", frozenset()), 2: Team("ml", frozenset({"a", "b"}), note="y")}
    assert plain(one) == plain(other)
    assert plain(one) == {
        "1": {"name": "ops", "members": []},
        "2": {"name": "ml", "members": ["a", "b"]},
    }
    assert list(plain(one)) == ["1", "2"]
    assert plain((1, "a")) == [1, "a"]


def test_digests_of_models_without_parts_are_unchanged() -> None:
    """No parts: nothing in the canonical JSON (digests recorded in plan files still match);
    a part changes the digest, and so does its value."""
    org = Organization(projects={"web": Project("web")})
    assert "parts" not in org_json(org)
    assert "parts" not in org_json(org)["projects"]["web"]
    assert parts_json({}) == {}
    with_teams = Organization(projects={"web": Project("web")}, parts={"teams": {}})
    other_teams = Organization(
        projects={"web": Project("web")}, parts={"teams": {"ml": Team("ml", frozenset())}}
    )
    digests = {desired_digest(Desired(o)) for o in (org, with_teams, other_teams)}
    assert len(digests) == 3
    in_project = Organization(projects={"web": Project("web", parts={"teams": {}})})
    assert org_json(in_project)["projects"]["web"]["parts"] == {"teams": {}}
