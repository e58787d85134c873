"""Which declaration a change comes from: its project, its user, its certificate, or settings."""

from __future__ import annotations

import pytest

from reconciler.core.change import Kind
from reconciler.core.provenance import Place, Provenance

ORG = Place("org.yaml", 3)
PROVENANCE = Provenance(
    organization=ORG,
    places={
        ("projects", "search"): Place("teams/search.yaml", 2),
        ("users", "a@example.com"): Place("people.yaml", 5),
        ("certificates", "tls"): Place("org.yaml", 9),
    },
)


@pytest.mark.parametrize(
    ("kind", "key", "place"),
    [
        (Kind.PROJECT, ("search",), "teams/search.yaml:2"),
        (Kind.PROJECT_USER, ("search", "b@example.com"), "teams/search.yaml:2"),
        (Kind.SERVICE_ACCOUNT, ("search", "ci"), "teams/search.yaml:2"),
        (Kind.RATE_LIMIT, ("search", "gpt-4o"), "teams/search.yaml:2"),
        (Kind.CERTIFICATE_ACTIVATION, ("search", "tls"), "teams/search.yaml:2"),
        (Kind.CERTIFICATE_ACTIVATION, ("", "tls"), "org.yaml:9"),
        (Kind.CERTIFICATE, ("tls",), "org.yaml:9"),
        (Kind.USER, ("a@example.com",), "people.yaml:5"),
        (Kind.INVITE, ("a@example.com",), "people.yaml:5"),
        (Kind.USER, ("pruned@example.com",), "org.yaml:3"),
        (Kind.PROJECT, ("undeclared",), "org.yaml:3"),
    ],
)
def test_place_of_a_change(kind: Kind, key: tuple[str, ...], place: str) -> None:
    """A change is placed at its own declaration, else at the organization's settings."""
    assert str(PROVENANCE.place_of(kind, key)) == place


def test_files_lists_every_fragment_once() -> None:
    """files() names each declaring fragment once, sorted."""
    assert PROVENANCE.files() == ["org.yaml", "people.yaml", "teams/search.yaml"]
