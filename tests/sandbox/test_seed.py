"""sandbox/seed: a seed's projects carry their model policy and hosted tools."""

from __future__ import annotations

from reconciler.sandbox import Sandbox
from reconciler.sandbox.client import SandboxClient

SEED = {
    "organization": "org-seed",
    "admin_key": {"owner": "a@example.com"},
    "users": [{"email": "a@example.com", "role": "owner"}],
    "projects": [
        {"name": "p", "hosted_tools": {"web_search": False, "mcp": True}},
        {"name": "q"},
    ],
}


def test_a_seed_project_turns_the_hosted_tools_it_names_on_or_off() -> None:
    """`hosted_tools: {web_search: false}` on a seed project turns web search off there; the
    other tools, and every tool of a project without the key, stay on."""
    box = Sandbox.from_seed(SEED)
    ids = {p["name"]: p["id"] for p in box.state.projects.values()}
    with SandboxClient(box) as client:
        tools = client.get(f"/organization/projects/{ids['p']}/hosted_tool_permissions").json()
        other = client.get(f"/organization/projects/{ids['q']}/hosted_tool_permissions").json()
    assert {t for t, v in tools.items() if not v["enabled"]} == {"web_search"}
    assert all(v["enabled"] for v in other.values())
