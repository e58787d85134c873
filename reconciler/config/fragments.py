"""A config directory: every YAML file under it is one fragment of the organization.

    find_fragments(root) -> list[Path]           the fragment files, in a stable order
    join(fragments, source) -> ParsedYaml        one document, every mark still in its own file

Fragments are the `*.yaml` / `*.yml` files under the directory, recursively, sorted by their
path relative to it; a file or directory whose name starts with `.` (hidden) or `x-` (scratch,
as top-level `x-` keys are) is skipped. Each fragment is parsed on its own (anchors do not cross
files), then the fragments are joined section by section, as `SECTIONS` says: lists of named
items are concatenated, mappings of named entries are united, and every other top-level key
(`version`, `settings`, …) is declared once. Nothing is merged silently: a name declared in two
fragments, or a once-only key declared twice, is a problem naming both places. A repeat inside
one fragment is left to the checks, which report it as they do for a single file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from reconciler.config.kinds.registry import parts
from reconciler.config.source import Locations, Path
from reconciler.config.yamlfile import ParsedYaml
from reconciler.errors import Problem

SUFFIXES = (".yaml", ".yml")
SKIPPED_PREFIXES = (".", "x-")


@dataclass(frozen=True, slots=True)
class Items:
    """A list section whose items are named by `field` (`projects`: each by its `name`)."""

    field: str
    noun: str
    fold: Callable[[str], str] = str


@dataclass(frozen=True, slots=True)
class Entries:
    """A mapping section whose keys are names (`rate_limit_profiles`)."""

    noun: str


# How each top-level section joins across fragments; a key not named here is declared once.
SECTIONS: dict[str, Items | Entries] = {
    "projects": Items("name", "project"),
    "users": Items("email", "user", fold=str.lower),
    "certificates": Items("name", "certificate"),
    "rate_limit_profiles": Entries("rate limit profile"),
    # A plug-in kind's top-level list joins when its config part says how (config/parts.py).
    **{
        part.name: Items(part.joined.field, part.joined.noun)
        for part in parts("root")
        if part.joined is not None
    },
}


def is_directory_config(path: FsPath) -> bool:
    """Whether CONFIG names a directory of fragments rather than one file."""
    return path.is_dir()


def find_fragments(root: FsPath) -> list[FsPath]:
    """The fragment files under `root`, sorted by relative path (hidden and `x-` skipped)."""
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.suffix not in SUFFIXES or any(
            part.startswith(SKIPPED_PREFIXES) for part in relative.parts
        ):
            continue
        if path.is_file():
            found.append((relative.as_posix(), path))
    return [path for _, path in sorted(found)]


@dataclass(frozen=True, slots=True)
class Fragment:
    """One parsed fragment: its document (without `x-` keys) and where each part of it is."""

    data: dict[Any, Any]
    locations: Locations


def join(fragments: Sequence[Fragment], *, source: str) -> ParsedYaml:
    """The fragments as one document; located problems for every name declared twice."""
    joiner = _Joiner(source)
    for fragment in fragments:
        joiner.add(fragment)
    return ParsedYaml(data=joiner.data, locations=joiner.locations, problems=joiner.problems)


class _Joiner:
    """Accumulates fragments into one document and one `Locations` spanning their files."""

    def __init__(self, source: str) -> None:
        self.data: dict[Any, Any] = {}
        self.locations = Locations(source)
        self.problems: list[Problem] = []
        # Where each section, item and entry was first declared: (section, name) → place.
        self.declared: dict[tuple[Any, Any], str] = {}

    def add(self, fragment: Fragment) -> None:
        """Join one fragment: its sections, then its marks under their joined paths."""
        moved: dict[Any, dict[int, int]] = {}  # section → fragment index → joined index
        for key, value in fragment.data.items():
            section = SECTIONS.get(key) if isinstance(key, str) else None
            if isinstance(section, Items) and self._joinable(key, value, list):
                moved[key] = self._items(key, section, value, fragment.locations)
            elif isinstance(section, Entries) and self._joinable(key, value, dict):
                self._entries(key, section, value, fragment.locations)
            else:
                self._once(key, value, fragment.locations)
        self._adopt(fragment.locations, moved)

    def _joinable(self, key: Any, value: Any, kind: type) -> bool:
        """Whether `value` and what is joined so far under `key` are both of `kind`."""
        return isinstance(value, kind) and isinstance(self.data.setdefault(key, kind()), kind)

    def _items(self, key: str, section: Items, items: list[Any], loc: Locations) -> dict[int, int]:
        joined: list[Any] = self.data[key]
        moved: dict[int, int] = {}
        local: set[str] = set()
        for index, item in enumerate(items):
            name = item.get(section.field) if isinstance(item, dict) else None
            if isinstance(name, str):
                folded = section.fold(name)
                first = self.declared.get((key, folded))
                if first is not None and folded not in local:
                    message = f"{section.noun} {name!r} is also declared at {first}"
                    self.problems.append(loc.problem((key, index, section.field), message))
                    continue
                self.declared.setdefault((key, folded), loc.where((key, index, section.field)))
                local.add(folded)
            moved[index] = len(joined)
            joined.append(item)
        return moved

    def _entries(self, key: str, section: Entries, entries: dict[Any, Any], loc: Locations) -> None:
        joined: dict[Any, Any] = self.data[key]
        for name, value in entries.items():
            if name in joined:
                message = f"{section.noun} {name!r} is also declared at {self.declared[key, name]}"
                self.problems.append(loc.problem((key, name), message))
                continue
            self.declared[key, name] = loc.where((key, name))
            joined[name] = value

    def _once(self, key: Any, value: Any, loc: Locations) -> None:
        if key in self.data:
            first = self.declared.get((key, None)) or self.locations.where((key,))
            message = f"{key!r} is already declared at {first}; declare it in one file only"
            self.problems.append(loc.problem((key,), message))
            return
        self.declared[key, None] = loc.where((key,))
        self.data[key] = value

    def _adopt(self, loc: Locations, moved: dict[Any, dict[int, int]]) -> None:
        """Copy the fragment's marks, items renumbered; dropped repeats leave no marks."""
        for section, indexes in moved.items():
            for local, index in indexes.items():
                self.locations.local_index[section, index] = local
        for path, mark in loc.marks.items():
            joined = _moved(path, moved)
            if joined is None or joined in self.locations.marks:
                continue
            self.locations.marks[joined] = mark
            self.locations.files[joined] = loc.source
            if path in loc.merged_from:
                self.locations.merged_from[joined] = loc.merged_from[path]


def _moved(path: Path, moved: dict[Any, dict[int, int]]) -> Path | None:
    """`path` in the joined document (None: the root, or an item that was not joined)."""
    if not path:
        return None
    if len(path) >= 2 and path[0] in moved and isinstance(path[1], int):
        index = moved[path[0]].get(path[1])
        return None if index is None else (path[0], index, *path[2:])
    return path
