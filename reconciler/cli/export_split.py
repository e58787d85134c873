"""`reconciler export --split DIR`: the live organization written as a config directory.

One file for the organization (`organization.yaml`: version, settings, users, certificates) and
one per project (`projects/NAME.yaml`), each written atomically. A directory that already holds
config fragments is replaced only with --force, and then the fragments the export no longer
writes (a project gone since) are removed, so the directory plans empty against the
organization. Planning DIR right after shows no changes.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.config.fragments import find_fragments
from reconciler.files.output import output_target, write_output
from reconciler.reports.export import ExportError


def check_split(root: Path, *, force: bool) -> list[Path]:
    """The fragments already under `root` (refused without --force; a file is refused)."""
    if root.exists() and not root.is_dir():
        raise ExportError(f"{root} exists and is not a directory")
    existing = find_fragments(root) if root.is_dir() else []
    if existing and not force:
        raise ExportError(f"{root} already holds config files; pass --force to replace them")
    return existing


def write_split(root: Path, files: dict[str, str], *, force: bool) -> None:
    """Write each file under `root`, then remove the fragments it held that were not written."""
    existing = check_split(root, force=force)
    written = set()
    for name, text in files.items():
        path = root / name
        write_output(output_target(path, what="a config file", protect={}), text, make_parents=True)
        written.add(path)
    for stale in existing:
        if stale not in written:
            stale.unlink()
