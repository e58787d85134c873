"""Fixtures for config tests: a lab that writes config files and loads them at a fixed time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.support import self_signed_pem
from tests.support.config_lab import NOW, ConfigLab


@pytest.fixture
def lab(tmp_path: Path) -> ConfigLab:
    """A fresh ConfigLab in tmp_path."""
    return ConfigLab(tmp_path)


@pytest.fixture
def make_pem() -> Callable[[float], str]:
    """A factory: make_pem(days) is a self-signed PEM expiring `days` after NOW."""

    def make(days: float) -> str:
        return self_signed_pem(
            "test.example.com",
            not_before=NOW - timedelta(days=365),
            not_after=NOW + timedelta(days=days),
        )

    return make
