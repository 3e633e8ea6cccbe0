"""Cell typing cases from tests/cases/cells.md."""

from __future__ import annotations

import pytest

from pipeline.normalize.values import parse_cell
from tests.conftest import read_cases


def _number(text: str) -> float | None:
    return float(text) if text else None


@pytest.mark.parametrize("case", read_cases("cells.md"), ids=lambda c: c["text"][:40])
def test_cell_typing(case: dict[str, str]) -> None:
    typed = parse_cell(case["text"], case["column_label"], case["row_label"])
    assert typed.value == _number(case["value"])
    assert typed.unit == (case["unit"] or None)
    assert typed.comparator == (case["comparator"] or None)
    assert typed.uncertainty == _number(case["uncertainty"])
    assert (typed.value_low, typed.value_high) == (_number(case["value_low"]), _number(case["value_high"]))
    assert typed.p_value == _number(case["p_value"])
    assert typed.p_comparator == (case["p_comparator"] or None)
    assert typed.missing is (case["missing"] == "true")
