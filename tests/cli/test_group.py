"""Only the command line's entry exits: commands return an exit code or raise a typed error."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reconciler"
# Where an error or a returned code becomes the process's exit status.
ENTRY = {"cli/group.py"}
_EXITS = re.compile(r"\bsys\.exit\(|\bSystemExit\(|\bos\._exit\(|\bctx\.exit\(|\bquit\(")


def test_only_the_entry_exits() -> None:
    """`sys.exit` (or any other way out of the process) appears only in cli/group.py."""
    exiting = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if _EXITS.search(path.read_text(encoding="utf-8"))
    }
    assert exiting == ENTRY
