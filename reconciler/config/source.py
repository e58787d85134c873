"""Where things are in a config file: paths into the document and their line:column marks.

A `Path` is the route from the document root to a value: mapping keys and sequence indexes,
as in `("projects", 3, "members")`. `Locations` remembers the 1-based line and column of every
mapping key and sequence item, so that any problem found later (by pydantic, by the
cross-reference checks) can be reported as `FILE:LINE:COL: projects[3].members: message`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from reconciler.errors import Problem

PathItem = Hashable
Path = tuple[PathItem, ...]

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_@+-]+")


def format_path(path: Sequence[PathItem]) -> str:
    """`projects[3].members["a.b@example.com"]`: dotted keys, [i] for items, quotes when needed."""
    out = ""
    for item in path:
        if isinstance(item, int) and not isinstance(item, bool):
            out += f"[{item}]"
        elif isinstance(item, str) and _PLAIN_KEY.fullmatch(item):
            out += f".{item}" if out else item
        else:
            out += f"[{_quote(item)}]"
    return out


def _quote(item: PathItem) -> str:
    """A key in double quotes; a control character escaped (`\\n`), so the line stays one line."""
    text = str(item).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(_printable(char) for char in text) + '"'


def _printable(char: str) -> str:
    return char if char.isprintable() else char.encode("unicode_escape").decode("ascii")


@dataclass
class Locations:
    """Line and column (1-based) of every mapping key and sequence item, by path."""

    source: str
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # For a path whose value came through a merge key (`<<: *std`), the mark is the `<<` and
    # this is the line where the value itself is written.
    merged_from: dict[Path, int] = field(default_factory=dict)
    # For a config directory: the fragment file of each mark (`source` is then the directory).
    files: dict[Path, str] = field(default_factory=dict)
    # ... and the index an item has in its own fragment, by (section, index) in the whole.
    local_index: dict[tuple[PathItem, PathItem], int] = field(default_factory=dict)

    def add(self, path: Path, line: int, column: int, *, merged_from: int | None = None) -> None:
        """Remember the first place a path was seen (an alias re-visits the anchor's place)."""
        if path in self.marks:
            return
        self.marks[path] = (line, column)
        if merged_from is not None:
            self.merged_from[path] = merged_from

    def find(self, path: Sequence[PathItem]) -> tuple[int, int] | None:
        """The mark of `path`, or of its longest located prefix (a missing key: its parent)."""
        return self.marks.get(self._located(path))

    def file_of(self, path: Sequence[PathItem]) -> str:
        """The file that declares `path` (its fragment's, in a config directory)."""
        return self.files.get(self._located(path), self.source)

    def where(self, path: Sequence[PathItem]) -> str:
        """`FILE:LINE:COL` of `path` (just `FILE` when it has no mark)."""
        mark = self.find(path)
        return self.file_of(path) + ("" if mark is None else f":{mark[0]}:{mark[1]}")

    def _local(self, path: Sequence[PathItem]) -> Sequence[PathItem]:
        """`path` as its fragment's file numbers it (the same path for a single file)."""
        if len(path) < 2 or not self.local_index:
            return path
        index = self.local_index.get((path[0], path[1]))
        return path if index is None else (path[0], index, *path[2:])

    def _located(self, path: Sequence[PathItem]) -> Path:
        """`path`, or its longest prefix that has a mark (the root if none has)."""
        route = tuple(path)
        while route and route not in self.marks:
            route = route[:-1]
        return route

    def problem(
        self, path: Sequence[PathItem], message: str, *, severity: str = "error"
    ) -> Problem:
        """A Problem located at `path` (or the nearest located ancestor)."""
        route = self._located(path)
        mark = self.marks.get(route)
        line, column = mark if mark is not None else (None, None)
        if route in self.merged_from:
            message += f" (merged from line {self.merged_from[route]})"
        return Problem(
            file=self.files.get(route, self.source),
            line=line,
            column=column,
            path=format_path(self._local(path)),
            message=message,
            severity=severity,
        )
