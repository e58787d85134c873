"""Renderers of a plan: text (terminal), markdown (pull-request comment), json (canonical).

Every renderer is a function `(plan, *, color, refusals, stakes) -> str`, registered by format
name in `RENDERERS`; `render` dispatches on it. Renderers are pure: they return text, the CLI
prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from reconciler.core.plan import Plan
from reconciler.core.safety import Refusal
from reconciler.core.stakes import Stakes
from reconciler.render.json import render_json
from reconciler.render.markdown import render_markdown
from reconciler.render.text import render_text

Format = Literal["text", "markdown", "json"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "json")


class Renderer(Protocol):
    """Turns a plan (and the safety refusals about it) into text."""

    def __call__(
        self,
        plan: Plan,
        *,
        color: bool = ...,
        refusals: Sequence[Refusal] = ...,
        stakes: Stakes | None = ...,
    ) -> str:
        """Render the plan (with what it puts at stake, when given)."""
        ...


RENDERERS: dict[Format, Renderer] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


def render(
    plan: Plan,
    *,
    fmt: Format,
    color: bool = False,
    refusals: Sequence[Refusal] = (),
    stakes: Stakes | None = None,
) -> str:
    """Render `plan` in format `fmt` (colour applies to text only).

    `stakes` (from `fetching.stakes.read_stakes`) adds what the plan puts at stake: usage of the
    projects at stake and the API keys each change makes stop working. None renders without.
    """
    return RENDERERS[fmt](plan, color=color, refusals=refusals, stakes=stakes)
