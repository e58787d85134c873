"""Fidelity to the spec and the real service: shapes, orders, types and robustness.

Each test pins one behaviour a reviewer found missing or wrong, sent as the request a client
(or a careless script) would send.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.sandbox.app import handle
from reconciler.sandbox.client import SandboxClient as Api
from reconciler.sandbox.client import api_error as error_of
from reconciler.sandbox.wire import Request

P = "/organization/projects"


def test_removing_a_user_from_the_organization_revokes_their_project_keys(api: Api) -> None:
    """eve leaves the organization: her key in search-prod goes, and the key list still works."""
    pid = api.project("search-prod")
    assert api.delete(f"/organization/users/{api.user('eve@example.com')}").status_code == 200
    listed = api.get(f"{P}/{pid}/api_keys", limit=100)
    assert listed.status_code == 200
    assert "eve-notebook" not in [k["name"] for k in listed.json()["data"]]


def test_an_unexpected_handler_error_is_a_500_with_the_error_body(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in a handler answers 500 in the API's error shape instead of raising."""
    from reconciler.sandbox.routes import projects

    def broken(ctx: object) -> dict[str, object]:
        raise KeyError("boom")

    monkeypatch.setattr(projects, "render", broken)
    request = Request(
        "GET",
        "/v1/organization/projects",
        headers={"Authorization": f"Bearer {api.sandbox.admin_key}"},
    )
    response = handle(api.sandbox.state, request, now=0)
    assert response.status == 500
    assert set(json.loads(response.body)["error"]) == {"message", "type", "param", "code"}


@pytest.mark.parametrize(
    "params",
    [
        {"start_time": 0, "bucket_width": "1m", "end_time": 2**39},
        {"start_time": 0, "bucket_width": "1h"},
    ],
)
def test_usage_over_a_huge_window_pages_without_building_every_bucket(
    api: Api, params: dict[str, object]
) -> None:
    """A window of millions of buckets answers one page quickly, with a next page."""
    response = api.get("/organization/usage/completions", **params)
    assert response.status_code == 200
    body = response.json()
    assert body["has_more"] is True
    assert len(body["data"]) == {"1m": 60, "1h": 24}[str(params["bucket_width"])]
    following = api.get("/organization/usage/completions", **params, page=body["next_page"])
    assert following.json()["data"][0]["start_time"] == body["data"][-1]["end_time"]


def test_usage_last_page_has_no_next_page(api: Api) -> None:
    """Three daily buckets with limit 2: two pages, the second without `next_page`."""
    window = {"start_time": 86400 * 100, "end_time": 86400 * 103, "limit": 2}
    first = api.get("/organization/costs", **window).json()
    assert (len(first["data"]), first["has_more"]) == (2, True)
    second = api.get("/organization/costs", **window, page=first["next_page"]).json()
    assert (len(second["data"]), second["has_more"], second["next_page"]) == (1, False, None)


def test_wrong_method_on_a_served_path_is_405_naming_the_allowed_ones(api: Api) -> None:
    """DELETE on the project list, or PUT on a project, is 405 with `Allow` and the error body."""
    pid = api.project("search-prod")
    deleted = api.delete(P)
    put = api.http.put(f"{P}/{pid}", json={"name": "x"})
    assert (deleted.status_code, put.status_code) == (405, 405)
    assert deleted.headers["allow"] == "GET, POST"
    assert put.headers["allow"] == "GET, POST"
    assert "DELETE" in error_of(deleted)["message"]
    assert api.get("/organization/nothing-here").status_code == 404


def test_unknown_path_is_404_with_the_error_body_even_with_a_trailing_slash(api: Api) -> None:
    """An unknown path is 404 in the error shape; a trailing slash on a served one is served."""
    missing = api.get("/organization/nothing-here/")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "unknown_url"
    assert api.get(P + "/").status_code == 200


def test_audit_logs_list_newest_first_and_page_backwards_in_time(api: Api) -> None:
    """As in the spec's example (effective_at 1722461446, then 1720804190): newest first."""
    pid = api.project("search-prod")
    api.post(f"{P}/{pid}", {"name": "search-prod-2"})
    api.post(f"{P}/{pid}", {"name": "search-prod-3"})
    first = api.get("/organization/audit_logs", limit=2).json()
    assert [e["project.updated"]["changes_requested"]["title"] for e in first["data"]] == [
        "search-prod-3",
        "search-prod-2",
    ]
    times = [
        e["effective_at"] for e in api.get("/organization/audit_logs", limit=100).json()["data"]
    ]
    assert times == sorted(times, reverse=True)
    older = api.get("/organization/audit_logs", limit=2, after=first["last_id"]).json()["data"]
    assert older[0]["effective_at"] <= first["data"][-1]["effective_at"]


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        (P, {"name": "x", "external_key_id": 5}, "external_key_id"),
        (P, {"name": "x", "residency": "MARS"}, "residency"),
        ("{search-prod}", {"external_key_id": {"a": 1}}, "external_key_id"),
        (
            "{search-prod}/service_accounts",
            {"name": "x", "create_service_account_only": "yes"},
            "create_service_account_only",
        ),
        (
            "/organization/invites",
            {
                "email": "x@example.com",
                "role": "reader",
                "projects": [{"id": "proj_nope", "role": "member"}],
            },
            "projects",
        ),
        (
            "/organization/invites",
            {
                "email": "x@example.com",
                "role": "reader",
                "projects": [{"id": "{old-experiments}", "role": "member"}],
            },
            "projects",
        ),
        (
            "/organization/invites",
            {"email": "not an email", "role": "reader", "projects": []},
            "email",
        ),
    ],
)
def test_a_wrong_type_or_value_in_a_body_is_a_400_naming_the_parameter(
    api: Api, path: str, body: dict[str, object], param: str
) -> None:
    """Each bad field is refused with 400 and `param` set, and nothing is created."""

    def fill(text: str) -> str:
        for name in ("search-prod", "old-experiments"):
            text = text.replace("{" + name + "}", api.project(name))
        return text

    url = f"{P}/{fill(path)}" if path.startswith("{") else path
    sent = json.loads(fill(json.dumps(body)))
    before = json.dumps(api.sandbox.state.to_json(), sort_keys=True)
    response = api.post(url, sent)
    assert response.status_code == 400
    assert error_of(response)["param"] == param
    assert json.dumps(api.sandbox.state.to_json(), sort_keys=True) == before


def test_a_project_created_with_a_residency_reports_it(api: Api) -> None:
    """`residency` is one of the spec's values; the project echoes it back."""
    created = api.post(P, {"name": "eu-bot", "residency": "EU_STORAGE_PROCESSING"}).json()
    assert created["residency"] == "EU_STORAGE_PROCESSING"
    assert api.get(f"{P}/{created['id']}").json()["residency"] == "EU_STORAGE_PROCESSING"


@pytest.mark.parametrize("path", ["/organization/certificates", "/organization/admin_api_keys"])
def test_an_unknown_order_is_a_400(api: Api, path: str) -> None:
    """`order` is asc or desc; anything else is refused rather than silently ignored."""
    response = api.get(path, order="sideways")
    assert response.status_code == 400
    assert error_of(response)["param"] == "order"


@pytest.mark.parametrize("raw", ["1_0", " 5", "+5", "5.0", "0x10"])
def test_limit_must_be_plain_decimal_digits(api: Api, raw: str) -> None:
    """Python's lenient int() forms (underscores, spaces, signs) are not integers to the API."""
    response = api.get(P, limit=raw)
    assert response.status_code == 400
    assert error_of(response)["param"] == "limit"


def test_project_certificate_activation_is_audited_under_the_project(api: Api) -> None:
    """A project-level (de)activation is filed under that project, like every project event."""
    pem = (Path(__file__).parents[2] / "examples/certs/corp-mtls-2026.pem").read_text()
    cert = api.post("/organization/certificates", {"certificate": pem, "name": "corp"}).json()["id"]
    pid = api.project("search-prod")
    assert (
        api.post(f"{P}/{pid}/certificates/activate", {"certificate_ids": [cert]}).status_code == 200
    )
    events = api.get(
        "/organization/audit_logs",
        **{"event_types[]": "certificates.activated", "project_ids[]": pid},
    ).json()["data"]
    assert [e["certificates.activated"]["certificates"][0]["id"] for e in events] == [cert]
