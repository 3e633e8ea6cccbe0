"""Units: the family's spellings read by pint, and each measured value in a canonical unit.

Canonical units by what is measured: amount concentrations in mol/L, mass
concentrations in g/L, masses in g, durations in days. Percentages stay
percentages; rates, ratios, energies, molar masses and temperatures are kept as
given (their value and unit unchanged). A unit pint cannot read is kept as
written with no canonical value: never forced. pint reads each unit
spelling once per run and gives its exact factor to the canonical unit in decimal
arithmetic (``non_int_type=Decimal``); a value converts by that factor, so 5.9 nM
is 5.9e-9 mol/L and 12 h is 0.5 day, with one rounding to a float at the end.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache

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
# Units read as they are: molar masses in daltons are not masses to be weighed.
AS_GIVEN = frozenset({"Da", "kDa", "%", "°C", "K"})


@cache
def registry() -> pint.UnitRegistry[Decimal]:
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
    """The canonical unit's name and the exact factor to it, read by pint once per unit
    spelling; (unit, None) to keep the unit as given; None when pint cannot read the unit."""
    try:
        quantity = registry().Quantity(Decimal(1), _pint_spelling(unit))
        dimensionality = str(quantity.dimensionality)
        for dimension, name, pint_unit in CANONICAL:
            if dimensionality == dimension:
                return name, Decimal(quantity.to(pint_unit).magnitude)
    except (pint.PintError, AttributeError, TypeError, ValueError, SyntaxError, AssertionError,
            ArithmeticError):
        return None
    return unit, None


def _pint_spelling(unit: str) -> str:
    """The family's spelling as pint reads it: "M^-1 s^-1" as "M**-1 s**-1", µ as u."""
    return unit.replace("^", "**").replace("µ", "u").replace("μ", "u")
