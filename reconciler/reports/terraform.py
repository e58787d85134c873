"""From Terraform to reconciler: the `removed` blocks that make Terraform forget, without
destroying, the resources of the official provider (`openai/openai`) that reconciler now manages.

The input is the JSON of `terraform show -json` (a state, not a plan). Each resource in
configuration (all its `count`/`for_each` instances at once: a `removed` block names no instance
key) whose provider is the official one and whose type is in MANAGED is handed over; every other
managed resource — other types, other providers, including community providers with the same
type names — is left in Terraform and listed. Pure: text in, values and text out.

Terraform state holds secrets (a certificate's PEM, keys, anything a module passes around): of
a resource's values only the identifying attributes MANAGED names (names, emails, models) and
`project_id` are read, for a comment beside each block; nothing else is ever output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reconciler.errors import HandoffError

PROVIDER = "registry.terraform.io/openai/openai"

# The official provider's resource types that reconciler manages: where the object goes in
# org.yaml, and the attributes that name it (the first one present is shown). Any other type is
# left in Terraform: groups, roles, spend limits and alerts, data retention, webhooks, ...
MANAGED: dict[str, tuple[str, tuple[str, ...]]] = {
    "openai_project": ("projects", ("name",)),
    "openai_project_user": ("projects[].members", ("email", "user_id")),
    "openai_project_service_account": ("projects[].service_accounts", ("name",)),
    "openai_project_rate_limit": ("projects[].rate_limits", ("model",)),
    "openai_project_rate_limits": ("projects[].rate_limits", ()),  # deprecated: one per project
    "openai_invite": ("users (invite pending)", ("email",)),
    "openai_organization_user": ("users", ("email",)),
    "openai_certificate": ("certificates", ("name",)),
}

_INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[0-9]+)\]')
_SAFE_LABEL = re.compile(r"[^\w@.+:/ -]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource instance of the state: its address, type and provider; `label` names it."""

    address: str
    config_address: str
    type: str
    provider: str
    label: str


@dataclass(frozen=True, slots=True)
class Handoff:
    """The state's managed resources: those reconciler takes over, and those left in Terraform."""

    handed: tuple[Resource, ...]
    left: tuple[Resource, ...]

    def removed_from(self) -> list[str]:
        """The `from` addresses of the removed blocks: one per resource in configuration."""
        return sorted({r.config_address for r in self.handed})


def parse_state(text: str, *, source: str) -> Handoff:
    """Read `terraform show -json` output; `source` names the file in errors."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HandoffError(f"{source}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise HandoffError(f"{source}: not the output of `terraform show -json` (not an object)")
    if "planned_values" in data or "resource_changes" in data:
        raise HandoffError(f"{source}: this is a plan; pass `terraform show -json` of the state")
    if "resources" in data and "version" in data:
        raise HandoffError(
            f"{source}: this is a raw state file; pass the output of `terraform show -json`"
        )
    if "format_version" not in data:
        raise HandoffError(
            f"{source}: not the output of `terraform show -json` (no format_version)"
        )
    values = data.get("values")  # an empty state has none
    root = values.get("root_module", {}) if isinstance(values, dict) else {}
    handed: list[Resource] = []
    left: list[Resource] = []
    for where, raw in _resources(root, source=source, where="values.root_module"):
        resource = _resource(raw, source=source, where=where)
        if raw.get("mode") != "managed":
            continue  # data sources are read, not owned: nothing to forget
        ours = resource.provider == PROVIDER and resource.type in MANAGED
        (handed if ours else left).append(resource)
    return Handoff(handed=tuple(handed), left=tuple(left))


def _resources(module: Any, *, source: str, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every resource of a module and its child modules (with where it is), depth first."""
    if not isinstance(module, dict):
        raise HandoffError(f"{source}: {where}: expected an object")
    for i, raw in enumerate(module.get("resources") or []):
        if not isinstance(raw, dict):
            raise HandoffError(f"{source}: {where}.resources[{i}]: expected an object")
        yield f"{where}.resources[{i}]", raw
    for i, child in enumerate(module.get("child_modules") or []):
        yield from _resources(child, source=source, where=f"{where}.child_modules[{i}]")


def _resource(raw: dict[str, Any], *, source: str, where: str) -> Resource:
    address, kind = raw.get("address"), raw.get("type")
    if not isinstance(address, str) or not isinstance(kind, str) or not address.strip():
        raise HandoffError(f"{source}: {where}: a resource without an address or type")
    provider = str(raw.get("provider_name", ""))
    values = raw.get("values")
    if not isinstance(values, dict):
        values = {}
    return Resource(
        address=_CONTROL.sub("?", address),
        config_address=_CONTROL.sub("?", _INSTANCE_KEY.sub("", address)),
        type=kind,
        provider=provider,
        label=_label(kind, values) if provider == PROVIDER else "",
    )


def _label(kind: str, values: dict[str, Any]) -> str:
    """`"search-prod"` or `"alice@example.com" in proj_1`, from the allowed attributes only."""
    names = MANAGED.get(kind, ("", ()))[1]
    name = next((values[a] for a in names if isinstance(values.get(a), str) and values[a]), None)
    label = f'"{_clean(name)}"' if name else ""
    if kind == "openai_project_rate_limits" and isinstance(values.get("rate_limits"), dict):
        label = ", ".join(sorted(_clean(str(model)) for model in values["rate_limits"]))
    project = values.get("project_id")
    if isinstance(project, str) and project:
        label = f"{label} in {_clean(project)}".strip()
    return label


def _clean(text: str) -> str:
    """Text safe inside one line of HCL (a comment or an address): no control characters or
    quotes that would end it."""
    return _SAFE_LABEL.sub("?", text)[:200]


def render_removed(handoff: Handoff, *, source: str) -> str:
    """The HCL file: one `removed` block per handed-over resource, then what stays, as comments."""
    lines = [
        f"# Written by `reconciler terraform-handoff {_clean(source)}` (needs Terraform >= 1.7).",
        "# Delete the resource blocks these name from your configuration, then `terraform plan`",
        "# says each will be removed from the state and not destroyed: reconciler manages them.",
    ]
    by_config: dict[str, list[Resource]] = {}
    for resource in handoff.handed:
        by_config.setdefault(resource.config_address, []).append(resource)
    for address in handoff.removed_from():
        instances = by_config[address]
        where = MANAGED[instances[0].type][0]
        lines.append("")
        lines.append(f"# -> org.yaml {where}")
        lines += [
            f"#    {r.address}: {r.label}" if r.label else f"#    {r.address}" for r in instances
        ]
        lines += ["removed {", f"  from = {address}", "", "  lifecycle {", "    destroy = false"]
        lines += ["  }", "}"]
    if handoff.left:
        lines += ["", "# Left in Terraform (reconciler does not manage these):"]
        lines += [f"#    {r.address} ({_provider_note(r)})" for r in handoff.left]
    return "\n".join(lines) + "\n"


def _provider_note(resource: Resource) -> str:
    if resource.provider == PROVIDER:
        return "not a kind reconciler manages"
    return f"provider {_clean(resource.provider)}"


def summary(handoff: Handoff) -> str:
    """One line for stderr: counts of what is handed over and what stays."""
    blocks = len(handoff.removed_from())
    return (
        f"{len(handoff.handed)} resources handed to reconciler ({blocks} removed blocks); "
        f"{len(handoff.left)} left in Terraform"
    )
