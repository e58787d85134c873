"""The config's report-only settings: project labels (`report usage --by team`) and monthly
budgets. Nothing in a plan reads them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    """Base: strict types, unknown keys are errors, values are frozen once validated."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# A label key names a report column (`--by team`): a word, not one of the built-in dimensions.
LabelKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
LabelValue = Annotated[str, Field(max_length=200)]


class BudgetConfig(_Strict):
    """A monthly budget, report-only: `report usage` says over / at risk, nothing is enforced."""

    usd_per_month: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        description="US dollars per calendar month (UTC)."
    )
