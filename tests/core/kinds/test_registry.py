"""core/kinds/registry: every kind has its pure half, and what the core derives from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reconciler.core.change import Kind
from reconciler.core.kinds import registry
from reconciler.core.model import IdIndex

SPEC_FILE = Path(__file__).resolve().parents[3] / "spec" / "openai-admin.yaml"
# Kinds the audit log cannot name: the spec's AuditLogEventType has no event type for them.
UNAUDITED = frozenset({Kind.SPEND_LIMIT, Kind.SPEND_ALERT, Kind.DATA_RETENTION, Kind.GROUP_USER})


@pytest.mark.parametrize("kind", list(Kind))
def test_every_kind_has_a_registered_info_with_every_hook(kind: Kind) -> None:
    """Each kind names its key and noun, is diffed by its own step or another's, and says
    which audit-log events name it and which id they carry."""
    info = registry.info(kind)
    assert info.kind is kind
    assert info.noun
    assert info.key
    assert info.scope in ("organization", "project", "either")
    assert (info.diff is None) == (info.diffed_by is not None)
    if info.diffed_by is not None:
        assert registry.info(info.diffed_by).diff is not None
    assert info.audit_events or kind in UNAUDITED
    assert all("." in event for event in info.audit_events)
    assert info.audit_id(("p",) * len(info.key), IdIndex()) is None


def test_kinds_without_audit_events_are_those_the_spec_cannot_name() -> None:
    """A kind may leave audit_events empty only when the spec has no audit event type for it."""
    spec = yaml.safe_load(SPEC_FILE.read_text(encoding="utf-8"))
    types = spec["components"]["schemas"]["AuditLogEventType"]["enum"]
    assert {k for k in Kind if not registry.info(k).audit_events} == UNAUDITED
    assert not [t for t in types if t.startswith(("spend", "organization.spend", "project.spend"))]
    assert not [t for t in types if "retention" in t]
    assert not [t for t in types if t.startswith(("group.user", "group.member"))]


def test_the_registry_lists_each_kind_once_in_dependency_order() -> None:
    """Projects come first (everything else may live in one), certificates before their
    activations, users before the project members they may be."""
    order = [info.kind for info in registry.kinds()]
    assert sorted(order) == sorted(Kind)
    assert len(set(order)) == len(order)
    assert order[0] is Kind.PROJECT
    assert order.index(Kind.CERTIFICATE) < order.index(Kind.CERTIFICATE_ACTIVATION)
    assert order.index(Kind.USER) < order.index(Kind.PROJECT_USER)


def test_the_key_places_an_object_in_its_project_or_the_organization() -> None:
    """A project is its own project, a member lives in its key's project, a user in none, and
    an activation in the organization when its scope is empty."""
    assert registry.project_of(Kind.PROJECT, ("web",)) == "web"
    assert registry.project_of(Kind.PROJECT_USER, ("web", "eve@example.com")) == "web"
    assert registry.project_of(Kind.USER, ("eve@example.com",)) is None
    assert registry.project_of(Kind.CERTIFICATE_ACTIVATION, ("", "corp")) is None
    assert registry.project_of(Kind.CERTIFICATE_ACTIVATION, ("web", "corp")) == "web"


def test_labels_come_from_the_noun_key_and_scope() -> None:
    """A label names the object by its noun and key, and its project unless asked short."""
    assert registry.label(Kind.PROJECT_USER, ("web", "eve@x.com")) == "member eve@x.com of web"
    assert registry.label(Kind.PROJECT_USER, ("web", "eve@x.com"), short=True) == (
        "member eve@x.com"
    )
    assert registry.label(Kind.CERTIFICATE_ACTIVATION, ("", "corp")) == (
        "certificate corp activation (organization)"
    )
    assert registry.label(Kind.CERTIFICATE_ACTIVATION, ("web", "corp")) == (
        "certificate corp activation in web"
    )
    assert registry.info(Kind.SERVICE_ACCOUNT).counted(2) == "2 service accounts"


def test_a_kind_cannot_be_registered_twice() -> None:
    """Registering a kind that is already registered is refused, not silently doubled."""
    with pytest.raises(ValueError, match="registered already"):
        registry.register(registry.info(Kind.USER))
    assert [info.kind for info in registry.kinds()].count(Kind.USER) == 1
