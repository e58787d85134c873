"""`plan --format markdown` on a config directory: who must review which part (CODEOWNERS).

The CODEOWNERS file is `--codeowners FILE`, else the one GitHub would use in the working
directory (`.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`); without one, or for a
single config file, the comment is left as it is.
"""

from __future__ import annotations

from pathlib import Path

from reconciler.config.codeowners import CodeOwners, default_codeowners, read_codeowners
from reconciler.core.plan import Plan
from reconciler.render.markdown import BUDGET
from reconciler.render.owners import owners_section


def review_section(plan: Plan, *, config: Path, codeowners: Path | None, used: int = 0) -> str:
    """The "Review by owner" section to append to the markdown plan ('' when there is none),
    within what is left of a comment's budget after `used` characters."""
    if plan.provenance is None:
        return ""
    path = codeowners if codeowners is not None else default_codeowners(Path.cwd())
    if path is None:
        return ""
    rules = read_codeowners(path)
    files = plan.provenance.files()
    owners = {file: _owners(rules, config / file) for file in files}
    return owners_section(plan, owners, room=max(BUDGET - used, 0))


def _owners(rules: CodeOwners, fragment: Path) -> tuple[str, ...]:
    """The owners of a fragment file, by its path relative to the repository root."""
    try:
        relative = fragment.resolve().relative_to(rules.root.resolve())
    except ValueError:
        return ()  # the config lies outside the repository the CODEOWNERS file governs
    return rules.owners_of(relative.as_posix())
