"""The "Review by owner" section: a directory plan's changes by declaring file, with owners."""

from __future__ import annotations

from reconciler.core.change import Action, Change, Kind
from reconciler.core.plan import Plan
from reconciler.core.provenance import Place, Provenance
from reconciler.render.owners import by_file, owners_section

PROVENANCE = Provenance(
    organization=Place("org.yaml", 3),
    places={("projects", "search"): Place("teams/search.yaml", 2)},
)
CHANGES = (
    Change(Kind.PROJECT_USER, Action.CREATE, ("search", "a@example.com")),
    Change(Kind.USER, Action.DELETE, ("gone@example.com",)),
    Change(Kind.RATE_LIMIT, Action.UPDATE, ("search", "gpt-4o")),
)


def test_changes_grouped_by_declaring_file() -> None:
    """Project changes go to the project's file, an undeclared user's delete to the settings'."""
    grouped = by_file(Plan(changes=CHANGES, provenance=PROVENANCE))
    assert {file: [c.key for c in changes] for file, changes in grouped.items()} == {
        "org.yaml": [("gone@example.com",)],
        "teams/search.yaml": [("search", "a@example.com"), ("search", "gpt-4o")],
    }


def test_section_names_owners_and_unowned_files() -> None:
    """Each file's row names its owners; a file without any says so."""
    text = owners_section(
        Plan(changes=CHANGES, provenance=PROVENANCE), {"teams/search.yaml": ("@acme/search",)}
    )
    assert "| `org.yaml` | 1 | _no owner in CODEOWNERS_ |" in text
    assert "| `teams/search.yaml` | 2 | @acme/search |" in text
    assert "- `-` delete user gone@example.com" in text
    assert "- `+` create member a@example.com of search" in text


def test_no_section_without_provenance_or_changes() -> None:
    """A single file's plan, or an empty plan, gets no section."""
    assert owners_section(Plan(changes=CHANGES), {}) == ""
    assert owners_section(Plan(provenance=PROVENANCE), {}) == ""


def test_section_fits_what_is_left_of_the_comment() -> None:
    """Short of room, the per-file changes go first, then table rows, each cut said so."""
    plan = Plan(changes=CHANGES, provenance=PROVENANCE)
    full = owners_section(plan, {})
    assert "<details>" in full
    shorter = owners_section(plan, {}, room=len(full) - 1)
    assert "<details>" not in shorter
    assert "| `teams/search.yaml` | 2 |" in shorter
    assert shorter.endswith("left out to fit a GitHub comment._\n")
    tiny = owners_section(plan, {}, room=120)
    assert len(tiny) <= 120
    assert "cut to fit a GitHub comment" in tiny
