"""Reading a YAML config file into plain data, remembering where every key and item came from.

PyYAML composes the document into nodes that carry marks; `_Builder` walks those nodes itself
(rather than letting the constructor build objects) so that it can record the line:column of
every mapping key and sequence item by path, refuse duplicate keys with both lines, resolve
merge keys (`<<: *anchor`), and stop recursive or exponentially expanding aliases. Scalars are
still resolved by PyYAML's safe constructor, so `true`, `12` and `~` mean what YAML says.

Every failure (missing file, directory, empty file, bad UTF-8, YAML syntax) becomes a
ConfigError with one clear, located Problem.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import yaml

from reconciler.config.source import Locations, Path, format_path
from reconciler.errors import ConfigError, Problem

log = logging.getLogger(__name__)

MERGE_TAG = "tag:yaml.org,2002:merge"
# Alias expansion beyond this many nodes is a "billion laughs" document, not a config.
MAX_NODES = 200_000
# libyaml's parser when PyYAML was built with it (several times faster), else pure Python.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class ParsedYaml:
    """A parsed document: the data, where each part of it is, and non-fatal problems."""

    data: Any
    locations: Locations
    problems: list[Problem] = field(default_factory=list)


def fatal(
    source: str, message: str, line: int | None = None, column: int | None = None
) -> ConfigError:
    """A ConfigError holding a single problem about the file as a whole."""
    return ConfigError([Problem(file=source, line=line, column=column, path="", message=message)])


def read_text(path: FsPath, *, source: str) -> str:
    """The file's text; a missing file, a directory or bad UTF-8 is a one-line ConfigError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fatal(source, "no such file") from None
    except IsADirectoryError:
        raise fatal(source, "is a directory, not a config file") from None
    except OSError as exc:
        raise fatal(source, f"cannot read: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        raise fatal(source, f"not valid UTF-8 (byte 0x{byte})", line, column) from None


def parse_yaml(text: str, *, source: str, allow_empty: bool = False) -> ParsedYaml:
    """Parse one YAML document; syntax errors and an empty document are a ConfigError (with
    `allow_empty`, an empty document is an empty mapping: a fragment with only comments)."""
    try:
        loader = _LOADER(text)
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc, source) from None
    try:
        node = loader.get_single_node()
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            if allow_empty:
                return ParsedYaml(data={}, locations=Locations(source))
            raise fatal(source, "the file is empty (expected a mapping with `version: 1`)")
        builder = _Builder(loader, Locations(source))
        builder.locations.add((), node.start_mark.line + 1, node.start_mark.column + 1)
        data = builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise fatal(source, f"YAML syntax error: {message}", line, column) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc, source) from None
    except yaml.YAMLError as exc:
        raise fatal(source, f"YAML syntax error: {exc}") from None
    except RecursionError:
        raise fatal(source, "YAML nested too deeply to be a config file") from None
    finally:
        loader.dispose()
    return ParsedYaml(data=data, locations=builder.locations, problems=builder.problems)


def _reader_error(text: str, exc: yaml.reader.ReaderError, source: str) -> ConfigError:
    """A character YAML does not allow (NUL, most control characters), at its line:column."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    char = exc.character if isinstance(exc.character, str) else chr(exc.character)
    message = f"YAML does not allow the character U+{ord(char):04X} here"
    return fatal(source, message, line, column)


class _Builder:
    """Turns composed nodes into plain data, recording locations and structural problems."""

    def __init__(self, loader: yaml.SafeLoader, locations: Locations) -> None:
        self.loader = loader
        self.locations = locations
        self.problems: list[Problem] = []
        self.active: set[int] = set()
        self.count = 0
        self.via: yaml.Mark | None = None  # the `<<` whose sources are being built

    def build(self, node: yaml.Node, path: Path) -> Any:
        """The value of `node` at `path`."""
        self.count += 1
        if self.count > MAX_NODES:
            raise yaml.MarkedYAMLError(
                problem="too many nodes (aliases expand without bound)",
                problem_mark=node.start_mark,
            )
        if id(node) in self.active:
            raise yaml.MarkedYAMLError(problem="recursive alias", problem_mark=node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._guarded(node, path, self._mapping)
        if isinstance(node, yaml.SequenceNode):
            return self._guarded(node, path, self._sequence)
        return self.loader.construct_object(node, deep=True)

    def _guarded(self, node: yaml.Node, path: Path, build: Any) -> Any:
        self.active.add(id(node))
        try:
            return build(node, path)
        finally:
            self.active.discard(id(node))

    def _sequence(self, node: yaml.SequenceNode, path: Path) -> list[Any]:
        items = []
        for index, child in enumerate(node.value):
            self._mark((*path, index), child)
            items.append(self.build(child, (*path, index)))
        return items

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        """Explicit keys first, so that their marks (not a merged source's) locate them."""
        merges = [(k, v) for k, v in node.value if k.tag == MERGE_TAG]
        explicit: dict[Any, Any] = {}
        seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in seen:
                self._duplicate((*path, key), key_node, seen[key])
            seen[key] = key_node
            self._mark((*path, key), key_node)
            explicit[key] = self.build(value_node, (*path, key))
        merged: dict[Any, Any] = {}
        for key_node, value_node in merges:
            for key, value in self._merge_sources(key_node, value_node, path).items():
                merged.setdefault(key, value)
        return {**merged, **explicit}

    def _merge_sources(self, key: yaml.Node, node: yaml.Node, path: Path) -> dict[Any, Any]:
        """`<<: *a` or `<<: [*a, *b]`; earlier sources win, as the YAML merge spec says. What
        they bring is located at this `<<` (the outermost one), merged from its own line."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        outer = self.via
        self.via = outer or key.start_mark
        try:
            result: dict[Any, Any] = {}
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise yaml.MarkedYAMLError(
                        problem="a merge key `<<` needs a mapping or a list of mappings",
                        problem_mark=source.start_mark,
                    )
                for name, value in self.build(source, path).items():
                    result.setdefault(name, value)
            return result
        finally:
            self.via = outer

    def _key(self, node: yaml.Node, path: Path) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.problems.append(self._at(node, path, "a mapping key must be a plain value"))
            return None
        key = self.loader.construct_object(node, deep=True)
        try:
            hash(key)
        except TypeError:
            self.problems.append(self._at(node, path, "a mapping key must be a plain value"))
            return None
        return key

    def _duplicate(self, path: Path, node: yaml.Node, first: yaml.Node) -> None:
        line = first.start_mark.line + 1
        message = f"duplicate key {path[-1]!r} (first defined on line {line})"
        self.problems.append(self._at(node, path, message))

    def _mark(self, path: Path, node: yaml.Node) -> None:
        line = node.start_mark.line + 1
        if self.via is None:
            self.locations.add(path, line, node.start_mark.column + 1)
        else:
            self.locations.add(path, self.via.line + 1, self.via.column + 1, merged_from=line)

    def _at(self, node: yaml.Node, path: Path, message: str) -> Problem:
        mark = node.start_mark
        return Problem(
            file=self.locations.source,
            line=mark.line + 1,
            column=mark.column + 1,
            path=format_path(path),
            message=message,
        )
