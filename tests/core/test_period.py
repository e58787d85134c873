"""Report periods are whole UTC days, the last one cut at now and marked partial."""

from __future__ import annotations

from datetime import date

import pytest

from reconciler.core.period import DAY, between, last_days, month, parse_since
from reconciler.errors import ReconcilerError

NOW = 1_793_491_200 + 10 * DAY + 6 * 3600  # 2026-11-11T06:00:00Z


def test_the_last_30_days_end_with_today_partial() -> None:
    """30 daily buckets from midnight, today's cut at now."""
    period = last_days(parse_since("30d"), now=NOW)
    assert len(period.days) == 30
    assert period.start % DAY == 0
    assert period.end == NOW
    assert [period.is_partial(d) for d in period.days[-2:]] == [False, True]
    assert period.label() == "2026-10-13 – 2026-11-11 (partial)"


def test_a_month_is_its_days_and_a_future_end_is_cut_at_now() -> None:
    """February 2026 has 28 whole days; the current month stops at now."""
    february = month("2026-02", now=NOW)
    assert len(february.days) == 28
    assert not february.is_partial(february.days[-1])
    november = month("2026-11", now=NOW)
    assert (len(november.days), november.end) == (11, NOW)


def test_from_to_includes_both_days() -> None:
    """--from 2026-10-01 --to 2026-10-03 is three days."""
    period = between(date(2026, 10, 1), date(2026, 10, 3), now=NOW)
    assert period.label() == "2026-10-01 – 2026-10-03"


@pytest.mark.parametrize("text", ["0d", "30", "d", "-3d", "3w"])
def test_since_is_a_positive_number_of_days(text: str) -> None:
    """Anything but N≥1 followed by d is refused."""
    with pytest.raises(ReconcilerError, match="--since"):
        last_days(parse_since(text), now=NOW)


def test_a_period_in_the_future_is_refused() -> None:
    """--from after today is an empty period."""
    with pytest.raises(ReconcilerError, match="is empty"):
        between(date(2026, 12, 1), None, now=NOW)
