"""Cell typing: the measured number, its unit, comparator, spread and p-value.

A cell keeps its clean text; these fields are read from it:
- ``value``: the first measured number. It leads the cell ("36.7%", "8 days
  (P=0.03)"), or, in a cell that opens with a label, follows the label's
  "=" or ": " ("IC50 (COX-2) = 1.2 µM; ..."). A cell of words has no value.
- ``comparator``: a sign before that number (``>400`` gives ``>``).
- ``uncertainty``: the ``±`` spread ("4.12 ± 0.02 min").
- ``value_low``/``value_high``: a range ("8–14 h", "−4.6 to 3.9"); a range is
  never averaged, so ``value`` stays empty.
- ``unit``: a unit right after the number ("M^-1 s^-1" included), else one from
  the column or row label ("IC50 (nM)" gives nM; "%B" gives %).
- ``p_value``/``p_comparator``: the first "P < 0.001"-style statement.
- ``missing``: the cell is a placeholder ("-", "NR", "N/A", "None reported").

Every written exponent is applied exactly (decimal arithmetic, then one rounding
to a float, so 2.4 × 10^-3 is 0.0024, not 0.0024000000000000002): ``2.4 × 10^-3``,
``2.4 × 10⁻³``, ``10^6`` and ``10⁶`` (powers), ``1.5e-3`` (a signed exponent; ``4E10``
stays a name). A number beyond a float's range (``9.9 × 10^308``) is never written as
infinity: the cell keeps its text, no value, and the document a warning.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import get_args

from schemas.fields import Comparator, PComparator

# Placeholders that mean "no value here", compared case-insensitively.
PLACEHOLDERS = frozenset(
    {"-", "\u2013", "\u2014", "\u2212", "n/a", "na", "nr", "nd", "n.d.", "none reported",
     "not reported", "not calculable", "not determined", "not available", "not applicable"}
)

# Unit atoms the family writes after numbers and in label parentheses.
UNITS = frozenset(
    {"%", "nM", "µM", "mM", "pM", "fM", "M", "mol", "mmol", "µmol", "nmol", "pmol", "g", "mg",
     "µg", "ng", "pg", "kg", "L", "mL", "µL", "nL", "h", "hr", "hrs", "hours", "min", "s", "sec",
     "ms", "day", "days", "week", "weeks", "month", "months", "year", "years", "°C", "K", "Da",
     "kDa", "eV", "m/z", "Å", "nm", "µm", "mm", "cm", "m", "rpm", "psi", "bar", "Hz", "MHz",
     "ppm", "IU", "U", "fold", "equiv", "mol%", "wt%", "v/v", "w/v", "x g", "× g", "minutes",
     "mins", "seconds", "V", "mV", "PFU", "CFU", "log10", "log₁₀", "cells", "copies", "dL"}
)
_ATOM = "(?:" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + ")"
_EXP = r"(?:\^[-−]?\d+|[⁻]?[¹²³⁴⁵⁶⁷⁸⁹⁰]+)"
# A unit: atoms with exponents, joined by "/" or "·", or by a space when the next atom
# carries an exponent ("M^-1 s^-1"); never followed by more letters ("28-Day", "mgx").
_UNIT = (rf"{_ATOM}{_EXP}?(?:(?:\s?[/·]\s?{_ATOM}{_EXP}?)|(?:\s{_ATOM}{_EXP}))*"
         r"(?![A-Za-zµ])")

COMPARATORS: tuple[str, ...] = get_args(Comparator)  # the contract's, longest first
_COMPARATOR = "|".join(re.escape(c) for c in COMPARATORS)
# A number, with the exponent it may carry: "1.5e-3" (signed, so "4E10" stays a name) or
# "10^6" (a power; "10⁶" reads as "10^6"). Exponents are read exactly by ``to_number``.
_NUMBER = (r"(?:[-−‑+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-−‑]?\.\d+)"
           r"(?:[eE][-+−]\d{1,4}|\^[-−]?\d{1,4})?(?![\d^])")  # a longer exponent: no number
_MEASURE = (
    # The comparator's space is inside its group: a number alone starts at its first digit,
    # never at the whitespace before it, so a long run of spaces is not rescanned.
    rf"(?:(?P<cmp>{_COMPARATOR})\s*)?(?P<num>{_NUMBER})(?![,.]\d)"  # "1,4-" is a locant list
    rf"(?:\s*(?:±|\+/-)\s*(?P<unc>{_NUMBER}))?"
    # 8–14, 8 to 14, 8-14; the unit may stand at both ends ("1%–5%", "2 h–4 h", "5%-10%")
    rf"(?:(?:\s*(?P<lowunit>{_UNIT}))?(?:\s*(?:[–—]|\bto\b)\s*|-(?=\d))(?P<high>{_NUMBER}))?"
    # An exponent of up to four digits; a longer one leaves the number unread (no value).
    r"(?:\s*[×x]\s*10(?:\^(?P<exp>[-−]?\d{1,4})(?!\d)|(?P<sup>[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,4})(?![⁰-⁹])))?"
    r"(?!\s*[×x]\s*10\^)"
    # A unit that goes on ("mg/dL" where dL is no unit atom) is no unit of this number's.
    rf"(?:\s*(?P<unit>{_UNIT})(?!/[A-Za-zµ]))?"
    r"(?![\w.,]*[A-Za-z-]\w)"  # "28-Day", "13C3" and "4x4" are names, not numbers
)
_LEADING = re.compile(rf"^{_MEASURE}")
_AFTER_LABEL = re.compile(r"(?:=|:\s)\s*")
# A measure anywhere in a text, never inside a word or a longer number ("C4", "1,4-").
# Not a subscript count of a formula ("Pd(PPh3)4", "[Fe(CN)6]3") nor a term of a ratio ("4:1").
# Nor a fraction ("3/4", "t1/2", "mL/min/1.73 m2").
MEASURE = re.compile(rf"(?<![\w.,\-−‑)\]:/]){_MEASURE}(?!:\d|/\d)")
_P_COMPARATOR = "|".join(re.escape(c) for c in get_args(PComparator))
# "P < 0.001"; not "log P = 2.1", a partition coefficient.
P_VALUE = re.compile(rf"(?<!log\s)(?<!log)\bp\s*(?P<cmp>{_P_COMPARATOR})\s*(?P<num>{_NUMBER})", re.I)
_SUPERSCRIPT_DIGITS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
_SCRIPT_DIGITS = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹", "01234567890123456789")
_UNICODE_POWER = re.compile(r"(?<=\d)[⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]++")  # "10⁹", "10⁻³"
_UNIT_ALONE = re.compile(_UNIT)
_LABEL_UNIT = re.compile(r"\(([^()]*)\)\s*$")


@dataclass(frozen=True, slots=True)
class CellValue:
    value: float | None = None
    unit: str | None = None
    comparator: str | None = None
    uncertainty: float | None = None
    value_low: float | None = None
    value_high: float | None = None
    p_value: float | None = None
    p_comparator: str | None = None
    missing: bool = False
    problem: str | None = None  # a number that cannot be held exactly: its text is all there is


def parse_cell(text: str, column_label: str = "", row_label: str = "") -> CellValue:
    """Type one clean cell text; labels supply a unit the cell does not state."""
    stripped = reading_form(text)
    if stripped.casefold() in PLACEHOLDERS:
        return CellValue(missing=True)
    p_value = p_comparator = None
    p_match = P_VALUE.search(stripped)
    if p_match is not None and to_number(p_match["num"]) <= 1:  # a probability, or no p-value
        p_value, p_comparator = to_number(p_match["num"]), p_match["cmp"]
    match = _measure(stripped)
    if match is None:
        return _checked(CellValue(p_value=p_value, p_comparator=p_comparator), stripped)
    return typed(match, label_unit(column_label) or label_unit(row_label), p_value, p_comparator)


def reading_form(text: str) -> str:
    """A clean text as the number reader reads it: one micro sign, powers in caret form."""
    stripped = normalize_micro(text.strip())
    return _powers(stripped) if not stripped.isascii() else stripped


def typed(match: re.Match[str], label_unit: str | None = None, p_value: float | None = None,
          p_comparator: str | None = None) -> CellValue:
    """The value one measure match states (``MEASURE``), its unit else the label's."""
    exponent = match["exp"] or (match["sup"] or "").translate(_SUPERSCRIPT_DIGITS)
    scale = int(exponent.replace("−", "-")) if exponent else 0
    number = to_number(match["num"], scale)
    unit = match["unit"] or match["lowunit"] or label_unit
    uncertainty = to_number(match["unc"], scale) if match["unc"] else None
    if match["high"]:
        high = to_number(match["high"], scale)
        if high < number:
            return CellValue()  # "12345-01", "Lot 2023-01": a code, not a range
        return _checked(CellValue(None, unit, match["cmp"], uncertainty, number, high, p_value,
                                  p_comparator), match.group(0))
    return _checked(CellValue(number, unit, match["cmp"], uncertainty, None, None, p_value,
                              p_comparator), match.group(0))


def _checked(value: CellValue, text: str) -> CellValue:
    """A value with a number no float can hold keeps only its text, and says so: never
    ``inf``, never a silently wrong number."""
    numbers = (value.value, value.uncertainty, value.value_low, value.value_high, value.p_value)
    if all(n is None or math.isfinite(n) for n in numbers):
        return value
    return CellValue(unit=value.unit, problem=f"the number in {text[:60]!r} cannot be held as a "
                     "64-bit float (beyond its range, or undefined); the cell keeps its text and "
                     "no value")


def _measure(text: str) -> re.Match[str] | None:
    """The first measurement: leading the cell, else right after a label's '=' or ': '."""
    leading = _LEADING.match(text)
    if leading is not None:
        return leading
    if P_VALUE.match(text):  # a cell that is only a p-value has no measured value
        return None
    p_value = P_VALUE.search(text)
    if p_value is not None:  # "p = 0.04" is a p-value, not a label and its value
        text = text[: p_value.start()] + " " * (p_value.end() - p_value.start()) + text[p_value.end():]
    label_end = _AFTER_LABEL.search(text)
    if label_end is None:
        return None
    return MEASURE.search(text, label_end.end())


def label_unit(label: str) -> str | None:
    """The unit a column or row label gives: '(nM)' at its end, or a leading '%'."""
    label = normalize_micro(label).strip()
    if label.startswith("%"):
        return "%"
    match = _LABEL_UNIT.search(label)
    if match is None:
        return None
    candidate = match.group(1).strip()
    return candidate if _UNIT_ALONE.fullmatch(candidate) else None


def without_label_unit(label: str) -> str:
    """The label without the unit parenthesis ``label_unit`` reads ("IC50 (nM)" is IC50)."""
    match = _LABEL_UNIT.search(label)
    if match is None or not label_unit(label) or label.strip().startswith("%"):
        return label
    return label[: match.start()].strip()


def to_number(text: str, scale: int = 0) -> float:
    """'2,300' gives 2300.0; '.001' gives 0.001; a Unicode minus is a minus; '1.5e-3' gives
    0.0015 and '10^6' gives 1000000.0, both read exactly before the one rounding to a float.
    A number no float holds gives ``inf`` (too large) or ``nan`` (too small to be told from
    zero, or undefined such as 0^-1), which callers refuse."""
    digits = text.replace(",", "").replace("−", "-").replace("‑", "-")
    base, _, power = digits.partition("^")
    try:
        number = (Decimal(base) ** int(power) if power else Decimal(base)).scaleb(scale)
    except (ArithmeticError, ValueError):
        return math.nan
    result = float(number)
    return math.nan if result == 0 and number != 0 else result


def finite_number(text: str) -> float | None:
    """``to_number``, or None where no float holds it (beyond the range, undefined)."""
    number = to_number(text)
    return number if math.isfinite(number) else None


def normalize_micro(text: str) -> str:
    """Both micro characters (U+00B5, U+03BC) are written as U+00B5."""
    return text.replace("\u03bc", "\u00b5")


def folded(text: str) -> str:
    """A text as rules match it, never as it is kept: sub- and superscript digits as digits
    and both micro characters alike ("IC₅₀ (μM)" is matched as "IC50 (µM)")."""
    return normalize_micro(text).translate(_SCRIPT_DIGITS) if not text.isascii() else text


def _powers(text: str) -> str:
    """A power written in superscript digits after a number, in caret form: "10⁹" is "10^9"
    (a unit's power, "m²" or "s⁻¹", stays)."""
    return _UNICODE_POWER.sub(lambda m: "^" + m.group(0).translate(_SUPERSCRIPT_DIGITS), text)
