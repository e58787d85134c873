"""The exported organization as YAML text people want to read and review.

Grouped (settings, users, certificates, projects), stable key order (as the config schema
lists keys; users, projects and members sorted), one line per user and service account, every
setting spelled out, and comments where the API gave no value or a choice was made for you.
PyYAML cannot write comments, so lines are assembled here; every scalar goes through
`yaml.safe_dump`, so quoting is always right. Pure: returns text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import yaml

from reconciler.config import desired_to_config_dict
from reconciler.config.kinds.registry import parts
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
        *([f"budget: {flow(data['budget'])}"] if "budget" in data else []),
        "",
        *_organization(data.get("organization")),
        *_users(data.get("users", []), exported),
        "",
        *_certificates(data.get("certificates", []), exported),
        "",
        *_root_parts(data),
        *_projects(data["projects"], exported),
    ]
    return "\n".join(lines) + "\n"


def render_split(exported: Exported, *, now: float, by: str | None = None) -> dict[str, str]:
    """The config as a directory (relative file name → text): `organization.yaml` with the
    version, settings, users and certificates, and `projects/NAME.yaml` for each project — or,
    with `by` (a label key), `BY/VALUE.yaml` holding every project whose label `by` is VALUE
    (the others still one file each); it loads to the same model as `render_config`'s file."""
    whole = render_config(exported, now=now)
    head, _, _ = whole.partition("\nprojects:")
    files = {"organization.yaml": head.rstrip("\n") + "\n"}
    projects = desired_to_config_dict(exported.desired)["projects"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for project in projects:
        value = (project.get("labels") or {}).get(by) if by else None
        groups.setdefault(f"{by}\0{value}" if value is not None else project["name"], []).append(
            project
        )
    names = split_names(_group_name(key) for key in groups)
    directory = {key: split_names([by])[by] if by and "\0" in key else "projects" for key in groups}
    for key, members in groups.items():
        lines = ["# yaml-language-server: $schema=../reconciler.schema.json", "projects:"]
        body = [line for project in members for line in _project(project)]
        files[f"{directory[key]}/{names[_group_name(key)]}.yaml"] = "\n".join(lines + body) + "\n"
    return files


def _group_name(key: str) -> str:
    """The file stem a group is named for: the label value, or the project's name."""
    return key.split("\0", 1)[1] if "\0" in key else key


def split_names(names: Iterable[str]) -> dict[str, str]:
    """A file name (without `.yaml`) per project name: letters, digits, `.`, `_` and `-`, never
    hidden or `x-` (the loader skips those), unique even on a case-insensitive file system."""
    taken: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        stem = re.sub(r"[^\w.-]+", "-", name).strip("-.") or "project"
        if stem.casefold().startswith("x-"):
            stem = f"project-{stem}"
        unique, n = stem, 1
        while unique.casefold() in taken:
            n += 1
            unique = f"{stem}-{n}"
        taken.add(unique.casefold())
        out[name] = unique
    return out


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


def _organization(organization: dict[str, Any] | None) -> Iterator[str]:
    """The organization's settings, when it has any (a spend limit, spend alerts)."""
    if organization:
        yield "organization:"
        if "spend_limit" in organization:
            yield f"  spend_limit: {flow(organization['spend_limit'])}"
        if "spend_alerts" in organization:
            yield "  spend_alerts:"
            yield from (f"    - {flow(alert)}" for alert in organization["spend_alerts"])
        for part in parts("organization"):
            if part.name in organization:
                yield from block(part.name, organization[part.name], indent=2)
        yield ""


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
    if project.get("labels"):
        yield f"    labels: {flow(project['labels'])}"
    if project.get("budget"):
        yield f"    budget: {flow(project['budget'])}"
    if "spend_limit" in project:
        yield f"    spend_limit: {flow(project['spend_limit'])}"
    if "spend_alerts" in project:
        yield "    spend_alerts:"
        yield from (f"      - {flow(alert)}" for alert in project["spend_alerts"])
    if "models" in project:
        models = project["models"]
        yield f"    models: {models if isinstance(models, str) else flow(models)}"
    if "hosted_tools" in project:
        yield f"    hosted_tools: {flow(project['hosted_tools'])}"
    for part in parts("project"):
        if part.name in project:
            yield from block(part.name, project[part.name], indent=4)


def _root_parts(data: dict[str, Any]) -> Iterator[str]:
    """Plug-in kinds' top-level keys (groups, roles), each followed by a blank line."""
    for part in parts("root"):
        if part.name in data:
            yield from block(part.name, data[part.name], indent=0)
            yield ""


def block(key: str, value: Any, *, indent: int) -> Iterator[str]:
    """`key: value` as a person would write it: a list item per line (a mapping item in flow
    style), a mapping of mappings one entry per line, anything else on the key's line."""
    pad = " " * indent
    if isinstance(value, list) and value:
        yield f"{pad}{key}:"
        for item in value:
            yield f"{pad}  - {flow(item) if isinstance(item, dict) else scalar(item)}"
    elif isinstance(value, dict) and any(isinstance(v, dict) for v in value.values()):
        yield f"{pad}{key}:"
        for name, item in value.items():
            shown = flow(item) if isinstance(item, dict) else scalar(item)
            yield f"{pad}  {scalar(name)}: {shown}"
    else:
        yield f"{pad}{key}: {flow(value) if isinstance(value, dict) else scalar(value)}"
