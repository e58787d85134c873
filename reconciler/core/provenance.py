"""Where a config directory declares each object, so a plan line can name its file and line.

A `Provenance` maps declarations (a project, a user, a certificate) to a `Place`: the fragment
file, relative to the CONFIG directory, and the line of the declaration. A change belongs to
the declaration it comes from: a project's members, service accounts, rate limits and
certificates to the project; a user or invite to the user; a certificate (or its organization
activation) to the certificate. What has no declaration of its own (a pruned user, an
undeclared invite) comes from the organization's settings, so from the file declaring them.

A single config file has no provenance (None): its plans stay as they were, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reconciler.core.change import Kind

# The config sections that declare objects, by the kinds of change they give rise to.
_SECTION_OF: dict[Kind, str] = {
    Kind.USER: "users",
    Kind.INVITE: "users",
    Kind.CERTIFICATE: "certificates",
}
_PROJECT_KINDS = frozenset({Kind.PROJECT, Kind.PROJECT_USER, Kind.SERVICE_ACCOUNT, Kind.RATE_LIMIT})


@dataclass(frozen=True, slots=True, order=True)
class Place:
    """A fragment file (relative to the CONFIG directory, `/`-separated) and a line in it."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Declarations of a config directory, by (section, name), and the organization's place."""

    organization: Place
    places: Mapping[tuple[str, str], Place] = field(default_factory=dict)

    def place_of(self, kind: Kind, key: tuple[str, ...]) -> Place:
        """Where the object a change or finding about `kind`/`key` is declared."""
        if kind in _PROJECT_KINDS or (kind is Kind.CERTIFICATE_ACTIVATION and key[0]):
            section, name = "projects", key[0]
        elif kind is Kind.CERTIFICATE_ACTIVATION:
            section, name = "certificates", key[1]
        else:
            section, name = _SECTION_OF.get(kind, ""), key[0] if key else ""
        return self.places.get((section, name), self.organization)

    def files(self) -> list[str]:
        """Every fragment file that declares something, sorted."""
        return sorted({p.file for p in self.places.values()} | {self.organization.file})
