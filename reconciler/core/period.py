"""A report period: whole UTC days, the last one possibly cut at `now` (a partial day).

    last_days(30, now=...)                      the last 30 days, today (partial) included
    between(date(2026, 10, 1), date(2026, 10, 31), now=...)   both days included
    month("2026-10", now=...)                   one calendar month

Times are epoch seconds; every start is a UTC midnight, so each day is one of the API's daily
buckets.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime

from reconciler.errors import ReconcilerError

DAY = 86_400


@dataclass(frozen=True, slots=True)
class Period:
    """[start, end) in epoch seconds; `end` is `now` when the period reaches today."""

    start: int
    end: int
    now: int

    @property
    def days(self) -> list[int]:
        """The start of each day in the period."""
        return list(range(self.start, self.end, DAY))

    def is_partial(self, day: int) -> bool:
        """Whether this day's bucket is not over yet (the API has only part of it)."""
        return day <= self.now < day + DAY

    def label(self) -> str:
        """`2026-10-01 – 2026-10-31`, the last day marked when it is partial."""
        last = self.days[-1] if self.days else self.start
        mark = " (partial)" if self.is_partial(last) else ""
        return f"{day_text(self.start)} – {day_text(last)}{mark}"


def midnight(moment: int) -> int:
    """The UTC midnight at or before `moment`."""
    return moment - moment % DAY


def day_text(moment: int) -> str:
    """The UTC date of `moment`, as YYYY-MM-DD."""
    return datetime.fromtimestamp(moment, UTC).date().isoformat()


def month_start(moment: int) -> int:
    """The first midnight of the UTC month holding `moment`."""
    day = datetime.fromtimestamp(moment, UTC).date()
    return _epoch(day.replace(day=1))


def days_in_month(moment: int) -> int:
    """How many days the UTC month holding `moment` has."""
    day = datetime.fromtimestamp(moment, UTC).date()
    return calendar.monthrange(day.year, day.month)[1]


def last_days(count: int, *, now: int) -> Period:
    """The last `count` days, today (cut at `now`) being the last of them."""
    if count < 1:
        raise ReconcilerError(f"--since must be at least 1d, not {count}d")
    return Period(start=midnight(now) - (count - 1) * DAY, end=now, now=now)


def between(first: date, last: date | None, *, now: int) -> Period:
    """From the day `first` to the day `last` (both included; None: today), cut at `now`."""
    start = _epoch(first)
    end = min(now, _epoch(last) + DAY) if last is not None else now
    if end <= start:
        raise ReconcilerError(
            f"the period from {first.isoformat()} is empty: it must start before it ends "
            f"and before now ({day_text(now)})"
        )
    return Period(start=start, end=end, now=now)


def month(text: str, *, now: int) -> Period:
    """The calendar month `YYYY-MM` (cut at `now` when it is the current one)."""
    try:
        first = datetime.strptime(text, "%Y-%m").replace(tzinfo=UTC).date()
    except ValueError:
        raise ReconcilerError(f"--month must be YYYY-MM (such as 2026-10), not {text!r}") from None
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return between(first, last, now=now)


def parse_since(text: str) -> int:
    """`30d` → 30."""
    number = text.removesuffix("d")
    if not number.isdigit() or not text.endswith("d"):
        raise ReconcilerError(f"--since must be a number of days such as 30d, not {text!r}")
    return int(number)


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
