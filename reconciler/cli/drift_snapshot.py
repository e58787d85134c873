"""`drift --snapshot FILE`: reading and writing the snapshot file, and `--full-every`'s
durations.

    read_snapshot(path) -> (Snapshot | None, why)   never raises: an unusable file is a reason
    write_snapshot(path, snapshot)                  atomic (a reader sees the old or the new)
    parse_duration(text) -> seconds                 "24h", "90m", "3600s", "2d", "0"
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from reconciler.core.snapshot import Snapshot
from reconciler.errors import ReconcilerError
from reconciler.files.atomic import atomic_write

_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """Seconds in `24h`, `90m`, `3600s`, `2d` or a plain number of seconds."""
    found = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", text)
    if found is None:
        raise click.BadParameter(f"{text!r} is not a duration like 24h, 90m, 3600s or 0")
    return int(found.group(1)) * _UNITS[found.group(2)]


def read_snapshot(path: Path) -> tuple[Snapshot | None, str]:
    """The snapshot in `path`, or None and why it cannot be used (the run reads in full)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, "no snapshot yet"
    except OSError as exc:
        return None, f"the snapshot {path} cannot be read ({exc.strerror or exc})"
    try:
        return Snapshot.from_json(json.loads(text)), ""
    except ValueError as exc:
        return None, f"the snapshot {path} is unusable: {_first_line(str(exc))}"


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else "empty"


def write_snapshot(path: Path, snapshot: Snapshot) -> None:
    """Replace `path` with `snapshot`, all at once, readable by its owner only."""
    text = json.dumps(snapshot.to_json(), sort_keys=True, separators=(",", ":")) + "\n"
    try:
        atomic_write(path, text, mode=0o600, make_parents=True)
    except OSError as exc:
        raise ReconcilerError(f"cannot write the snapshot {path}: {exc.strerror or exc}") from None
