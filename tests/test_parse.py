"""Parse stage: blocks per source (snapshots) and heading inference (cases)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from pipeline.blocks import HeadingBlock, ListItemBlock, TableBlock
from pipeline.decode import decode, sniff_format
from pipeline.parse import UnknownFormatError, parse
from pipeline.parse.headings import is_heading_text
from tests.conftest import SEED, read_cases, source_params


def parse_file(path: Path) -> list[object]:
    decoded = decode(path.read_bytes())
    return parse(decoded.text, sniff_format(decoded.text, path.suffix))


@pytest.mark.parametrize("path", source_params())
def test_parse_blocks_snapshot(path: Path, snapshot_json: SnapshotAssertion) -> None:
    assert [asdict(b) for b in parse_file(path)] == snapshot_json  # type: ignore[call-overload]


@pytest.mark.parametrize("case", read_cases("heading_lines.md"), ids=lambda c: c["line"][:40])
def test_heading_lines(case: dict[str, str]) -> None:
    assert is_heading_text(case["line"]) is (case["heading"] == "true")


# Small text guides and the heading outline (text, level) each must give.
HEADING_LEVEL_CASES = [
    pytest.param(
        "Guide Title\n\nAuthor: Team. Date: May 2025\n\nIntro text here.\n\n"
        "Disease Models\n\nArthritis\n\nText.\n\nComparative Data:\n\nText.\n\n"
        "Experimental Protocol: Trial A\n\n- Objective: x\n- Design: y\n\n"
        "Dermatitis\n\nText.\n\nSummary of Results\n\nSelectivity Profile\n\nText.\n\n"
        "Conclusion\n\nText.\n\nReferences\n\n- 1. A [a.org]\n",
        [("Guide Title", 1), ("Disease Models", 2), ("Arthritis", 3), ("Comparative Data:", 4),
         ("Experimental Protocol: Trial A", 4), ("Dermatitis", 3), ("Summary of Results", 2),
         ("Selectivity Profile", 3), ("Conclusion", 2), ("References", 2)],
        id="parent-leaf-and-top-level-names",
    ),
    pytest.param(
        "Part 1: Potency\n\nText.\n\nPart 2: Kinetics\n\nText.\n\nTable 1: Gradient\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nPart 3: Safety\n\nText.\n",
        [("Part 1: Potency", 2), ("Part 2: Kinetics", 2), ("Table 1: Gradient", 3),
         ("Part 3: Safety", 2)],
        id="flat-sections-with-a-caption-leaf",
    ),
    pytest.param(
        "Outer\n\nMiddle\n\nInner\n\nText.\n\nNext Inner\n\nText.\n",
        [("Outer", 2), ("Middle", 3), ("Inner", 4), ("Next Inner", 4)],
        id="chained-parents",
    ),
]


@pytest.mark.parametrize(("text", "outline"), HEADING_LEVEL_CASES)
def test_heading_levels(text: str, outline: list[tuple[str, int]]) -> None:
    headings = [(b.text, b.level) for b in parse(text, "text") if isinstance(b, HeadingBlock)]
    assert headings == outline


def test_flat_arms_nest_under_their_label() -> None:
    text = "- Design: d\n- Intervention Arms:\n - Arm one.\n - Arm two.\n- Results: r\n"
    items = [(b.text, b.depth) for b in parse(text, "text") if isinstance(b, ListItemBlock)]
    assert items == [("Design: d", 0), ("Intervention Arms:", 0), ("Arm one.", 1),
                     ("Arm two.", 1), ("Results: r", 0)]


def test_numbered_bullet_is_one_item_with_its_number() -> None:
    items = [b for b in parse("- 1. Title [a.org]\n- 2. Other [b.org]\n", "text")
             if isinstance(b, ListItemBlock)]
    assert [(b.number, b.text, b.depth) for b in items] == [
        (1, "Title [a.org]", 0), (2, "Other [b.org]", 0)]


def test_seed_tables_keep_their_lines() -> None:
    tables = [b for b in parse_file(SEED) if isinstance(b, TableBlock)]
    # Read from the guide: tables start at lines 44, 73, 106 and 131.
    assert [t.line_start for t in tables] == [44, 73, 106, 131]
    assert tables[3].row_lines == (133, 134, 135, 136)
    assert tables[3].header == ("Kinase", "IC50 (nM)")


def test_unknown_format_is_a_named_error() -> None:
    with pytest.raises(UnknownFormatError):
        parse("text", "pdf")
