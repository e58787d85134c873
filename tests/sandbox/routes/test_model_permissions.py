"""The sandbox's model-permissions endpoint: the spec's shapes and enum, 404 without a policy."""

from __future__ import annotations

from reconciler.sandbox.client import SandboxClient, api_error

P = "/organization/projects"


def test_policy_is_read_replaced_and_deleted(api: SandboxClient) -> None:
    """The demo's allow list reads back; POST replaces it; DELETE removes it, then 404s."""
    path = f"{P}/{api.project('search-prod')}/model_permissions"
    assert api.get(path).json() == {
        "object": "project.model_permissions", "mode": "allow_list",
        "model_ids": ["gpt-4o", "gpt-4o-mini"],
    }  # fmt: skip
    set_ = api.post(path, {"mode": "deny_list", "model_ids": ["o3"]}).json()
    assert (set_["mode"], set_["model_ids"]) == ("deny_list", ["o3"])
    deleted = api.delete(path).json()
    assert deleted == {"object": "project.model_permissions.deleted", "deleted": True}
    assert api.get(path).status_code == 404
    assert api.delete(path).status_code == 404


def test_an_unknown_mode_is_refused_naming_the_modes(api: SandboxClient) -> None:
    """A mode outside the spec's enum is a 400 that names allow_list and deny_list."""
    path = f"{P}/{api.project('research')}/model_permissions"
    response = api.post(path, {"mode": "block_list", "model_ids": ["o3"]})
    assert response.status_code == 400
    assert "allow_list, deny_list" in api_error(response)["message"]
    assert api.get(path).status_code == 404
