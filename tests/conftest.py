"""Fixtures every test folder may use (helpers that are not fixtures live in tests/support.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import copy_examples


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """A copy of examples/org.yaml (and its certificate) in a scratch directory."""
    return copy_examples(tmp_path)
