"""Parse stage: blocks per source (snapshots) and heading inference (cases)."""

from __future__ import annotations

import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, TableBlock
from pipeline.decode import decode, sniff_format
from pipeline.parse import UnknownFormatError, parse
from pipeline.parse.headings import is_heading_text
from pipeline.parse.line_breaks import wrap_width
from tests.conftest import SEED, SOURCES, read_cases, source_params


def parse_file(path: Path) -> list[Block]:
    decoded = decode(path.read_bytes())
    return list(parse(decoded.text, sniff_format(decoded.text, path.suffix)).blocks)


@pytest.mark.parametrize("path", source_params())
def test_parse_blocks_snapshot(path: Path, snapshot_json: SnapshotAssertion) -> None:
    assert [asdict(b) for b in parse_file(path)] == snapshot_json


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
    headings = [(b.text, b.level) for b in parse(text, "text").blocks if isinstance(b, HeadingBlock)]
    assert headings == outline


def test_flat_arms_nest_under_their_label() -> None:
    text = "- Design: d\n- Intervention Arms:\n - Arm one.\n - Arm two.\n- Results: r\n"
    items = [(b.text, b.depth) for b in parse(text, "text").blocks if isinstance(b, ListItemBlock)]
    assert items == [("Design: d", 0), ("Intervention Arms:", 0), ("Arm one.", 1),
                     ("Arm two.", 1), ("Results: r", 0)]


def test_numbered_bullet_is_one_item_with_its_number() -> None:
    items = [b for b in parse("- 1. Title [a.org]\n- 2. Other [b.org]\n", "text").blocks
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


# --- layouts: where one block ends and the next begins -----------------------------------

PARAGRAPH = ("Arylboronic acids lose water on standing and partly convert to the cyclic trimeric "
             "anhydride, the boroxine. Because the boroxine carries less mass per aryl group, an "
             "assay calculated for the free acid reads high, and the material is still usable.")


def blocks_of(text: str) -> list[tuple[str, str]]:
    return [(b.kind, b.inline.text) for b in parse(text, "text").blocks
            if not isinstance(b, TableBlock)]


@pytest.mark.parametrize("width", [60, 72, 100])
def test_hard_wrapping_is_detected_at_its_width(width: int) -> None:
    text = "\n\n".join([textwrap.fill(PARAGRAPH, width), textwrap.fill(PARAGRAPH[::-1], width)])
    found = wrap_width(text.split("\n"))
    assert found is not None and width - 10 <= found <= width


@pytest.mark.parametrize("path", [p for p in SOURCES if "compact" in p.name or p.name.startswith("101")],
                         ids=lambda p: p.name)
def test_whole_line_layouts_are_not_taken_for_wrapped(path: Path) -> None:
    assert wrap_width(decode(path.read_bytes()).text.split("\n")) is None


def test_compact_lines_are_blocks_of_their_own() -> None:
    text = "Results\nThe assay read high.[1]\n- first item\nA paragraph after the list.\n"
    assert blocks_of(text) == [("heading", "Results"), ("paragraph", "The assay read high."),
                               ("list_item", "first item"), ("paragraph", "A paragraph after the list.")]


def test_wrapped_paragraph_and_list_item_are_joined() -> None:
    item = "Chemical name: 1-[bis(dimethylamino)methylene]-1H-1,2,3-triazolo[4,5-b]pyridinium 3-oxide"
    text = (textwrap.fill(PARAGRAPH, 72) + "\n\n"
            + textwrap.fill("- " + item, 72, subsequent_indent="  ") + "\n"
            + textwrap.fill("- " + PARAGRAPH, 72, subsequent_indent="  ") + "\n")
    assert blocks_of(text) == [("paragraph", PARAGRAPH), ("list_item", item), ("list_item", PARAGRAPH)]


def test_wrapped_text_keeps_fields_headings_and_labels_apart() -> None:
    text = (textwrap.fill(PARAGRAPH, 72) + "\n"
            "Clinical Translation: SOLO-1\n"
            + textwrap.fill(PARAGRAPH, 72) + "\n"
            "Caption: a figure's caption.\n"
            "IUPAC Name\n"
            "4-[(4-methylpiperazin-1-yl)methyl]-N-[4-methyl-3-[(4-pyridin-3-ylpyrimidin-2-yl)amino]phenyl]benzamide\n"
            "Source PubChem\n")
    kinds = blocks_of(text)
    assert kinds[1] == ("heading", "Clinical Translation: SOLO-1")
    assert kinds[3] == ("paragraph", "Caption: a figure's caption.")
    assert [t for _, t in kinds[4:]] == [
        "IUPAC Name",
        "4-[(4-methylpiperazin-1-yl)methyl]-N-[4-methyl-3-[(4-pyridin-3-ylpyrimidin-2-yl)amino]phenyl]benzamide",
        "Source PubChem"]


def test_converter_breaks_join_words_and_end_blocks() -> None:
    hyphenated = PARAGRAPH.replace("trimeric", "tri-meric")
    width = next(w for w in range(50, 90)
                 if any(line.endswith("tri-") for line in textwrap.wrap(hyphenated, w)))
    hard_break = textwrap.fill(PARAGRAPH, width).replace("\n", "\\\n", 1)  # pandoc's "\" break
    text = textwrap.fill(hyphenated, width) + "\n\n" + hard_break
    first, second, *rest = blocks_of(text)
    assert first == ("paragraph", PARAGRAPH.replace("trimeric", "tri-meric"))
    assert second[1] + " " + rest[0][1] == PARAGRAPH  # the hard break ends its line's block


def test_lone_list_marker_takes_the_next_line() -> None:
    assert blocks_of("- HABA reagent\n-\nUV-Vis spectrophotometer\n") == [
        ("list_item", "HABA reagent"), ("list_item", "UV-Vis spectrophotometer")]


def test_hard_wrapped_front_matter_is_read_unwrapped() -> None:
    from pipeline.parse.front_matter import split_front_matter

    long_url = "https://www.example-vendor.com/insights/sotorasib-vs-adagrasib-kras-g12c-inhibitors"
    text = f"---\nsource_url:\n{long_url}\ntitle: Two Inhibitors\n---\n\nBody text.\n"
    fields, body, issues = split_front_matter(text)
    assert fields == {"source_url": long_url, "title": "Two Inhibitors"} and not issues
    assert body.split("\n")[6] == "Body text."  # line numbers still count the file's lines
