"""Each rule the real service enforces, sent as the offending request to the sandbox."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from reconciler.sandbox.client import SandboxClient as Api
from reconciler.sandbox.client import api_error as error_of

P = "/organization/projects"
PEM = (Path(__file__).parents[2] / "examples/certs/corp-mtls-2026.pem").read_text()


def test_archived_project_rejects_changes_under_it(api: Api) -> None:
    """Adding a member, creating a service account or renaming under an archived project is 400."""
    pid = api.project("old-experiments")
    attempts = [
        api.post(f"{P}/{pid}/users", {"user_id": api.user("carol@example.com"), "role": "member"}),
        api.post(f"{P}/{pid}/service_accounts", {"name": "bot"}),
        api.post(f"{P}/{pid}", {"name": "renamed"}),
        api.post(f"{P}/{pid}/rate_limits/rl-gpt-4o", {"max_requests_per_1_minute": 5}),
    ]
    assert [r.status_code for r in attempts] == [400, 400, 400, 400]
    assert "archived" in error_of(attempts[0])["message"]


def test_archived_project_cannot_be_unarchived(api: Api) -> None:
    """Archiving is one-way: there is no route back and the project stays archived."""
    pid = api.project("legacy-chatbot")
    assert api.post(f"{P}/{pid}/archive").json()["status"] == "archived"
    assert api.post(f"{P}/{pid}/unarchive").status_code == 404
    assert api.post(f"{P}/{pid}", {"name": "legacy-chatbot"}).status_code == 400
    assert api.get(f"{P}/{pid}").json()["archived_at"] is not None


def test_default_project_cannot_be_archived_or_renamed(api: Api) -> None:
    """The organization's default project refuses archive and rename with 400."""
    pid = api.sandbox.state.default_project_id
    assert api.post(f"{P}/{pid}/archive").status_code == 400
    renamed = api.post(f"{P}/{pid}", {"name": "Mine now"})
    assert renamed.status_code == 400
    assert "default project" in error_of(renamed)["message"]


def test_project_user_must_be_organization_member(api: Api) -> None:
    """judy is not in the organization, so she cannot be added to a project."""
    pid = api.project("search-prod")
    response = api.post(f"{P}/{pid}/users", {"email": "judy@example.com", "role": "member"})
    assert response.status_code == 400
    assert "not a member of the organization" in error_of(response)["message"]


def test_roles_are_checked_per_scope(api: Api) -> None:
    """Organization and invite roles are owner|reader; project roles are owner|member."""
    pid = api.project("search-prod")
    carol = api.user("carol@example.com")
    assert api.post(f"/organization/users/{carol}", {"role": "member"}).status_code == 400
    invite = {"email": "new@example.com", "role": "member", "projects": []}
    assert api.post("/organization/invites", invite).status_code == 400
    added = api.post(f"{P}/{pid}/users", {"user_id": carol, "role": "reader"})
    assert added.status_code == 400
    assert error_of(added)["param"] == "role"


def test_accepted_invite_cannot_be_deleted(api: Api) -> None:
    """The accepted invite of alice stays: deleting it is 400."""
    accepted = next(i for i in api.sandbox.state.invites.values() if i["status"] == "accepted")
    response = api.delete(f"/organization/invites/{accepted['id']}")
    assert response.status_code == 400
    assert accepted["id"] in api.sandbox.state.invites


def test_invite_for_existing_member_is_refused(api: Api) -> None:
    """bob is already a member, so inviting him is 400."""
    response = api.post("/organization/invites", {"email": "Bob@Example.com", "role": "reader"})
    assert response.status_code == 400
    assert "already a member" in error_of(response)["message"]


def test_rate_limits_cannot_be_created_or_deleted(api: Api) -> None:
    """Rate limits have no create or delete route (405); an unknown limit id is 404."""
    pid = api.project("search-prod")
    assert api.post(f"{P}/{pid}/rate_limits", {"model": "gpt-5"}).status_code == 405
    assert api.delete(f"{P}/{pid}/rate_limits/rl-gpt-4o").status_code == 405
    assert (
        api.post(f"{P}/{pid}/rate_limits/rl-gpt-5", {"max_requests_per_1_minute": 1}).status_code
        == 404
    )


def test_rate_limit_above_org_limit_or_below_one_is_refused(api: Api) -> None:
    """A value above the organization's maximum, or below 1, is 400 and changes nothing."""
    pid = api.project("search-staging")
    url = f"{P}/{pid}/rate_limits/rl-gpt-4o"
    too_high = api.post(url, {"max_requests_per_1_minute": 10_001})
    assert too_high.status_code == 400
    assert "organization's limit" in error_of(too_high)["message"]
    assert api.post(url, {"max_tokens_per_1_minute": 0}).status_code == 400
    ok = api.post(url, {"max_requests_per_1_minute": 100, "max_tokens_per_1_minute": 30000})
    assert ok.json()["max_requests_per_1_minute"] == 100
    assert api.post(url, {"max_requests_per_1_minute": 10_000}).status_code == 200


def test_new_projects_get_rate_limits(api: Api) -> None:
    """A created project starts with one rate limit per model of the organization."""
    created = api.post(P, {"name": "support-bot"}).json()
    limits = api.get(f"{P}/{created['id']}/rate_limits").json()["data"]
    assert {rl["model"] for rl in limits} == set(api.sandbox.state.org_limits)


def test_at_most_fifty_certificates(api: Api) -> None:
    """The 51st upload is refused."""
    for index in range(50):
        assert (
            api.post(
                "/organization/certificates", {"certificate": PEM, "name": f"c{index}"}
            ).status_code
            == 200
        )
    response = api.post("/organization/certificates", {"certificate": PEM, "name": "one-too-many"})
    assert response.status_code == 400
    assert "at most 50" in error_of(response)["message"]


def test_activation_takes_one_to_ten_ids_atomically(api: Api) -> None:
    """0 or 11 ids are refused; one unknown id fails the whole batch with nothing changed."""
    ids = [
        api.post("/organization/certificates", {"certificate": PEM, "name": f"c{i}"}).json()["id"]
        for i in range(11)
    ]
    assert (
        api.post("/organization/certificates/activate", {"certificate_ids": []}).status_code == 400
    )
    assert (
        api.post("/organization/certificates/activate", {"certificate_ids": ids}).status_code == 400
    )
    pid = api.project("search-prod")
    mixed = {"certificate_ids": [ids[0], "cert_missing"]}
    assert api.post("/organization/certificates/activate", mixed).status_code == 400
    assert api.post(f"{P}/{pid}/certificates/activate", mixed).status_code == 400
    assert not any(c["active"] for c in api.sandbox.state.certificates.values())
    assert api.sandbox.state.project_certificates[pid] == []


def test_active_certificate_cannot_be_deleted(api: Api) -> None:
    """A certificate active for the organization or a project cannot be deleted."""
    cert = api.post("/organization/certificates", {"certificate": PEM, "name": "corp"}).json()["id"]
    pid = api.project("search-prod")
    body = {"certificate_ids": [cert]}
    assert api.post(f"{P}/{pid}/certificates/activate", body).status_code == 200
    assert api.delete(f"/organization/certificates/{cert}").status_code == 400
    assert api.post(f"{P}/{pid}/certificates/deactivate", body).status_code == 200
    assert api.post("/organization/certificates/activate", body).status_code == 200
    assert api.delete(f"/organization/certificates/{cert}").status_code == 400
    assert api.post("/organization/certificates/deactivate", body).status_code == 200
    assert api.delete(f"/organization/certificates/{cert}").json() == {
        "object": "certificate.deleted",
        "id": cert,
    }


def test_only_certificate_name_can_change(api: Api) -> None:
    """Renaming works; sending the content to modify is 400."""
    cert = api.post("/organization/certificates", {"certificate": PEM, "name": "old"}).json()["id"]
    assert api.post(f"/organization/certificates/{cert}", {"name": "new"}).json()["name"] == "new"
    refused = api.post(f"/organization/certificates/{cert}", {"name": "x", "certificate": PEM})
    assert refused.status_code == 400
    assert "only a certificate's name" in error_of(refused)["message"].lower()


def test_invalid_pem_is_refused(api: Api) -> None:
    """An upload that is not a PEM certificate is 400 naming the parameter."""
    response = api.post("/organization/certificates", {"certificate": "not a pem"})
    assert response.status_code == 400
    assert error_of(response)["param"] == "certificate"


def test_every_mutation_is_audited_with_the_key_actor(api: Api) -> None:
    """A change made with the admin key is logged with an api_key actor owned by ops-admin."""
    before = len(api.sandbox.state.audit_logs)
    created = api.post(P, {"name": "support-bot"}).json()
    entry = api.sandbox.state.audit_logs[-1]
    assert len(api.sandbox.state.audit_logs) == before + 1
    assert entry["type"] == "project.created"
    assert entry["project.created"]["id"] == created["id"]
    assert entry["actor"]["type"] == "api_key"
    assert entry["actor"]["api_key"]["user"]["email"] == "ops-admin@example.com"


def test_unknown_ids_are_404_and_missing_key_401(api: Api) -> None:
    """Unknown ids give 404; no key or a wrong key gives 401, all in the error shape."""
    assert api.get(f"{P}/proj_nope").status_code == 404
    assert api.get("/organization/users/user-nope").status_code == 404
    assert error_of(api.get("/organization/invites/invite-nope"))["code"] == "not_found"
    no_key = api.http.get(P, headers={"Authorization": ""})
    wrong = api.http.get(P, headers={"Authorization": "Bearer sk-admin-TEST-not-a-real-key"})
    assert (no_key.status_code, wrong.status_code) == (401, 401)
    assert error_of(wrong)["code"] == "invalid_api_key"


def test_each_kind_of_mutation_is_audited(api: Api) -> None:
    """Every successful write appends exactly one audit entry of the matching event type."""
    pid = api.project("search-staging")
    carol = api.user("carol@example.com")
    dan = api.user("dan@example.com")
    cert = api.post("/organization/certificates", {"certificate": PEM, "name": "c"}).json()["id"]
    invite = api.post(
        "/organization/invites", {"email": "z@example.com", "role": "reader", "projects": []}
    ).json()
    steps: list[tuple[str, Callable[[], httpx.Response]]] = [
        ("project.updated", lambda: api.post(f"{P}/{pid}", {"name": "staging"})),
        ("user.updated", lambda: api.post(f"/organization/users/{carol}", {"role": "owner"})),
        ("user.added", lambda: api.post(f"{P}/{pid}/users", {"user_id": dan, "role": "member"})),
        ("user.updated", lambda: api.post(f"{P}/{pid}/users/{dan}", {"role": "owner"})),
        ("user.deleted", lambda: api.delete(f"{P}/{pid}/users/{dan}")),
        ("service_account.created", lambda: api.post(f"{P}/{pid}/service_accounts", {"name": "s"})),
        (
            "rate_limit.updated",
            lambda: api.post(f"{P}/{pid}/rate_limits/rl-o3", {"max_requests_per_1_minute": 9}),
        ),
        ("invite.deleted", lambda: api.delete(f"/organization/invites/{invite['id']}")),
        (
            "certificate.updated",
            lambda: api.post(f"/organization/certificates/{cert}", {"name": "d"}),
        ),
        (
            "certificates.activated",
            lambda: api.post("/organization/certificates/activate", {"certificate_ids": [cert]}),
        ),
        (
            "certificates.deactivated",
            lambda: api.post("/organization/certificates/deactivate", {"certificate_ids": [cert]}),
        ),
        ("certificate.deleted", lambda: api.delete(f"/organization/certificates/{cert}")),
        ("project.archived", lambda: api.post(f"{P}/{pid}/archive")),
        ("user.deleted", lambda: api.delete(f"/organization/users/{carol}")),
    ]
    for event, step in steps:
        before = len(api.sandbox.state.audit_logs)
        assert step().status_code == 200, event
        assert len(api.sandbox.state.audit_logs) == before + 1, event
        assert api.sandbox.state.audit_logs[-1]["type"] == event
