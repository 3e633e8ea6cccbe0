"""Dates as guides write them, to ISO 8601 at the precision written."""

from __future__ import annotations

import calendar
import re

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_DATE_WORDS = re.compile(
    r"(?P<month>[A-Za-z]{3,9})\.?\s+(?:(?P<day>\d{1,2}),?\s+)?(?P<year>(?:19|20)\d\d)"
)
_DATE_ISO = re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)(?:-(?P<day>\d\d))?")


def parse_date(text: str) -> str | None:
    """'December 2025' gives '2025-12'; 'Nov 25, 2025' gives '2025-11-25'; a date that is
    on no calendar ('2025-13-45', 'Feb 30, 2025') gives None."""
    iso = _DATE_ISO.search(text)
    if iso is not None:
        day = int(iso["day"]) if iso["day"] else None
        return iso.group(0) if _on_calendar(int(iso["year"]), int(iso["month"]), day) else None
    for match in _DATE_WORDS.finditer(text):
        month = _MONTHS.get(match["month"].lower())
        if month is None:
            continue
        if match["day"]:
            if not _on_calendar(int(match["year"]), month, int(match["day"])):
                return None
            return f"{match['year']}-{month:02d}-{int(match['day']):02d}"
        return f"{match['year']}-{month:02d}"
    return None


def _on_calendar(year: int, month: int, day: int | None) -> bool:
    return 1 <= month <= 12 and (day is None or 1 <= day <= calendar.monthrange(year, month)[1])
