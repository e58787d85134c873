"""What a plan scoped to a pull request did not read, said plainly (comment, terminal, apply).

A scoped plan (`plan --base`) and the merge's apply (`apply --base`) cover only what the pull
request changes: drift in the rest is neither shown nor applied, and is the drift job's. Pure:
returns text.
"""

from __future__ import annotations

from reconciler.core.pr_scope import NotRead

NAMES_SHOWN = 20  # project names listed before "and N more" (the comment has a size limit)

LEFT_ALONE = (
    "drift there is not shown here, and applying the merge with the same scope "
    "(`reconciler apply --base`, as org-apply runs it) leaves it alone; the drift job reports it"
)
PLAN_LEAD = "Not read by this plan, so drift there is not shown; `apply --base` leaves it alone:"


def not_read_items(nr: NotRead) -> list[str]:
    """One phrase per thing left out, most numerous first."""
    items: list[str] = []
    if nr.projects:
        shown = ", ".join(nr.projects[:NAMES_SHOWN])
        more = len(nr.projects) - NAMES_SHOWN
        names = shown + (f", and {more} more" if more > 0 else "")
        count = len(nr.projects)
        noun = "project" if count == 1 else "projects"
        items.append(f"{count} declared {noun} the pull request does not change: {names}")
    if nr.users:
        items.append("organization users and invites (the pull request does not change `users`)")
    if nr.certificates:
        items.append("certificates (the pull request does not change `certificates`)")
    items += [f"{name} (the pull request does not change `{name}`)" for name in nr.parts]
    return items


def not_read_markdown(nr: NotRead) -> list[str]:
    """The comment's "Not read by this plan" section, as lines."""
    title = "## Not read by this plan"
    if not nr:
        return [title, "", "Nothing: this plan read everything the file declares.", ""]
    intro = f"This plan read only what the pull request changes. For the rest, {LEFT_ALONE}:"
    return [title, "", intro, "", *(f"- {item}" for item in not_read_items(nr)), ""]


def not_read_text(nr: NotRead, *, lead: str = PLAN_LEAD) -> list[str]:
    """The same for a terminal, as lines, under `lead`."""
    if not nr:
        return ["Not read: nothing (this plan read everything the file declares)."]
    return [lead, *(f"  {item}" for item in not_read_items(nr))]
