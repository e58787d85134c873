"""Loading a config: read, parse, validate, cross-check, convert — every problem at once.

The only I/O is reading the config file and the PEM files it names; the clock for the expiry
warning is a parameter. Any problem (with severity "error") raises one ConfigError listing
them all, each as `FILE:LINE:COL: path: message`; warnings travel with the result.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.config.certificates import load_certificates
from reconciler.config.checks import check_config
from reconciler.config.convert import desired_to_config_dict, to_desired
from reconciler.config.fragments import Fragment, find_fragments, is_directory_config, join
from reconciler.config.places import provenance_of
from reconciler.config.provenance import declarations
from reconciler.config.source import Locations
from reconciler.config.validation import validate_schema
from reconciler.config.yamlfile import ParsedYaml, fatal, parse_yaml, read_text
from reconciler.core import model
from reconciler.core.declared import Declarations
from reconciler.errors import ConfigError, Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedConfig:
    """A valid config: the desired model, warnings, a digest of its content, its path, and
    where each principal is declared (for the reports' `declared_in`)."""

    desired: model.Desired
    warnings: tuple[Problem, ...]
    digest: str
    path: Path
    declared: Declarations = field(default_factory=Declarations)


def load_config(path: Path, *, now: datetime | None = None) -> LoadedConfig:
    """Load and check the config file (or directory of fragments, see fragments.py) at `path`;
    raise ConfigError listing every problem."""
    if is_directory_config(path):
        return _finish(_join_directory(path), base_dir=path, path=path, now=now, root=path)
    source = str(path)
    parsed = parse_yaml(read_text(path, source=source), source=source)
    return _finish(parsed, base_dir=path.parent, path=path, now=now)


def _join_directory(root: Path) -> ParsedYaml:
    """Every fragment under `root`, parsed and joined; unreadable ones all reported at once."""
    fragments, problems = [], []
    paths = find_fragments(root)
    if not paths:
        raise fatal(str(root), "the directory holds no *.yaml or *.yml file")
    for path in paths:
        source = str(path)
        try:
            parsed = parse_yaml(read_text(path, source=source), source=source, allow_empty=True)
            _check_top_level(parsed)
        except ConfigError as exc:
            problems += exc.problems
            continue
        problems += parsed.problems
        fragments.append(Fragment(without_extensions(parsed.data), parsed.locations))
    if problems and len(fragments) < len(paths):
        raise ConfigError(problems)
    joined = join(fragments, source=str(root))
    joined.problems[:0] = problems
    log.debug("joined %d fragments under %s", len(fragments), root)
    return joined


def config_from_dict(
    data: Mapping[str, Any], *, base_dir: Path, source: str = "<dict>", now: datetime | None = None
) -> LoadedConfig:
    """The same checks on already-parsed data (no line numbers); PEM files relative to base_dir."""
    parsed = ParsedYaml(data=dict(data), locations=Locations(source))
    return _finish(parsed, base_dir=base_dir, path=Path(source), now=now)


def digest_of(desired: model.Desired) -> str:
    """sha256 of the canonical JSON of the config's content (not its formatting or anchors)."""
    canonical = json.dumps(desired_to_config_dict(desired), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _finish(
    parsed: ParsedYaml,
    *,
    base_dir: Path,
    path: Path,
    now: datetime | None,
    root: Path | None = None,
) -> LoadedConfig:
    """The checks and conversion; `root`: the CONFIG directory, whose provenance is kept."""
    loc = parsed.locations
    _check_top_level(parsed)
    config, schema_problems = validate_schema(without_extensions(parsed.data), loc)
    problems = [*parsed.problems, *schema_problems]
    if config is None:
        raise ConfigError(_ordered(problems))
    problems += check_config(config, loc)
    certs = load_certificates(config, loc, base_dir=base_dir, now=_aware(now))
    problems += certs.problems
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ConfigError(_ordered(errors))
    desired = to_desired(config, certs.loaded)
    if root is not None:
        desired = replace(desired, provenance=provenance_of(config, loc, root=root))
    log.debug("loaded %s: %d projects", path, len(desired.org.projects))
    warnings = tuple(_ordered([p for p in problems if p.severity != "error"]))
    return LoadedConfig(
        desired=desired,
        warnings=warnings,
        digest=digest_of(desired),
        path=path,
        declared=declarations(config, loc),
    )


def _check_top_level(parsed: ParsedYaml) -> None:
    """A document whose top level is not a mapping is a ConfigError."""
    if isinstance(parsed.data, dict):
        return
    kind = "a list" if isinstance(parsed.data, list) else f"a single value ({parsed.data!r})"
    mark = parsed.locations.find(())
    line, column = mark if mark else (None, None)
    message = f"the top level must be a mapping (with `version: 1`), not {kind}"
    raise fatal(parsed.locations.source, message, line, column)


def without_extensions(data: dict[Any, Any]) -> dict[Any, Any]:
    """The document without top-level `x-…` keys (free space for anchors, as in Compose files)."""
    return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}


def _aware(now: datetime | None) -> datetime:
    """`now`, or the current time; a naive datetime is taken as UTC."""
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
