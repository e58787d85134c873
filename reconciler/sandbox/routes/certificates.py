"""mTLS certificates: organization level (list, upload, retrieve, rename, (de)activate, delete)
and project level (list, (de)activate).

At most 50 certificates; 1 to 10 ids per (de)activation, applied atomically (one bad id changes
nothing); an active certificate (organization or any project) cannot be deleted; only a
certificate's name can change. Lists are newest first, as the spec's default `order=desc`.
"""

from __future__ import annotations

from cryptography import x509

from reconciler.sandbox.context import Context, require_string
from reconciler.sandbox.routes import RouteSpec
from reconciler.sandbox.routes.paging import page
from reconciler.sandbox.wire import JSON, bad_request, not_found

MAX_CERTIFICATES = 50
MAX_PER_TOGGLE = 10
ORG = "/organization/certificates"
ITEM = ORG + "/{certificate_id}"
PROJECT = "/organization/projects/{project_id}/certificates"


def render(cert: JSON, *, object_type: str = "certificate", active: bool | None = None) -> JSON:
    """A certificate; list and toggle forms carry `active`, single-object forms do not."""
    details = {"valid_at": cert["valid_at"], "expires_at": cert["expires_at"]}
    body: JSON = {
        "object": object_type,
        "id": cert["id"],
        "name": cert["name"],
        "created_at": cert["created_at"],
        "certificate_details": details,
    }
    if active is not None:
        body["active"] = active
    return body


def _listed(ctx: Context, items: list[JSON]) -> JSON:
    return page(ctx, items, descending=ctx.query_order(default="desc") == "desc")


def list_org(ctx: Context) -> JSON:
    """GET /organization/certificates."""
    certs = ctx.state.certificates.values()
    return _listed(
        ctx, [render(c, object_type="organization.certificate", active=c["active"]) for c in certs]
    )


def upload(ctx: Context) -> JSON:
    """POST /organization/certificates (does not activate it)."""
    body = ctx.body()
    pem = require_string(body, "certificate")
    assert pem is not None
    if len(ctx.state.certificates) >= MAX_CERTIFICATES:
        raise bad_request(f"An organization can have at most {MAX_CERTIFICATES} certificates.")
    try:
        parsed = x509.load_pem_x509_certificate(pem.encode())
    except ValueError as exc:
        raise bad_request(
            "'certificate' is not a valid PEM certificate.", param="certificate"
        ) from exc
    cert: JSON = {
        "id": ctx.state.new_id("cert_"),
        "name": require_string(body, "name", required=False),
        "created_at": ctx.now,
        "valid_at": int(parsed.not_valid_before_utc.timestamp()),
        "expires_at": int(parsed.not_valid_after_utc.timestamp()),
        "content": pem,
        "active": False,
    }
    ctx.state.certificates[cert["id"]] = cert
    ctx.audit("certificate.created", {"id": cert["id"], "name": cert["name"] or ""})
    return render(cert)


def _cert(ctx: Context) -> JSON:
    cert = ctx.state.certificates.get(ctx.params["certificate_id"])
    if cert is None:
        raise not_found("certificate", ctx.params["certificate_id"])
    return cert


def retrieve(ctx: Context) -> JSON:
    """GET /organization/certificates/{certificate_id} (PEM with `include[]=content`)."""
    cert = _cert(ctx)
    body = render(cert)
    if "content" in ctx.query_list("include"):
        body["certificate_details"]["content"] = cert["content"]
    return body


def rename(ctx: Context) -> JSON:
    """POST /organization/certificates/{certificate_id}: only the name can change."""
    cert = _cert(ctx)
    body = ctx.body()
    others = sorted(set(body) - {"name"})
    if others:
        raise bad_request(
            f"Only a certificate's name can be modified, not {', '.join(others)}.", param=others[0]
        )
    name = require_string(body, "name")
    cert["name"] = name
    ctx.audit("certificate.updated", {"id": cert["id"], "name": name})
    return render(cert)


def delete(ctx: Context) -> JSON:
    """DELETE /organization/certificates/{certificate_id} (refused while active anywhere)."""
    cert = _cert(ctx)
    if ctx.state.certificate_active_anywhere(cert["id"]):
        raise bad_request(
            "The certificate is active for the organization or a project; deactivate it "
            "everywhere before deleting it."
        )
    del ctx.state.certificates[cert["id"]]
    ctx.audit("certificate.deleted", {"id": cert["id"], "name": cert["name"] or ""})
    return {"object": "certificate.deleted", "id": cert["id"]}


def _toggle_ids(ctx: Context) -> list[str]:
    raw = ctx.body().get("certificate_ids")
    if not isinstance(raw, list) or not all(isinstance(i, str) for i in raw):
        raise bad_request("'certificate_ids' must be a list of ids.", param="certificate_ids")
    if not 1 <= len(raw) <= MAX_PER_TOGGLE:
        raise bad_request(
            f"'certificate_ids' must hold 1 to {MAX_PER_TOGGLE} ids, got {len(raw)}.",
            param="certificate_ids",
        )
    unknown = [i for i in raw if i not in ctx.state.certificates]
    if unknown:
        raise bad_request(
            f"Unknown certificate ids: {', '.join(unknown)}; nothing was changed.",
            param="certificate_ids",
        )
    return list(dict.fromkeys(raw))


def _toggled(
    ctx: Context, ids: list[str], *, active: bool, project_id: str | None = None
) -> list[JSON]:
    event = "certificates.activated" if active else "certificates.deactivated"
    certs = [ctx.state.certificates[i] for i in ids]
    details = {"certificates": [{"id": c["id"], "name": c["name"] or ""} for c in certs]}
    ctx.audit(event, details, project_id=project_id)
    return certs


def toggle_org(*, active: bool) -> RouteSpec:
    """The organization-level activate or deactivate route."""
    suffix = "activation" if active else "deactivation"

    def handler(ctx: Context) -> JSON:
        ids = _toggle_ids(ctx)
        for cert_id in ids:
            ctx.state.certificates[cert_id]["active"] = active
        certs = _toggled(ctx, ids, active=active)
        data = [render(c, object_type="organization.certificate", active=active) for c in certs]
        return {"object": f"organization.certificate.{suffix}", "data": data}

    return ("POST", ORG + ("/activate" if active else "/deactivate"), handler)


def list_project(ctx: Context) -> JSON:
    """GET .../projects/{project_id}/certificates: every certificate, `active` for this project."""
    project = ctx.state.project(ctx.params["project_id"])
    enabled = ctx.state.project_certificates[project["id"]]
    items = [
        render(c, object_type="organization.project.certificate", active=c["id"] in enabled)
        for c in ctx.state.certificates.values()
    ]
    return _listed(ctx, items)


def toggle_project(*, active: bool) -> RouteSpec:
    """The project-level activate or deactivate route."""
    suffix = "activation" if active else "deactivation"

    def handler(ctx: Context) -> JSON:
        project = ctx.state.active_project(ctx.params["project_id"])
        ids = _toggle_ids(ctx)
        enabled = ctx.state.project_certificates[project["id"]]
        kept = [i for i in enabled if i not in ids]
        ctx.state.project_certificates[project["id"]] = kept + ids if active else kept
        certs = _toggled(ctx, ids, active=active, project_id=project["id"])
        kind = "organization.project.certificate"
        return {
            "object": f"{kind}.{suffix}",
            "data": [render(c, object_type=kind, active=active) for c in certs],
        }

    return ("POST", PROJECT + ("/activate" if active else "/deactivate"), handler)


ROUTES: list[RouteSpec] = [
    ("GET", ORG, list_org),
    ("POST", ORG, upload),
    toggle_org(active=True),
    toggle_org(active=False),
    ("GET", ITEM, retrieve),
    ("POST", ITEM, rename),
    ("DELETE", ITEM, delete),
    ("GET", PROJECT, list_project),
    toggle_project(active=True),
    toggle_project(active=False),
]
