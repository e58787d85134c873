"""Every user, member and service-account entry of a config is located at its own line."""

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
