"""Reading data retention: the mode a scope answers, `none` for an organization that never
chose one (the API's 404), and any other error passed on."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import pytest

from reconciler.core.model import Desired, Organization
from reconciler.errors import ApiError
from reconciler.kinds.data_retention import SPEC, read_org_part, read_project_part


class Answers:
    """A reader that answers GETs from a table (an ApiError value is raised)."""

    def __init__(self, table: Mapping[str, Any]) -> None:
        self.table = table

    async def get(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        found = self.table[path]
        if isinstance(found, ApiError):
            raise found
        return found

    async def list_all(self, path: str, *, params: Mapping[str, Any] | None = None) -> Any:
        raise AssertionError("data retention is never listed")


def test_modes_are_read_per_scope() -> None:
    """The organization's and a project's `type` are the modes read; neither has ids."""
    reader = Answers(
        {
            "/organization/data_retention": {"object": "x", "type": "zero_data_retention"},
            "/organization/projects/proj_1/data_retention": {"object": "y", "type": "none"},
        }
    )
    desired = Desired(Organization(parts={"data_retention": "zero_data_retention"}))
    assert asyncio.run(read_org_part(reader, desired)) == ("zero_data_retention", {})
    assert asyncio.run(read_project_part(reader, "proj_1")) == ("none", {})


def test_an_organization_without_a_mode_reads_as_none() -> None:
    """404 on the organization's setting is `none`; a 403 is an error, not a mode."""
    missing = Answers({"/organization/data_retention": ApiError("no", status=404)})
    assert asyncio.run(read_org_part(missing, Desired(Organization())))[0] == "none"
    denied = Answers({"/organization/data_retention": ApiError("no", status=403)})
    with pytest.raises(ApiError):
        asyncio.run(read_org_part(denied, Desired(Organization())))


def test_export_leaves_defaults_out() -> None:
    """A project's organization_default and `none` are not written; a real mode is."""
    assert SPEC.exported("organization_default") is None
    assert SPEC.exported("none") is None
    assert SPEC.exported("zero_data_retention") == "zero_data_retention"
