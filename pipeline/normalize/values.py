"""Cell typing: the measured number, unit, comparator and p-value in a cell's text.

A cell keeps its clean text; these fields are read from it:
- ``value``: the leading measured number ("36.7%" gives 36.7; "8 days (P=0.03)"
  gives 8). A cell that starts with words ("Similar to X") has no value.
- ``comparator``: a sign before that number (">400" gives ">").
- ``unit``: a known unit right after the number, else one from the column or
  row label ("IC50 (nM)" gives "nM").
- ``p_value``/``p_comparator``: the first "P < 0.001"-style statement.
- ``missing``: the cell is a placeholder ("-", "NR", "N/A"); value stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Placeholders that mean "no value here", compared case-insensitively.
PLACEHOLDERS = frozenset(
    {"-", "\u2013", "\u2014", "\u2212", "n/a", "na", "nr", "nd", "n.d.", "none reported",
     "not reported", "not calculable", "not determined", "not available"}
)

# Units the family writes after numbers and in label parentheses. Longest first when matched.
UNITS = frozenset(
    {"%", "nM", "µM", "mM", "pM", "M", "mol", "mmol", "µmol", "nmol", "g", "mg", "µg", "ng",
     "kg", "L", "mL", "µL", "nL", "h", "hr", "hrs", "hours", "min", "s", "sec", "ms", "day",
     "days", "week", "weeks", "month", "months", "year", "years", "°C", "K", "Da", "kDa",
     "g/mol", "mg/mL", "µg/mL", "ng/mL", "pg/mL", "mg/kg", "µg/kg", "mg/day", "mL/min",
     "eV", "m/z", "Å", "nm", "µm", "mm", "cm", "rpm", "psi", "bar", "Hz", "MHz", "ppm",
     "IU", "U", "U/mL", "fold", "x"}
)
_UNIT_ALTERNATION = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

COMPARATORS = ("<=", ">=", "≤", "≥", "<", ">", "~", "≈")
_COMPARATOR = "|".join(re.escape(c) for c in COMPARATORS)
_NUMBER = r"[-\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-\u2212]?\.\d+"

_LEADING_VALUE = re.compile(
    rf"^(?P<cmp>{_COMPARATOR})?\s*(?P<num>{_NUMBER})"
    rf"(?:\s*(?P<unit>{_UNIT_ALTERNATION})(?![\w/]))?"
    r"(?![\w.,]*[A-Za-z-]\w)"  # "28-Day", "4x4" and "1a" are names, not numbers
)
_P_VALUE = re.compile(rf"\bp\s*(?P<cmp>{_COMPARATOR}|=)\s*(?P<num>{_NUMBER})", re.I)
_LABEL_UNIT = re.compile(r"\(([^()]*)\)\s*$")


@dataclass(frozen=True, slots=True)
class CellValue:
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    p_value: float | None = None
    p_comparator: str | None = None
    missing: bool = False


def parse_cell(text: str, column_label: str = "", row_label: str = "") -> CellValue:
    """Type one clean cell text; labels supply a unit the cell does not state."""
    stripped = normalize_micro(text.strip())
    if stripped.casefold() in PLACEHOLDERS:
        return CellValue(missing=True)
    p_value = p_comparator = None
    p_match = _P_VALUE.search(stripped)
    if p_match is not None:
        p_value, p_comparator = to_number(p_match["num"]), p_match["cmp"]
    match = _LEADING_VALUE.match(stripped)
    if match is None:
        return CellValue(p_value=p_value, p_comparator=p_comparator)
    unit = match["unit"] or label_unit(column_label) or label_unit(row_label)
    return CellValue(to_number(match["num"]), unit, match["cmp"], p_value, p_comparator)


def label_unit(label: str) -> str | None:
    """The unit a column or row label gives in a trailing parenthesis, if it is a unit."""
    match = _LABEL_UNIT.search(normalize_micro(label))
    if match is None:
        return None
    candidate = match.group(1).strip()
    return candidate if candidate in UNITS else None


def to_number(text: str) -> float:
    """'2,300' gives 2300.0; '.001' gives 0.001; a Unicode minus is a minus."""
    return float(text.replace(",", "").replace("\u2212", "-"))


def normalize_micro(text: str) -> str:
    """Both micro characters (U+00B5, U+03BC) are written as U+00B5."""
    return text.replace("\u03bc", "\u00b5")
