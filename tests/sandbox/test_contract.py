"""Contract tests: every request the tests send and every response the sandbox gives (success
and error) validate against the official OpenAPI spec, for every endpoint the sandbox serves.

Statuses the spec does not declare for an operation (401, 404, and 400 where undeclared) are
checked against the spec's `ErrorResponse` schema. Usage and costs bodies are checked with
jsonschema against `UsageResponse`: their `results` use a discriminator without a mapping, which
openapi-core resolves to schema names that do not exist (a spec quirk, not a sandbox one).
The two RBAC reads the sandbox serves outside `/organization` (project roles, a group's project
roles) are not in the admin spec file: their bodies are checked with jsonschema against the
component schemas the full spec names for them (`OUTSIDE_SPEC`), their requests not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from reconciler.sandbox import Sandbox
from reconciler.sandbox.app import ROUTES, resolve
from reconciler.sandbox.routes.usage import COST_DIMS
from reconciler.sandbox.usage_facts import ENDPOINTS
from tests.support.access_scenario import AUDITED, access_scenario

SPEC_FILE = Path(__file__).resolve().parents[2] / "spec" / "openai-admin.yaml"
HOST = "https://api.openai.com"
PEM = (Path(__file__).resolve().parents[2] / "examples/certs/corp-mtls-2026.pem").read_text()
Exchange = tuple[httpx.Request, httpx.Response]
# Served paths missing from the admin spec file, with their 200 body's component schema.
OUTSIDE_SPEC = {
    "/projects/{project_id}/roles": "PublicRoleListResource",
    "/projects/{project_id}/groups/{group_id}/roles": "RoleListResource",
}


@pytest.fixture(scope="module")
def openapi() -> OpenAPI:
    """The official spec, loaded once (it is slow to load)."""
    return OpenAPI.from_file_path(str(SPEC_FILE))


class Recorder(httpx.BaseTransport):
    """Wraps the sandbox transport and keeps every exchange."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward and record."""
        response = self.inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        return response


@pytest.fixture(scope="module")
def exchanges() -> list[Exchange]:
    """Every exchange of a scenario that touches every served endpoint, in success and error."""
    sandbox = Sandbox.demo()
    recorder = Recorder(sandbox.transport())
    headers = {"Authorization": f"Bearer {sandbox.admin_key}"}
    with httpx.Client(transport=recorder, base_url=HOST + "/v1", headers=headers) as client:
        _scenario(client, sandbox)
    return recorder.exchanges


def _scenario(c: httpx.Client, sandbox: Sandbox) -> None:
    """Touch every endpoint: reads, writes, and their refusals."""
    _org_scenario(c, sandbox)
    _project_scenario(c, sandbox)
    _certificate_scenario(c)
    _spend_scenario(c, sandbox)
    _report_scenario(c)
    access_scenario(c, sandbox)


def _org_scenario(c: httpx.Client, sandbox: Sandbox) -> None:
    users = c.get("/organization/users", params={"limit": 5, "emails": ["carol@example.com"]})
    carol = users.json()["data"][0]["id"]
    c.get(f"/organization/users/{carol}")
    c.post(f"/organization/users/{carol}", json={"role": "owner"})
    c.post(f"/organization/users/{carol}", json={"role": "member"})
    c.get("/organization/users/user-missing")
    c.get("/organization/admin_api_keys", params={"limit": 20, "order": "asc"})
    c.get(
        "/organization/projects", headers={"Authorization": "Bearer sk-admin-TEST-not-a-real-key"}
    )
    invite = c.post(
        "/organization/invites",
        json={"email": "judy@example.com", "role": "reader", "projects": []},
    ).json()
    c.post("/organization/invites", json={"email": "bob@example.com", "role": "reader"})
    c.get("/organization/invites", params={"limit": 2})
    c.get(f"/organization/invites/{invite['id']}")
    c.delete(f"/organization/invites/{invite['id']}")
    trent = sandbox.state.user_by_email("trent@example.com")
    assert trent is not None
    c.delete(f"/organization/users/{trent['id']}")


def _project_scenario(c: httpx.Client, sandbox: Sandbox) -> None:
    projects = "/organization/projects"
    c.get(projects, params={"include_archived": "true", "limit": 3})
    pid = c.post(projects, json={"name": "support-bot"}).json()["id"]
    c.get(f"{projects}/{pid}")
    c.post(f"{projects}/{pid}", json={"name": "support-bot-2"})
    c.post(f"{projects}/{sandbox.state.default_project_id}", json={"name": "x"})
    erin = sandbox.state.user_by_email("erin@example.com")
    assert erin is not None
    c.post(f"{projects}/{pid}/users", json={"user_id": erin["id"], "role": "owner"})
    c.post(f"{projects}/{pid}/users", json={"email": "judy@example.com", "role": "member"})
    c.get(f"{projects}/{pid}/users", params={"limit": 10})
    c.get(f"{projects}/{pid}/users/{erin['id']}")
    c.post(f"{projects}/{pid}/users/{erin['id']}", json={"role": "member"})
    account = c.post(f"{projects}/{pid}/service_accounts", json={"name": "ci"}).json()
    c.post(
        f"{projects}/{pid}/service_accounts",
        json={"name": "bare", "create_service_account_only": True},
    )
    c.get(f"{projects}/{pid}/service_accounts", params={"limit": 10})
    c.get(f"{projects}/{pid}/service_accounts/{account['id']}")
    c.post(f"{projects}/{pid}/service_accounts/{account['id']}/api_keys", json={"name": "next"})
    c.post(f"{projects}/{pid}/service_accounts/{account['id']}", json={"name": "ci-2"})
    prod = next(p for p in sandbox.state.projects.values() if p["name"] == "search-prod")["id"]
    keys = c.get(f"{projects}/{prod}/api_keys", params={"limit": 10}).json()["data"]
    c.get(f"{projects}/{prod}/api_keys", params={"owner_project_access": "any"})
    c.get(f"{projects}/{prod}/api_keys/{keys[0]['id']}")
    c.delete(f"{projects}/{prod}/api_keys/{keys[0]['id']}")
    c.delete(f"{projects}/{pid}/api_keys/{account['api_key']['id']}")
    c.delete(f"{projects}/{pid}/service_accounts/{account['id']}")
    c.get(f"{projects}/{pid}/rate_limits", params={"limit": 100})
    c.post(f"{projects}/{pid}/rate_limits/rl-gpt-4o", json={"max_requests_per_1_minute": 500})
    c.post(f"{projects}/{pid}/rate_limits/rl-gpt-4o", json={"max_requests_per_1_minute": 10**9})
    models = f"{projects}/{prod}/model_permissions"
    c.get(models)
    c.post(models, json={"mode": "deny_list", "model_ids": ["o3"]})
    c.delete(models)
    c.get(models)
    c.delete(models)
    tools = f"{projects}/{prod}/hosted_tool_permissions"
    c.get(tools)
    c.post(tools, json={"web_search": {"enabled": False}})
    c.delete(f"{projects}/{pid}/users/{erin['id']}")
    c.post(f"{projects}/{pid}/archive")
    c.get(f"{projects}/{pid}/users")
    c.post(f"{projects}/{pid}/service_accounts", json={"name": "late"})


def _spend_scenario(c: httpx.Client, sandbox: Sandbox) -> None:
    body = {"threshold_amount": 5_000_000, "currency": "USD", "interval": "month"}
    prod = next(p for p in sandbox.state.projects.values() if p["name"] == "search-prod")["id"]
    for path in ("/organization/spend_limit", f"/organization/projects/{prod}/spend_limit"):
        c.post(path, json=body)
        c.get(path)
        c.delete(path)
        c.get(path)
        c.delete(path)
    c.get("/organization/projects/proj_missing/spend_limit")
    channel = {"type": "email", "recipients": ["finance@example.com"], "subject_prefix": "[$]"}
    alert = {**body, "threshold_amount": 100_000, "notification_channel": channel}
    for path in ("/organization/spend_alerts", f"/organization/projects/{prod}/spend_alerts"):
        made = c.post(path, json=alert).json()
        c.get(path, params={"limit": 20, "order": "asc"})
        c.get(f"{path}/{made['id']}")
        c.post(f"{path}/{made['id']}", json={**alert, "threshold_amount": 200_000})
        c.delete(f"{path}/{made['id']}")
        c.get(f"{path}/{made['id']}")


def _certificate_scenario(c: httpx.Client) -> None:
    certs = "/organization/certificates"
    cert = c.post(certs, json={"certificate": PEM, "name": "corp"}).json()["id"]
    c.post(certs, json={"certificate": "nope"})
    c.get(certs, params={"limit": 5, "order": "desc"})
    c.get(f"{certs}/{cert}", params={"include[]": "content"})
    c.post(f"{certs}/{cert}", json={"name": "corp-2"})
    c.post(f"{certs}/activate", json={"certificate_ids": [cert]})
    c.delete(f"{certs}/{cert}")
    c.post(f"{certs}/deactivate", json={"certificate_ids": [cert]})
    pid = c.get("/organization/projects").json()["data"][1]["id"]
    c.get(f"/organization/projects/{pid}/certificates", params={"limit": 5})
    c.post(f"/organization/projects/{pid}/certificates/activate", json={"certificate_ids": [cert]})
    c.post(
        f"/organization/projects/{pid}/certificates/deactivate", json={"certificate_ids": [cert]}
    )
    c.delete(f"{certs}/{cert}")


def _report_scenario(c: httpx.Client) -> None:
    c.get(
        "/organization/audit_logs",
        params={"limit": 50, "event_types[]": "project.created", "effective_at[gte]": 0},
    )
    window = {"start_time": 1_767_225_600, "end_time": 1_767_225_600 + 3 * 86400, "limit": 2}
    for kind, endpoint in ENDPOINTS.items():
        path = f"/organization/usage/{kind}"
        c.get(path, params={**window, "group_by": ["project_id"]})
        grouped = c.get(path, params={**window, "group_by": list(endpoint.dims)}).json()
        first = next(r for b in grouped["data"] for r in b["results"])
        filters = {p: first[d] for p, d in endpoint.filters.items() if first[d] is not None}
        c.get(path, params={**window, **_as_query(filters), "bucket_width": "1h"})
    c.get("/organization/costs", params={**window, "group_by": ["project_id"]})
    c.get("/organization/costs", params={**window, "group_by": list(COST_DIMS)})


def _as_query(filters: dict[str, Any]) -> dict[str, Any]:
    """Filter values as query parameters: booleans as true/false, ids as one-item lists."""
    return {p: str(v).lower() if isinstance(v, bool) else [v] for p, v in filters.items()}


def _mock_request(request: httpx.Request) -> MockRequest:
    content_type = request.headers.get("content-type", "application/json")
    return MockRequest(
        HOST,
        request.method.lower(),
        request.url.path,
        args=request.url.params.multi_items(),  # type: ignore[arg-type]
        headers=dict(request.headers),
        data=request.content or None,
        content_type=content_type,
    )


def _declared(openapi: OpenAPI, request: httpx.Request, status: int) -> bool:
    found = resolve(request.method, request.url.path)
    assert found is not None, request.url.path
    operation = openapi.spec / "paths" / found[0].template / request.method.lower()
    return str(status) in (operation / "responses")


def _schema_validator(openapi: OpenAPI, name: str) -> Draft202012Validator:
    components = (openapi.spec / "components").read_value()
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": components})


def _outside_spec(request: httpx.Request) -> str | None:
    """The component schema of a served path outside the admin spec file, if it is one."""
    found = resolve(request.method, request.url.path)
    return OUTSIDE_SPEC.get(found[0].template) if found else None


def _is_report(request: httpx.Request) -> bool:
    path = request.url.path
    return path.startswith("/v1/organization/usage/") or path == "/v1/organization/costs"


def test_every_served_endpoint_was_exercised(exchanges: list[Exchange]) -> None:
    """The scenario reaches every route the sandbox serves, so the contract covers them all."""
    seen = set()
    for request, _ in exchanges:
        found = resolve(request.method, request.url.path)
        if found is not None:
            seen.add((found[0].method, found[0].template))
    assert {(r.method, r.template) for r in ROUTES} == seen


def test_scenario_includes_success_and_error_responses(exchanges: list[Exchange]) -> None:
    """The exchanges cover successes, refusals, unknown ids and a bad key."""
    assert {200, 400, 401, 404} <= {response.status_code for _, response in exchanges}


def test_access_changes_are_in_the_audit_log_checked_here(exchanges: list[Exchange]) -> None:
    """The last audit-log read holds every event type the access scenario makes, so their
    entries are among the responses checked against the spec."""
    audit = [r for q, r in exchanges if q.url.path == "/v1/organization/audit_logs"][-1]
    assert {entry["type"] for entry in audit.json()["data"]} == set(AUDITED)


def test_requests_match_the_spec(openapi: OpenAPI, exchanges: list[Exchange]) -> None:
    """Every request the tests sent validates against the spec's parameters and bodies."""
    problems = []
    for request, _ in exchanges:
        if _outside_spec(request):
            continue
        try:
            openapi.validate_request(_mock_request(request))
        except Exception as exc:
            problems.append(f"{request.method} {request.url}: {exc!r}")
    assert problems == []


def test_responses_match_the_spec(openapi: OpenAPI, exchanges: list[Exchange]) -> None:
    """Every response validates against its declared schema, or the error schema otherwise."""
    errors = _schema_validator(openapi, "ErrorResponse")
    reports = _schema_validator(openapi, "UsageResponse")
    problems: list[str] = []
    for request, response in exchanges:
        where = f"{request.method} {request.url.path} -> {response.status_code}"
        outside = _outside_spec(request)
        if outside:
            schema = _schema_validator(
                openapi, outside if response.status_code == 200 else "ErrorResponse"
            )
            problems += [f"{where}: {e.message}" for e in schema.iter_errors(response.json())]
            continue
        if response.status_code != 200 and not _declared(openapi, request, response.status_code):
            problems += [f"{where}: {e.message}" for e in errors.iter_errors(response.json())]
            continue
        if response.status_code == 200 and _is_report(request):
            problems += [f"{where}: {e.message}" for e in reports.iter_errors(response.json())]
            continue
        mock = MockResponse(
            response.content, status_code=response.status_code, headers=dict(response.headers)
        )
        try:
            openapi.validate_response(_mock_request(request), mock)
        except Exception as exc:
            problems.append(f"{where}: {exc!r} {getattr(exc, '__cause__', '')!r}")
    assert problems == []
