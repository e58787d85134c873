"""Fixtures that test folders share (helpers that are not fixtures live in tests/support/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.api import AdminClient
from reconciler.core.model import ApiKeyInfo, Desired, Live
from reconciler.core.plan import make_plan
from reconciler.core.stakes import Stakes
from reconciler.core.usage import UsageReport
from tests.support import copy_examples, make_pem, sandbox_client
from tests.support.fake_api import FAKE_KEY
from tests.support.scenario import SCENARIO_KEYS, USAGE, scenario_desired, scenario_live, stakes_of
from tests.support.seeds import make_seed


@pytest.fixture
def org(tmp_path: Path) -> Path:
    """A copy of examples/org.yaml (and its certificate) in a scratch directory."""
    return copy_examples(tmp_path)


@pytest.fixture
def fake_key() -> str:
    """An admin key that is obviously fake and easy to grep for (api/ and cli/ tests)."""
    return FAKE_KEY


# Generated sandbox organizations and clients wired to them (kinds/ and read/ tests).


@pytest.fixture
def org_seed() -> Callable[..., dict[str, Any]]:
    """Makes sandbox seeds of generated organizations (see tests.support.seeds.make_seed)."""
    return make_seed


@pytest.fixture(name="sandbox_client")
def sandbox_client_fixture() -> Callable[..., AdminClient]:
    """Builds a client on a sandbox (unpaced unless a Pacing is given): tests.support's."""
    return sandbox_client


@pytest.fixture
def pem_factory() -> Callable[..., str]:
    """Makes self-signed PEM certificates."""
    return make_pem


# The every-change scenario of tests.support.scenario (core/ and render/ tests).


@pytest.fixture
def desired() -> Desired:
    """The desired side of the every-change scenario."""
    return scenario_desired()


@pytest.fixture
def live() -> Live:
    """The live side of the every-change scenario."""
    return scenario_live()


@pytest.fixture
def stakes(desired: Desired, live: Live) -> Stakes:
    """What the every-change scenario's plan puts at stake."""
    return stakes_of(make_plan(desired, live, config_digest="c"), live)


@pytest.fixture
def scenario_keys() -> dict[str, tuple[ApiKeyInfo, ...]]:
    """The API keys of the scenario's projects at stake, by project name."""
    return dict(SCENARIO_KEYS)


@pytest.fixture
def scenario_usage() -> UsageReport:
    """The scenario's 30-day usage, by project id."""
    return USAGE
