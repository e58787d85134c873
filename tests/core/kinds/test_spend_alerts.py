"""core/kinds/spend_alerts: alerts known by threshold; recipients are an update; lists rule."""

from __future__ import annotations

from collections.abc import Mapping

from reconciler.core.change import Action, Kind
from reconciler.core.model import Desired, Live, Organization, SpendAlert
from reconciler.core.plan import Plan, make_plan

FIN = SpendAlert(3_000_000, ("finance@example.com",), "[OpenAI]")


def _plan(want: Mapping[int, SpendAlert] | None, have: Mapping[int, SpendAlert]) -> Plan:
    desired = Desired(Organization(spend_alerts=want))
    return make_plan(desired, Live(Organization(spend_alerts=have)), config_digest="")


def test_undeclared_alerts_are_not_managed() -> None:
    """Alerts the file leaves out are left alone."""
    assert _plan(None, {FIN.cents: FIN}).changes == ()


def test_new_recipients_are_an_update_of_the_alert_at_that_threshold() -> None:
    """Same threshold, other recipients: one update that shows who is notified before and after."""
    wanted = SpendAlert(3_000_000, ("cfo@example.com",), "[OpenAI]")
    (change,) = _plan({wanted.cents: wanted}, {FIN.cents: FIN}).changes
    assert (change.kind, change.action, change.key) == (
        Kind.SPEND_ALERT, Action.UPDATE, ("", "$30,000"),
    )  # fmt: skip
    assert [(f.field, f.before, f.after) for f in change.fields] == [
        ("notify", "finance@example.com", "cfo@example.com")
    ]


def test_a_declared_list_is_authoritative() -> None:
    """A new threshold is a create; a live one the list lacks is a delete that says why;
    an empty list removes every alert."""
    other = SpendAlert(4_500_000, ("cfo@example.com",))
    changes = _plan({other.cents: other}, {FIN.cents: FIN}).changes
    assert sorted((c.action, c.key[1]) for c in changes) == [
        (Action.CREATE, "$45,000"), (Action.DELETE, "$30,000"),
    ]  # fmt: skip
    deleted = next(c for c in changes if c.action is Action.DELETE)
    assert deleted.reason is not None
    assert "authoritative" in deleted.reason
    assert [c.action for c in _plan({}, {FIN.cents: FIN}).changes] == [Action.DELETE]
    assert _plan({FIN.cents: FIN}, {FIN.cents: FIN}).changes == ()


def test_live_copies_at_a_threshold_are_an_update_to_one() -> None:
    """Two live alerts at the declared threshold, both as declared, are one update that says
    how many there are (the apply keeps one); the delete of such a threshold says so too."""
    twice = SpendAlert(FIN.cents, FIN.recipients, FIN.subject_prefix, copies=2)
    (change,) = _plan({FIN.cents: FIN}, {FIN.cents: twice}).changes
    assert change.action is Action.UPDATE
    assert [(f.field, f.before, f.after) for f in change.fields] == [("copies", 2, 1)]
    (deleted,) = _plan({}, {FIN.cents: twice}).changes
    assert (deleted.action, (deleted.before or {})["copies"]) == (Action.DELETE, 2)
