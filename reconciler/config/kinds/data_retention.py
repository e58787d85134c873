"""The file format of data retention: `data_retention: MODE` under `organization:` and in a
project. Left out, the mode is not managed; there is no way to remove it (the API always has
one): a project goes back to the organization's with `organization_default`."""

from __future__ import annotations

from typing import Any, Literal

from reconciler.config.parts import ConfigPart
from reconciler.core.kinds.data_retention import PART

OrganizationMode = Literal[
    "zero_data_retention",
    "modified_abuse_monitoring",
    "enhanced_zero_data_retention",
    "enhanced_modified_abuse_monitoring",
]
ProjectMode = Literal[
    "organization_default",
    "none",
    "zero_data_retention",
    "modified_abuse_monitoring",
    "enhanced_zero_data_retention",
    "enhanced_modified_abuse_monitoring",
]


def _as_is(value: Any) -> Any:
    return value


ORGANIZATION = ConfigPart(
    name=PART,
    place="organization",
    annotation=OrganizationMode,
    description="The organization's data-retention mode (each needs an agreement with OpenAI).",
    to_model=_as_is,
    to_data=_as_is,
    collection=False,
)
PROJECT = ConfigPart(
    name=PART,
    place="project",
    annotation=ProjectMode,
    description="The project's data-retention mode; organization_default follows the "
    "organization's.",
    to_model=_as_is,
    to_data=_as_is,
    collection=False,
)
