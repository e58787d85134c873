"""Fixtures of the `reconciler github` tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.github import FakeGitHub, fake_github


@pytest.fixture
def fake_gh(tmp_path: Path) -> FakeGitHub:
    """A fake `gh` executable that serves a stateful fake repository `acme/org-config`."""
    return fake_github(tmp_path)
