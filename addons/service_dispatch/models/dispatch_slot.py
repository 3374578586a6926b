"""Pure helpers of the dispatch planning (no database access)."""

from datetime import timedelta

import pytz

SLOT_STEP_MINUTES = 15


def round_up(moment, minutes=SLOT_STEP_MINUTES):
    """``moment`` rounded up to the next multiple of ``minutes``."""
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += timedelta(minutes=1)
    extra = base.minute % minutes
    return base + timedelta(minutes=minutes - extra) if extra else base


def find_free_slot(work, busy, hours):
    """The first slot of ``hours`` hours of working time.

    ``work``: sorted ``(start, stop)`` pairs of working time (time off already
    removed); ``busy``: sorted ``(start, stop)`` pairs already planned. The
    slot may span several working intervals (a morning and an afternoon) but
    never another planned order. Returns ``(start, end)`` or ``None``.
    """
    needed = timedelta(hours=max(hours, 0.0))
    run_start = previous_end = None
    remaining = needed
    for work_start, work_stop in work:
        for start, stop in _subtract(work_start, work_stop, busy):
            if run_start is not None and any(
                b_start < start and b_stop > previous_end for b_start, b_stop in busy
            ):
                run_start = None  # a planned order in between: start again
            if run_start is None:
                run_start, remaining = start, needed
            if stop - start >= remaining:
                return run_start, start + remaining
            remaining -= stop - start
            previous_end = stop
    return None


def _subtract(start, stop, busy):
    """The parts of ``[start, stop)`` that no busy interval covers."""
    for b_start, b_stop in busy:
        if b_stop <= start or b_start >= stop:
            continue
        if b_start > start:
            yield start, b_start
        start = max(start, b_stop)
        if start >= stop:
            return
    if start < stop:
        yield start, stop


def naive_utc(moment):
    """An aware datetime as Odoo stores it (naive UTC)."""
    return moment.astimezone(pytz.utc).replace(tzinfo=None)
