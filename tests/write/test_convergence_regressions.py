"""Regressions the apply-convergence property found: each its minimal example, fixed in its own
commit (the property is tests.support.convergence's; test_convergence_property.py draws the
pairs from the same pools)."""

from __future__ import annotations

from typing import Any

from reconciler.config.pem import parse_pem
from tests.support.convergence import ADMIN, ORG_LIMITS, PEMS, run_property

ONLY_ADMIN: dict[str, Any] = {
    "organization": "org-prop",
    "admin_key": {"owner": ADMIN, "name": "prop admin key"},
    "org_rate_limits": ORG_LIMITS,
    "users": [{"email": ADMIN, "role": "owner"}],
}


def test_a_reissued_certificate_with_the_same_name_and_expiry_is_uploaded() -> None:
    """The live cert-b is an older issue (same expiry, earlier start) than the declared cert-b:
    it is not taken to be the declared one by name and expiry, so the declared content is
    uploaded, and the live one, declared as cert-a, is renamed rather than uploaded twice."""
    seed = {**ONLY_ADMIN, "certificates": [{"name": "cert-b", "pem": PEMS[0]}]}
    config = {
        "version": 1,
        "certificates": [{"name": "cert-a", "pem": PEMS[0]}, {"name": "cert-b", "pem": PEMS[1]}],
    }
    run_property(seed, config)


def test_two_live_certificates_under_one_name_are_told_apart_by_content() -> None:
    """Two live certificates share a name and expiry: neither is assumed to be the declared one
    by name alone, so the one declared under another name is renamed, not uploaded again; and
    each rename goes to its own certificate's id (the new name cert-a was also an old name)."""
    seed = {
        **ONLY_ADMIN,
        "certificates": [{"name": "cert-a", "pem": PEMS[0]}, {"name": "cert-a", "pem": PEMS[1]}],
    }
    config = {
        "version": 1,
        "certificates": [{"name": "cert-a", "pem": PEMS[0]}, {"name": "cert-b", "pem": PEMS[1]}],
    }
    run_property(seed, config)


def test_a_declared_certificate_sharing_its_name_with_another_is_left_as_it_is() -> None:
    """Of two live certificates named cert-a, the declared one (uploaded first, so listed
    last) is read under its own name: the plan renames nothing, and the other is unmanaged."""
    seed = {
        **ONLY_ADMIN,
        "certificates": [{"name": "cert-a", "pem": PEMS[0]}, {"name": "cert-a", "pem": PEMS[1]}],
    }
    config = {"version": 1, "certificates": [{"name": "cert-a", "pem": PEMS[0]}]}
    run_property(seed, config)


def test_pruning_the_holder_of_a_declared_name_never_touches_the_declared_certificate() -> None:
    """Live cert-a is undeclared content and the declared content is live as cert-b: with
    prune on, cert-a is deactivated and deleted and cert-b renamed to cert-a (before the fix the
    rename's id was used for the delete, deleting the declared certificate)."""
    for active in (False, True):
        seed = {
            **ONLY_ADMIN,
            "certificates": [
                {"name": "cert-a", "pem": PEMS[0], "active": active},
                {"name": "cert-b", "pem": PEMS[1], "active": not active},
            ],
        }
        config = {
            "version": 1,
            "settings": {"prune": {"certificates": True}},
            "certificates": [{"name": "cert-a", "pem": PEMS[1], "active": active}],
        }
        box = run_property(seed, config)
        left = [
            (c["name"], parse_pem(c["content"]).fingerprint)
            for c in box.state.certificates.values()
        ]
        assert left == [("cert-a", parse_pem(PEMS[1]).fingerprint)]


def test_a_pruned_certificate_is_first_deactivated_in_projects_the_config_leaves_alone() -> None:
    """A certificate pruned while active in a project the config does not declare is
    deactivated there first (the API refuses to delete a certificate active anywhere)."""
    seed = {
        **ONLY_ADMIN,
        "projects": [{"name": "alpha"}, {"name": "beta"}],
        "certificates": [{"name": "cert-a", "pem": PEMS[0], "projects": ["alpha", "beta"]}],
    }
    config = {
        "version": 1,
        "settings": {"prune": {"certificates": True}},
        "certificates": [],
        "projects": [{"name": "beta"}],
    }
    box = run_property(seed, config)
    assert box.state.certificates == {}


def test_an_empty_subject_prefix_converges() -> None:
    """An alert declared with `subject_prefix: ""` is one without a prefix (the API hands an
    empty prefix back as none): one apply leaves nothing to update."""
    config = {
        "version": 1,
        "organization": {
            "spend_alerts": [{"usd_per_month": 0.01, "notify": [ADMIN], "subject_prefix": ""}]
        },
    }
    run_property(ONLY_ADMIN, config)


def test_alerts_sharing_a_threshold_leave_one_or_none() -> None:
    """Two live alerts at one threshold (as two overlapping applies leave them) are one alert
    to the plan: a declared list without it removes both, and one that declares it keeps one."""
    alert = {"scope": "organization", "cents": 1, "notify": [ADMIN]}
    seed = {**ONLY_ADMIN, "spend_alerts": [alert, alert]}
    declared = {"usd_per_month": 0.01, "notify": [ADMIN]}
    for alerts, left in (([], 0), ([declared], 1)):
        config = {"version": 1, "organization": {"spend_alerts": alerts}}
        box = run_property(seed, config)
        assert len(box.state.spend_alerts[""]) == left
