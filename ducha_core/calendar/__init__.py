"""工作日历: the working-day calendar of mainland China (State Council holiday notices 2015–).

from ducha_core.calendar import WorkingCalendar
cal = WorkingCalendar.default()
cal.add_workdays(date(2025, 9, 30), 1)   # 2025-10-09
"""

from ducha_core.calendar.data import CalendarDataError, YearInfo
from ducha_core.calendar.engine import (
    PROVISIONAL_YEARS,
    CalendarRangeError,
    DayInfo,
    ProvisionalDateError,
    WorkingCalendar,
)
from ducha_core.calendar.statutory import provisional_holidays, statutory_days

__all__ = [
    "PROVISIONAL_YEARS",
    "CalendarDataError",
    "CalendarRangeError",
    "DayInfo",
    "ProvisionalDateError",
    "WorkingCalendar",
    "YearInfo",
    "provisional_holidays",
    "statutory_days",
]
