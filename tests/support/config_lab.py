"""A lab for config tests: writes config files (and PEM files) and loads them at a fixed time."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconciler.config import LoadedConfig, load_config
from reconciler.errors import ConfigError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


class ConfigLab:
    """Writes org.yaml (and PEM files) into a temporary directory and loads them at NOW."""

    now = NOW

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / "org.yaml"

    def write(self, text: str, *, name: str = "org.yaml") -> Path:
        """Write dedented text to a file under the lab root and return its path."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def load(self, text: str) -> LoadedConfig:
        """Write `text` as org.yaml and load it."""
        return load_config(self.write(text), now=NOW)

    def problems(self, text: str) -> list[str]:
        """Write `text` as org.yaml; the lines `validate` would print, with a relative file name."""
        path = self.write(text)
        with pytest.raises(ConfigError) as info:
            load_config(path, now=NOW)
        return [str(p).removeprefix(str(self.root) + "/") for p in info.value.problems]

    def warnings(self, text: str) -> list[str]:
        """Write and load `text`; its warnings as printed, with a relative file name."""
        loaded = self.load(text)
        return [str(p).removeprefix(str(self.root) + "/") for p in loaded.warnings]
