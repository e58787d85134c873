"""Between the file format and the canonical model, both ways.

`to_desired` turns a validated `ConfigFile` (plus its loaded certificates) into `model.Desired`:
emails lower-cased, rate-limit profiles expanded, keys absent from the file left as None.
`desired_to_config_dict` is the inverse, as plain data in the file's format (what `export`
dumps as YAML): profiles are not reconstructed, certificates carry their PEM inline, and every
setting is written out (`api_keys` when it is not the default). config → model → dict → model
is the identity.
"""

from __future__ import annotations

from typing import Any

from reconciler.config.certificates import LoadedCertificate
from reconciler.config.checks import effective_rate_limits
from reconciler.config.kinds.registry import data_parts, model_parts
from reconciler.config.model_policy import ModelsConfig
from reconciler.config.rotation import rotation_dict, to_account
from reconciler.config.schema import ApiKeysConfig, ConfigFile, ProjectConfig, SettingsConfig
from reconciler.config.spend import spend_alerts, spend_alerts_dict, spend_limit, spend_limit_dict
from reconciler.core import model


def to_desired(config: ConfigFile, certificates: dict[str, LoadedCertificate]) -> model.Desired:
    """The canonical model of a config that passed every check."""
    users = None
    if config.users is not None:
        users = {
            model.normalize_email(u.email): model.User(
                email=model.normalize_email(u.email), role=u.role
            )
            for u in config.users
        }
    certs = None
    if config.certificates is not None:
        certs = {
            c.name: _certificate(c.name, c.active, certificates[c.name])
            for c in config.certificates
        }
    projects = {p.name: _project(p, config) for p in config.projects}
    settings = config.organization
    org = model.Organization(
        users=users, invites=None, certificates=certs, projects=projects,
        spend_limit=spend_limit(settings.spend_limit if settings else None),
        spend_alerts=spend_alerts(settings.spend_alerts if settings else None),
        parts=model_parts(config, "root") | model_parts(settings, "organization"),
    )  # fmt: skip
    return model.Desired(org=org, settings=_settings(config.settings), reports=_reports(config))


def _reports(config: ConfigFile) -> model.ReportSettings:
    """Labels and budgets, which only reports read."""
    return model.ReportSettings(
        labels={p.name: dict(p.labels) for p in config.projects if p.labels},
        budgets={p.name: p.budget.usd_per_month for p in config.projects if p.budget},
        org_budget=config.budget.usd_per_month if config.budget else None,
    )


def _certificate(name: str, active: bool, loaded: LoadedCertificate) -> model.Certificate:
    return model.Certificate(
        name=name,
        fingerprint=loaded.info.fingerprint,
        active=active,
        expires_at=loaded.info.expires_at,
        pem=loaded.pem,
        valid_at=loaded.info.valid_at,
    )


def _settings(settings: SettingsConfig) -> model.Settings:
    prune = model.PruneSettings(**settings.prune.model_dump())
    safety = settings.safety
    return model.Settings(
        prune=prune,
        safety=model.SafetySettings(
            min_owners=safety.min_owners,
            max_deletes=safety.max_deletes,
            max_delete_share=safety.max_delete_share,
            protected_users=frozenset(model.normalize_email(e) for e in safety.protected_users),
        ),
        api_keys=_key_policy(settings.api_keys, declared="api_keys" in settings.model_fields_set),
    )


def _key_policy(keys: ApiKeysConfig, *, declared: bool) -> model.ApiKeyPolicy:
    return model.ApiKeyPolicy(
        declared=declared,
        max_age_days=keys.max_age_days,
        unused_days=keys.unused_days,
        owner_without_access=keys.owner_without_access,
        enforce=keys.enforce,
        exempt=tuple(
            model.KeyExemption(
                name=e.name, reason=e.reason, until=e.until.isoformat(), project=e.project
            )
            for e in keys.exempt
        ),
    )


def _project(project: ProjectConfig, config: ConfigFile) -> model.Project:
    members = None
    if project.members is not None:
        members = {model.normalize_email(email): role for email, role in project.members.items()}
    accounts = None
    if project.service_accounts is not None:
        accounts = {a.name: to_account(a) for a in project.service_accounts}
    limits = effective_rate_limits(project, config.rate_limit_profiles)
    rate_limits = None
    if limits is not None:
        rate_limits = {
            name: model.RateLimit(model=name, **fields) for name, fields in limits.items()
        }
    certs = None if project.certificates is None else frozenset(project.certificates)
    return model.Project(
        name=project.name,
        id=project.id,
        archived=project.archived,
        members=members,
        service_accounts=accounts,
        rate_limits=rate_limits,
        certificates=certs,
        spend_limit=spend_limit(project.spend_limit),
        spend_alerts=spend_alerts(project.spend_alerts),
        models=_models(project.models),
        hosted_tools=None if project.hosted_tools is None else project.hosted_tools.declared(),
        parts=model_parts(project, "project"),
    )


def _models(models: ModelsConfig | None) -> model.ModelPolicy | None:
    if models is None or models.every:
        return None if models is None else model.ModelPolicy()
    if models.allow is not None:
        return model.ModelPolicy(mode="allow", models=frozenset(models.allow))
    return model.ModelPolicy(mode="deny", models=frozenset(models.deny or ()))


def desired_to_config_dict(desired: model.Desired) -> dict[str, Any]:
    """The model as plain config data (sorted, defaults written out); loads back to an equal model.

    A certificate without PEM content (a live one not fetched with its content) is written
    without `pem`/`file`, which the loader rejects: export must fetch the content first.
    """
    org = desired.org
    data: dict[str, Any] = {"version": 1, "settings": _settings_dict(desired.settings)}
    organization: dict[str, Any] = {}
    if org.spend_limit is not None:
        organization["spend_limit"] = spend_limit_dict(org.spend_limit)
    if org.spend_alerts is not None:
        organization["spend_alerts"] = spend_alerts_dict(org.spend_alerts)
    organization |= data_parts(org.parts, "organization")
    if organization:
        data["organization"] = organization
    data |= data_parts(org.parts, "root")
    if org.users is not None:
        data["users"] = [{"email": u.email, "role": u.role} for _, u in sorted(org.users.items())]
    if org.certificates is not None:
        data["certificates"] = [_certificate_dict(c) for _, c in sorted(org.certificates.items())]
    data["projects"] = [
        _project_dict(p) | _report_dict(desired.reports, p.name)
        for _, p in sorted(org.projects.items())
    ]
    if desired.reports.org_budget is not None:
        data["budget"] = {"usd_per_month": desired.reports.org_budget}
    return data


def _report_dict(reports: model.ReportSettings, project: str) -> dict[str, Any]:
    """A project's labels and budget, written only when set (so digests of files without them
    stay as they were)."""
    data: dict[str, Any] = {}
    if reports.labels.get(project):
        data["labels"] = dict(sorted(reports.labels[project].items()))
    if project in reports.budgets:
        data["budget"] = {"usd_per_month": reports.budgets[project]}
    return data


def _settings_dict(settings: model.Settings) -> dict[str, Any]:
    prune, safety = settings.prune, settings.safety
    return {
        "prune": {
            "invites": prune.invites,
            "project_users": prune.project_users,
            "service_accounts": prune.service_accounts,
            "users": prune.users,
            "certificates": prune.certificates,
            **{name: True for name in model.LATER_PRUNE_SWITCHES if getattr(prune, name)},
        },
        "safety": {
            "min_owners": safety.min_owners,
            "max_deletes": safety.max_deletes,
            "max_delete_share": safety.max_delete_share,
            "protected_users": sorted(safety.protected_users),
        },
        **_key_policy_dict(settings.api_keys),
    }


def _key_policy_dict(policy: model.ApiKeyPolicy) -> dict[str, Any]:
    """`api_keys` when it is not the default (an export of a live organization never is)."""
    if policy == model.ApiKeyPolicy() and not policy.declared:
        return {}
    exempt = [
        {"name": e.name, **({"project": e.project} if e.project else {}), "reason": e.reason,
         "until": e.until}
        for e in policy.exempt
    ]  # fmt: skip
    fields = {"max_age_days": policy.max_age_days, "unused_days": policy.unused_days}
    return {
        "api_keys": {
            **{name: value for name, value in fields.items() if value is not None},
            "owner_without_access": policy.owner_without_access,
            "enforce": policy.enforce,
            "exempt": exempt,
        }
    }


def _certificate_dict(cert: model.Certificate) -> dict[str, Any]:
    data: dict[str, Any] = {"name": cert.name}
    if cert.pem is not None:
        data["pem"] = cert.pem
    data["active"] = cert.active
    return data


def _project_dict(project: model.Project) -> dict[str, Any]:
    data: dict[str, Any] = {"name": project.name}
    if project.id is not None:
        data["id"] = project.id
    if project.archived:
        data["archived"] = True
    if project.members is not None:
        data["members"] = dict(sorted(project.members.items()))
    if project.service_accounts is not None:
        data["service_accounts"] = [
            {"name": a.name, "role": a.role, "api_key": a.api_key} | rotation_dict(a.key)
            for _, a in sorted(project.service_accounts.items())
        ]
    if project.rate_limits is not None:
        data["rate_limits"] = {
            name: rl.limits() for name, rl in sorted(project.rate_limits.items())
        }
    if project.certificates is not None:
        data["certificates"] = sorted(project.certificates)
    if project.spend_limit is not None:
        data["spend_limit"] = spend_limit_dict(project.spend_limit)
    if project.spend_alerts is not None:
        data["spend_alerts"] = spend_alerts_dict(project.spend_alerts)
    if project.models is not None:
        policy = project.models
        data["models"] = "all" if policy.mode == "all" else {policy.mode: sorted(policy.models)}
    if project.hosted_tools is not None:
        data["hosted_tools"] = dict(sorted(project.hosted_tools.items()))
    return data | data_parts(project.parts, "project")
