"""The sandbox's data-retention controls: the spec's objects and enums, and modes needing an
agreement with OpenAI refused unless the organization has it."""

from __future__ import annotations

from reconciler.clock import ScaledClock
from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient, api_error
from reconciler.sandbox.seed import demo_seed

ORG = "/organization/data_retention"


def test_demo_retention_reads_back(api: SandboxClient) -> None:
    """The organization has zero data retention; research opted out; others follow it."""
    assert api.get(ORG).json() == {
        "object": "organization.data_retention",
        "type": "zero_data_retention",
    }
    research = f"/organization/projects/{api.project('research')}/data_retention"
    assert api.get(research).json() == {"object": "project.data_retention", "type": "none"}
    prod = f"/organization/projects/{api.project('search-prod')}/data_retention"
    assert api.get(prod).json()["type"] == "organization_default"


def test_a_mode_the_agreement_covers_is_set(api: SandboxClient) -> None:
    """A project may take an eligible mode, `none` or `organization_default`."""
    path = f"/organization/projects/{api.project('search-prod')}/data_retention"
    for mode in ("zero_data_retention", "none", "organization_default"):
        assert api.post(path, {"retention_type": mode}).json()["type"] == mode
    assert api.get(path).json()["type"] == "organization_default"


def test_a_mode_without_an_agreement_is_refused(api: SandboxClient) -> None:
    """Modified abuse monitoring, not in the demo's agreement, is a 400 that says why, and
    nothing changes."""
    response = api.post(ORG, {"retention_type": "modified_abuse_monitoring"})
    error = api_error(response)
    assert response.status_code == 400
    assert (error["code"], error["param"]) == ("data_retention_not_eligible", "retention_type")
    assert "agreement with OpenAI" in error["message"]
    assert api.get(ORG).json()["type"] == "zero_data_retention"


def test_values_outside_the_enums_are_refused(api: SandboxClient) -> None:
    """The organization has no `organization_default` or `none`; unknown modes are 400s."""
    project = f"/organization/projects/{api.project('research')}/data_retention"
    for path, mode in ((ORG, "organization_default"), (ORG, "none"), (project, "forever")):
        assert api_error(api.post(path, {"retention_type": mode}))["param"] == "retention_type"


def test_an_organization_without_controls_answers_404() -> None:
    """Without a seeded mode or agreement, GET is a 404 and every agreement mode is refused."""
    seed = {k: v for k, v in demo_seed().items() if k != "data_retention"}
    with SandboxClient(Sandbox.from_seed(seed, clock=ScaledClock(speed=1.0))) as api:
        assert api.get(ORG).status_code == 404
        assert api.post(ORG, {"retention_type": "zero_data_retention"}).status_code == 400
