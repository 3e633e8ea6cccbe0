"""Units: the family's spellings read by pint, and each measured value in a canonical unit.

Canonical units by what is measured: amount concentrations in mol/L, mass
concentrations in g/L, masses in g, durations in days. Percentages stay
percentages; rates, ratios, energies, molar masses and temperatures are kept as
given (their value and unit unchanged). A unit pint cannot read is kept as
written with no canonical value: never forced. pint reads each unit
spelling once per run and gives its factor to the canonical unit in decimal
arithmetic (``non_int_type=Decimal``, 28 digits); a value converts by that factor, so 5.9 nM
is 5.9e-9 mol/L and 12 h is 0.5 day, with one rounding to a float at the end.

The spellings the family writes are converted from ``unit_table.py``, which pint
wrote (``make units-table`` writes it again; a test keeps it in step with pint), so a
run imports pint (half a second) only for a spelling the table lacks.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from pipeline.normalize.unit_table import CONVERSIONS

if TYPE_CHECKING:
    import pint

# The family's unit spellings pint does not know by default.
DEFINITIONS = (
    "fold = [] = x_fold",  # "3-fold": a ratio
    "international_unit = [biological_activity] = IU",
)
# (pint dimensionality, canonical unit as written in the outputs, pint unit)
CANONICAL = (
    ("[substance] / [length] ** 3", "mol/L", "mol/L"),
    ("[mass] / [length] ** 3", "g/L", "g/L"),
    ("[mass]", "g", "g"),
    ("[time]", "day", "day"),
)
_POWER_DIGIT = re.compile(r"(?<=[a-z])([23])\b")  # "m2": metres squared
# Units read as they are: molar masses in daltons are not masses to be weighed; a mass
# spectrum's m/z (mass over charge number) is a label of its own, not metres per anything.
AS_GIVEN = frozenset({"Da", "kDa", "%", "°C", "K", "m/z"})


# Spellings the table holds: the value reader's unit atoms and the compound units of the family.
TABLE_SPELLINGS = (
    "nM", "µM", "mM", "pM", "fM", "M", "mol", "mmol", "µmol", "nmol", "pmol", "mol/L", "mmol/L",
    "µmol/L", "nmol/L", "g", "mg", "µg", "ng", "pg", "kg", "L", "mL", "µL", "nL", "h", "hr", "hrs",
    "hours", "min", "mins", "minutes", "s", "sec", "seconds", "ms", "day", "days", "week",
    "weeks", "month", "months", "year", "years", "g/L", "mg/L", "µg/L", "ng/L", "mg/mL",
    "µg/mL", "ng/mL", "pg/mL", "ng/µL", "mg/dL", "g/mol", "mg/kg", "mg/day", "mg/m2", "nm", "µm",
    "mm", "cm", "m", "Å", "eV", "V", "mV", "Hz", "MHz", "rpm", "psi", "bar", "ppm", "IU",
    "IU/mL", "U", "U/mg", "U/mL", "fold", "equiv", "mol%", "wt%", "v/v", "w/v", "M^-1 s^-1",
    "M^-1 cm^-1", "s^-1", "M⁻¹ s⁻¹", "M⁻¹ cm⁻¹", "s⁻¹", "min⁻¹", "h⁻¹", "m/z", "PFU", "PFU/mL",
    "CFU", "CFU/mL", "log10", "log₁₀", "cells", "copies", "x g", "× g", "mg/m²",
)


@cache
def registry() -> pint.UnitRegistry[Decimal]:
    import pint  # imported on first use only: most runs never need it

    ureg: pint.UnitRegistry[Decimal] = pint.UnitRegistry(non_int_type=Decimal,
                                                         autoconvert_offset_to_baseunit=False)
    for definition in DEFINITIONS:
        ureg.define(definition)
    return ureg


def canonical(value: float | None, unit: str | None) -> tuple[float | None, str | None]:
    """``value`` in ``unit`` as (value, unit) in the canonical unit; (None, None) when the
    unit is unknown to pint or there is no value."""
    if value is None or not unit:
        return None, None
    if unit in AS_GIVEN:
        return value, unit
    target = _conversion(unit)
    if target is None:
        return None, None
    name, factor = target
    if factor is None:
        return value, unit  # a rate, a ratio, an energy: as given
    result = float(Decimal(repr(value)) * factor)
    return (result, name) if math.isfinite(result) else (None, None)


@cache
def _conversion(unit: str) -> tuple[str, Decimal | None] | None:
    """The canonical unit's name and the exact factor to it: from the table pint wrote,
    else from pint; (unit, None) to keep the unit as given; None when pint cannot read it."""
    if unit in CONVERSIONS:
        known = CONVERSIONS[unit]
        return None if known is None else (known[0], Decimal(known[1]) if known[1] else None)
    return pint_conversion(unit)


@cache
def pint_conversion(unit: str) -> tuple[str, Decimal | None] | None:
    """What pint says of one unit spelling, once per run."""
    try:
        quantity = registry().Quantity(Decimal(1), _pint_spelling(unit))
        dimensionality = str(quantity.dimensionality)
        for dimension, name, pint_unit in CANONICAL:
            if dimensionality == dimension:
                return name, Decimal(quantity.to(pint_unit).magnitude)
    except Exception:  # whatever pint raises, the unit is one it cannot read
        return None
    return unit, None


def table_source() -> str:
    """``unit_table.py`` as pint writes it for ``TABLE_SPELLINGS``."""
    rows = []
    for spelling in dict.fromkeys(TABLE_SPELLINGS):
        found = pint_conversion(spelling)
        value = "None" if found is None else repr((found[0], "" if found[1] is None else str(found[1])))
        rows.append(f"    {spelling!r}: {value},")
    return ('"""Unit spellings of the family and their conversion, as pint read them: (canonical\n'
            'unit, exact factor), (unit, "") for a unit kept as given, None for one pint cannot\n'
            'read. Written by ``make units-table`` (``units.table_source``); do not edit by hand."""\n\n'
            "CONVERSIONS: dict[str, tuple[str, str] | None] = {\n" + "\n".join(rows) + "\n}\n")


def _pint_spelling(unit: str) -> str:
    """The family's spelling as pint reads it: "M^-1 s^-1" as "M**-1 s**-1", µ as u, a
    length's square or cube as a power ("mg/m2", "mg/m²")."""
    unit = _POWER_DIGIT.sub(r"**\1", unit.replace("²", "2").replace("³", "3"))
    return unit.replace("^", "**").replace("µ", "u").replace("μ", "u")
