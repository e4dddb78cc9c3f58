"""Weekly opening hours: ``{mon-fri: "08:00-17:00", sat: "08:00-12:00"}`` or ``"24/7"``.

>>> s = Schedule.parse({"mon-fri": "08:00-17:00"})
>>> from datetime import datetime
>>> s.is_open(datetime(2026, 11, 23, 9, 30), "UTC"), s.is_open(datetime(2026, 11, 22, 9, 30), "UTC")
(True, False)
>>> s.covers(Schedule.parse({"mon": "09:00-12:00"}))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALWAYS = ("24/7", "always")
MINUTES_PER_DAY = 24 * 60


class ScheduleError(ValueError):
    """A schedule that cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class Schedule:
    """Open intervals per weekday, in minutes after midnight (end exclusive)."""

    intervals: tuple[tuple[int, int, int], ...]  # (weekday 0=mon, start, end)

    @classmethod
    def always(cls) -> Schedule:
        """Open every minute of the week."""
        return cls(tuple((day, 0, MINUTES_PER_DAY) for day in range(7)))

    @classmethod
    def parse(cls, spec: object) -> Schedule:
        """Read a schedule from ``"24/7"`` or a mapping of day ranges to time ranges."""
        if isinstance(spec, str) and spec.strip().lower() in ALWAYS:
            return cls.always()
        if not isinstance(spec, dict) or not spec:
            raise ScheduleError('expected "24/7" or a mapping like {mon-fri: "08:00-17:00"}')
        intervals: list[tuple[int, int, int]] = []
        for days, ranges in spec.items():
            for day in parse_days(str(days)):
                for start, end in parse_ranges(ranges):
                    if end > start:
                        intervals.append((day, start, end))
                    else:  # overnight, e.g. 22:00-06:00
                        intervals.append((day, start, MINUTES_PER_DAY))
                        intervals.append(((day + 1) % 7, 0, end))
        return cls(tuple(sorted(intervals)))

    def is_open(self, when: datetime, timezone: str = "UTC") -> bool:
        """Whether the line is open at ``when`` (naive times are taken as local)."""
        local = when.astimezone(ZoneInfo(timezone)) if when.tzinfo else when
        minute = local.hour * 60 + local.minute
        day = local.weekday()
        return any(d == day and start <= minute < end for d, start, end in self.intervals)

    def open_minutes(self, day: int) -> set[int]:
        """The minutes of weekday ``day`` (0 = Monday) when the schedule is open."""
        minutes: set[int] = set()
        for d, start, end in self.intervals:
            if d == day:
                minutes.update(range(start, end))
        return minutes

    def covers(self, other: Schedule) -> bool:
        """Whether every open minute of ``other`` is open here too."""
        return all(other.open_minutes(day) <= self.open_minutes(day) for day in range(7))


def parse_days(text: str) -> list[int]:
    """Weekday numbers of ``"mon-fri"``, ``"sat"``, ``"mon,wed"``, ``"daily"``.

    >>> parse_days("fri-mon")
    [4, 5, 6, 0]
    """
    text = text.strip().lower()
    if text in ("daily", "every day", "all"):
        return list(range(7))
    days: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            first, last = (_day(p) for p in part.split("-", 1))
            span = (last - first) % 7
            days.extend((first + i) % 7 for i in range(span + 1))
        else:
            days.append(_day(part))
    return days


def _day(text: str) -> int:
    key = text.strip().lower()[:3]
    if key not in DAYS:
        raise ScheduleError(f'unknown day "{text.strip()}": use mon, tue, wed, thu, fri, sat, sun')
    return DAYS.index(key)


def parse_ranges(spec: object) -> list[tuple[int, int]]:
    """Time ranges of ``"08:00-12:00, 13:00-17:00"`` (or a list, or ``"closed"``)."""
    if isinstance(spec, list):
        return [r for item in spec for r in parse_ranges(item)]
    if not isinstance(spec, str):
        raise ScheduleError(f'expected a time range like "08:00-17:00", got {spec!r}')
    if spec.strip().lower() == "closed":
        return []
    ranges = []
    for part in spec.split(","):
        if "-" not in part:
            raise ScheduleError(f'expected a time range like "08:00-17:00", got "{part.strip()}"')
        start, end = part.split("-", 1)
        ranges.append((_minutes(start), _minutes(end)))
    return ranges


def _minutes(text: str) -> int:
    text = text.strip()
    try:
        hours, minutes = (int(p) for p in text.split(":"))
    except ValueError:
        raise ScheduleError(f'expected a time like "08:00", got "{text}"') from None
    if hours == 24 and minutes == 0:
        return MINUTES_PER_DAY
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise ScheduleError(f'time "{text}" is out of range (00:00 to 24:00)')
    return hours * 60 + minutes


def parse_time(text: str) -> datetime:
    """The time of a call as given (``--at``, ``IVR_NOW``, the phone's call time): an ISO
    time such as ``2026-11-23T10:00``, naive unless it has an offset.

    The one parser of call times; ``local_time`` places a naive time in a timezone.

    >>> parse_time("2026-11-23T10:00"), parse_time("2026-11-23 10:00+07:00").utcoffset()
    (datetime.datetime(2026, 11, 23, 10, 0), datetime.timedelta(seconds=25200))
    >>> parse_time("tomorrow")
    Traceback (most recent call last):
    ...
    ivr.schedule.ScheduleError: "tomorrow" is not a time like 2026-11-23T10:00
    """
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ScheduleError(f'"{text}" is not a time like 2026-11-23T10:00') from None


def local_time(text: str, timezone: str) -> datetime:
    """An ISO time such as ``2026-11-23T10:00``; without an offset, local to ``timezone``.

    >>> local_time("2026-11-23T10:00", "Asia/Jakarta").isoformat()
    '2026-11-23T10:00:00+07:00'
    """
    when = parse_time(text)
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(timezone))


def check_timezone(name: str) -> None:
    """Raise ``ScheduleError`` when ``name`` is not an IANA timezone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f'unknown timezone "{name}" (expected an IANA name like "Asia/Jakarta")'
        ) from None
