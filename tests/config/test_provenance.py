"""Every user, member, service-account and team entry of a config is located at its own line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reconciler.config import config_from_dict
from reconciler.core.declared import Declarations

if TYPE_CHECKING:
    from pathlib import Path

    from tests.support.config_lab import ConfigLab


def test_each_entry_is_declared_at_its_line(lab: ConfigLab) -> None:
    """Users by email (lower-cased), members by (project, email), accounts by (project, name),
    and a pinned project's id leads to its name."""
    loaded = lab.load(
        """
        version: 1
        users:
          - {email: Alice@Example.com, role: owner}
          - email: bob@example.com
            role: reader
        projects:
          - name: web
            id: proj_web1
            members:
              alice@example.com: owner
              bob@example.com: member
            service_accounts:
              - {name: ci, role: member}
        """
    )
    src = str(lab.path)
    assert loaded.declared == Declarations(
        users={"alice@example.com": f"{src}:3", "bob@example.com": f"{src}:4"},
        members={
            ("web", "alice@example.com"): f"{src}:10",
            ("web", "bob@example.com"): f"{src}:11",
        },
        service_accounts={("web", "ci"): f"{src}:13"},
        project_ids={"proj_web1": "web"},
    )
    assert loaded.declared.project("renamed-live", "proj_web1") == "web"


def test_a_config_without_lines_names_only_its_source(tmp_path: Path) -> None:
    """Data that never was a file is declared at its source name alone."""
    data = {"version": 1, "users": [{"email": "a@example.com", "role": "owner"}]}
    loaded = config_from_dict(data, base_dir=tmp_path, source="<dict>")
    assert loaded.declared.users == {"a@example.com": "<dict>"}


def test_each_team_entry_is_declared_at_its_line(lab: ConfigLab) -> None:
    """A project's `groups` entry by (project, group), a group's `roles` item by (group, role),
    its `members` items by email (only for a group declaring them), a custom role's `users`
    item by (role, email), each at its own line."""
    loaded = lab.load(
        """
        version: 1
        roles:
          - name: auditor
            users:
              - Carol@Example.com
        groups:
          - name: ops
            members:
              - alice@example.com
            roles:
              - reader
              - auditor
          - name: idp
            roles: [reader]
        projects:
          - name: web
            groups:
              ops: member
              idp: owner
        """
    )
    src = str(lab.path)
    declared = loaded.declared
    assert declared.role_users == {("auditor", "carol@example.com"): f"{src}:5"}
    assert declared.group_members == {"ops": {"alice@example.com": f"{src}:9"}}
    assert declared.group_roles == {
        ("ops", "reader"): f"{src}:11",
        ("ops", "auditor"): f"{src}:12",
        ("idp", "reader"): f"{src}:14",
    }
    assert declared.project_groups == {("web", "ops"): f"{src}:18", ("web", "idp"): f"{src}:19"}
