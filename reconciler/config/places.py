"""The provenance of a config directory: where each project, user and certificate is declared.

Built from the joined document's `Locations` (fragments.py), which still know each mark's file;
see core/provenance.py for how a change finds its declaration.
"""

from __future__ import annotations

from pathlib import Path as FsPath

from reconciler.config.schema import ConfigFile
from reconciler.config.source import Locations, Path
from reconciler.core import model
from reconciler.core.provenance import Place, Provenance


def provenance_of(config: ConfigFile, loc: Locations, *, root: FsPath) -> Provenance:
    """Every declaration's place, relative to the CONFIG directory `root`."""
    places: dict[tuple[str, str], Place] = {}
    for index, project in enumerate(config.projects):
        places["projects", project.name] = _place(loc, ("projects", index), root)
    for index, user in enumerate(config.users or []):
        places["users", model.normalize_email(user.email)] = _place(loc, ("users", index), root)
    for index, cert in enumerate(config.certificates or []):
        places["certificates", cert.name] = _place(loc, ("certificates", index), root)
    organization = ("settings",) if ("settings",) in loc.marks else ("version",)
    return Provenance(organization=_place(loc, organization, root), places=places)


def _place(loc: Locations, path: Path, root: FsPath) -> Place:
    mark = loc.find(path)
    file = FsPath(loc.file_of(path))
    relative = file.relative_to(root).as_posix() if file.is_relative_to(root) else file.as_posix()
    return Place(file=relative, line=mark[0] if mark else 1)
