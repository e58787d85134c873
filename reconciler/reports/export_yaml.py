"""The exported organization as YAML text people want to read and review.

Grouped (settings, users, certificates, projects), stable key order (as the config schema
lists keys; users, projects and members sorted), one line per user and service account, every
setting spelled out, and comments where the API gave no value or a choice was made for you.
PyYAML cannot write comments, so lines are assembled here; every scalar goes through
`yaml.safe_dump`, so quoting is always right. Pure: returns text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import yaml

from reconciler.config import desired_to_config_dict
from reconciler.reports.export import Exported


def scalar(value: Any) -> str:
    """One YAML scalar, quoted when it must be."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def flow(mapping: dict[str, Any]) -> str:
    """`{key: value, ...}` in the given key order."""
    return "{" + ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in mapping.items()) + "}"


def render_config(exported: Exported, *, now: float) -> str:
    """The whole config file text."""
    data = desired_to_config_dict(exported.desired)
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# yaml-language-server: $schema=reconciler.schema.json",
        f"# Exported from the live organization by `reconciler export` on {stamp}.",
        "# Review it, then commit it: from now on, change the organization through this file.",
        "version: 1",
        "",
        *_settings(data["settings"]),
        "",
        *_users(data.get("users", []), exported),
        "",
        *_certificates(data.get("certificates", []), exported),
        "",
        *_projects(data["projects"], exported),
    ]
    return "\n".join(lines) + "\n"


def _settings(settings: dict[str, Any]) -> Iterator[str]:
    yield "settings:"
    yield "  prune:"
    for key, value in settings["prune"].items():
        yield f"    {key}: {scalar(value)}"
    yield "  safety:"
    safety = settings["safety"]
    for key in ("min_owners", "max_deletes", "max_delete_share"):
        yield f"    {key}: {scalar(safety[key])}"
    protected = safety["protected_users"]
    hint = "  # e.g. the owner of the admin key CI uses" if not protected else ""
    yield f"    protected_users: {scalar(protected)}{hint}"


def _users(users: list[dict[str, Any]], exported: Exported) -> Iterator[str]:
    yield "users:" + ("" if users else " []")
    for user in users:
        note = "  # invite pending" if user["email"] in exported.invited else ""
        yield f"  - {flow(user)}{note}"


def _certificates(certs: list[dict[str, Any]], exported: Exported) -> Iterator[str]:
    yield "certificates:" + ("" if certs else " []")
    for cert in certs:
        yield f"  - name: {scalar(cert['name'])}"
        yield f"    active: {scalar(cert['active'])}"
        if cert["name"] in exported.missing_pem:
            yield "    # The API returned no PEM for this certificate: add `file: certs/NAME.pem`."
            continue
        yield "    pem: |"
        yield from (f"      {line}" for line in str(cert["pem"]).strip().splitlines())


def _projects(projects: list[dict[str, Any]], exported: Exported) -> Iterator[str]:
    yield "projects:" + ("" if projects else " []")
    if exported.default_limits and projects:
        yield "  # Rate limits at the value most projects have for a model are left out (not"
        yield "  # managed); declare a model's limits in a project to manage them."
    for project in projects:
        yield from _project(project)


def _project(project: dict[str, Any]) -> Iterator[str]:
    yield f"  - name: {scalar(project['name'])}"
    if "id" in project:
        yield f"    id: {scalar(project['id'])}"
    if project.get("archived"):
        yield "    archived: true"
        return
    members = project.get("members") or {}
    yield "    members:" + ("" if members else " {}")
    yield from (f"      {scalar(email)}: {scalar(role)}" for email, role in members.items())
    accounts = project.get("service_accounts") or []
    yield "    service_accounts:" + ("" if accounts else " []")
    for account in accounts:
        shown = {"name": account["name"], "role": account["role"]}
        yield f"      - {flow(shown)}  # api_key: the API does not say; new accounts get one"
    limits = project.get("rate_limits") or {}
    yield "    rate_limits:" + ("" if limits else " {}")
    yield from (f"      {scalar(model)}: {flow(values)}" for model, values in limits.items())
    yield f"    certificates: {scalar(project.get('certificates') or [])}"
    if "models" in project:
        models = project["models"]
        yield f"    models: {models if isinstance(models, str) else flow(models)}"
    if "hosted_tools" in project:
        yield f"    hosted_tools: {flow(project['hosted_tools'])}"
