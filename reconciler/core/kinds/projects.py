"""Projects themselves: match declared projects to live ones, then create, rename or archive.

Matching: a declared project pinned by `id` stands for the live project with that id; an
unpinned one for the live project keyed by its name — unless another declaration's pin already
claims that project (one live project is never managed by two declarations: an error says so).
A rename (through a pin) onto a name that another active live project keeps after the plan is
an error too: names are unique among active projects. A new project whose name differs from an
active live project's only by case or surrounding spaces is created, with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reconciler.core.change import Action, Change, Kind, Severity, Unmanaged
from reconciler.core.kinds.base import Collector, DiffContext, KindInfo, ProjectScope, field_changes
from reconciler.core.model import Desired, Live, Project

# A sentinel project: "declared, but nothing can be planned for it" (an error was recorded).
_Missing = Project(name="")


@dataclass(frozen=True, slots=True)
class _Matches:
    """Declared name → live key (None: no live project), and the final name of each active
    live project after the plan."""

    keys: Mapping[str, str | None]
    final_names: Mapping[str, str]


def diff_projects(ctx: DiffContext) -> None:
    """Create, rename and archive projects; say what cannot be done; list undeclared ones.
    Leaves the projects whose children are diffed in `ctx.scope`."""
    ctx.scope = _diff(ctx.desired, ctx.live, ctx.out)


def _diff(desired: Desired, live: Live, out: Collector) -> ProjectScope:
    """Plan every declared project; return the ones that exist (or will) and are active."""
    matches = _match_all(desired, live, out)
    matched: dict[str, Project] = {}
    created: set[str] = set()
    for name, want in desired.org.projects.items():
        live_key = matches.keys.get(name, "")
        have = _Missing if live_key == "" else live.org.projects.get(live_key or name)
        if (
            have is not None
            and have is not _Missing
            and _rename_clashes(name, have, live, matches, out)
        ):
            continue
        state = _project_state(name, want, have, out)
        if state == "create":
            _near_duplicate(name, live, out)
            created.add(name)
        elif state == "exists" and have is not None:
            matched[name] = have
    seen_live = {key for key in matches.keys.values() if key}
    for key, have in live.org.projects.items():
        if key not in seen_live and not have.archived:
            out.unmanaged.append(
                Unmanaged(Kind.PROJECT, (key,), "not in the config; projects are never pruned")
            )
    return ProjectScope(matched=matched, created=frozenset(created))


def _match_all(desired: Desired, live: Live, out: Collector) -> _Matches:
    """Match every declared project (pins first, so that they claim their projects)."""
    by_id = {p.id: key for key, p in live.org.projects.items() if p.id}
    keys: dict[str, str | None] = {}
    claimed: dict[str, str] = {}  # live key → declared name whose pin claims it
    for name, want in desired.org.projects.items():
        if want.id is not None:
            keys[name] = _pinned(name, want.id, by_id, out)
            if keys[name]:
                claimed[str(keys[name])] = name
    for name, want in desired.org.projects.items():
        if want.id is None:
            keys[name] = _by_name(name, live, claimed, out)
    final = {key: p.name for key, p in live.org.projects.items() if not p.archived}
    final.update({key: name for name, key in keys.items() if key and key in final})
    return _Matches(keys=keys, final_names=final)


def _pinned(name: str, pin: str, by_id: Mapping[str, str], out: Collector) -> str:
    """The key of the live project with the pinned id, or "" (an error) when there is none."""
    key = by_id.get(pin)
    if key is None:
        out.finding(
            Severity.ERROR, Kind.PROJECT, (name,),
            f"project {name} is pinned to id {pin}, which the organization does not have",
        )  # fmt: skip
        return ""
    return key


def _by_name(name: str, live: Live, claimed: Mapping[str, str], out: Collector) -> str | None:
    """The live project of this name, None when there is none, "" when a pin claims it."""
    have = live.org.projects.get(name)
    if have is None:
        return None
    owner = claimed.get(name)
    if owner is not None:
        out.finding(
            Severity.ERROR, Kind.PROJECT, (name,),
            f"project {name}: the live project of that name ({have.id}) is claimed by the id pin "
            f"of project {owner}; remove one of the two, or pin {name} to its own id",
        )  # fmt: skip
        return ""
    return name


def _rename_clashes(
    name: str, have: Project, live: Live, matches: _Matches, out: Collector
) -> bool:
    """A rename onto a name another active live project keeps: record the error, say True."""
    if have.name == name or have.archived:
        return False
    others = sorted(
        p.id or key
        for key, p in live.org.projects.items()
        if p is not have and matches.final_names.get(key) == name
    )
    if not others:
        return False
    out.finding(
        Severity.ERROR, Kind.PROJECT, (name,),
        f"renaming project {have.name} ({have.id}) to {name} would give two active projects "
        f"that name: {', '.join(others)} keeps it; rename or archive that one first",
    )  # fmt: skip
    return True


def _near_duplicate(name: str, live: Live, out: Collector) -> None:
    """Warn when a new project's name differs from an active one's only by case or spaces."""
    folded = name.strip().casefold()
    for have in live.org.projects.values():
        if not have.archived and have.name != name and have.name.strip().casefold() == folded:
            out.finding(
                Severity.WARNING, Kind.PROJECT, (name,),
                f"project {name!r} will be created next to the live project {have.name!r} "
                f"({have.id}), whose name differs only by case or spaces; if they are meant "
                "to be one, use the live name (or pin its id)",
            )  # fmt: skip


def _project_state(name: str, want: Project, have: Project | None, out: Collector) -> str:
    """Plan the project itself; return "create", "exists" (diff its children) or "skip"."""
    if have is _Missing:
        return "skip"
    if have is None:
        if want.archived:
            out.finding(
                Severity.WARNING, Kind.PROJECT, (name,),
                f"project {name} is declared archived but does not exist; nothing to do",
            )  # fmt: skip
            return "skip"
        out.change(Change(Kind.PROJECT, Action.CREATE, (name,), after={"name": name}))
        return "create"
    if have.archived:
        if not want.archived:
            out.finding(
                Severity.ERROR, Kind.PROJECT, (name,),
                f"project {name} is archived and the API cannot un-archive a project",
            )  # fmt: skip
        return "skip"
    if want.archived:
        out.change(
            Change(
                Kind.PROJECT, Action.ARCHIVE, (name,), before={"name": have.name, "id": have.id},
                reason="irreversible: an archived project cannot be used or restored",
            )
        )  # fmt: skip
        return "skip"
    if have.name != name:
        before, after = {"name": have.name}, {"name": name}
        out.change(
            Change(
                Kind.PROJECT, Action.UPDATE, (name,), before={**before, "id": have.id},
                after={**after, "id": have.id}, fields=field_changes(before, after),
                reason="renamed (identity pinned by id)",
            )
        )  # fmt: skip
    return "exists"


PROJECT = KindInfo(
    kind=Kind.PROJECT,
    noun="project",
    key=("project",),
    scope="project",
    diff=diff_projects,
    audit_events=("project.created", "project.updated", "project.archived"),
    audit_id=lambda key, ids: ids.projects.get(key[0]),
)
