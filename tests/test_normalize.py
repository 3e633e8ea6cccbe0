"""Normalize stage: normalized document per source (snapshots), inline and boilerplate cases."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from pipeline.blocks import HeadingBlock, ParagraphBlock
from pipeline.documents import ParsedDoc, SourceInfo
from pipeline.extract import extract
from pipeline.inline import clean_inline
from pipeline.normalize import normalize
from pipeline.normalize.boilerplate import is_boilerplate_block, is_boilerplate_heading
from pipeline.normalize.dates import parse_date
from pipeline.normalize.protocols import sample_size
from tests.conftest import read_cases, source_params
from tests.test_parse import parse_file


def normalize_file(path: Path):  # type: ignore[no-untyped-def]
    source = SourceInfo(f"sources/{path.name}", "0" * 64, "text", "utf-8", path.stem)
    return normalize(ParsedDoc(source, tuple(parse_file(path))))


@pytest.mark.parametrize("path", source_params())
def test_normalized_snapshot(path: Path, snapshot_json: SnapshotAssertion) -> None:
    assert asdict(normalize_file(path)) == snapshot_json


@pytest.mark.parametrize("case", read_cases("citations.md"), ids=lambda c: c["raw"][:40])
def test_citation_markers(case: dict[str, str]) -> None:
    inline = clean_inline(case["raw"])
    assert inline.text == case["text"]
    expected = tuple(int(n) for n in case["numbers"].split(";")) if case["numbers"] else ()
    assert inline.citations == expected


@pytest.mark.parametrize("case", read_cases("boilerplate.md"), ids=lambda c: c["text"][:40])
def test_boilerplate(case: dict[str, str]) -> None:
    if case["kind"] == "heading":
        dropped = is_boilerplate_heading(case["text"], vendor="benchchem")
    else:
        dropped = is_boilerplate_block(ParagraphBlock(case["text"], 1, 1))
    assert dropped is (case["dropped"] == "true")


def test_boilerplate_heading_drops_its_section_only() -> None:
    blocks = (
        HeadingBlock("Conclusion", 2, 1, 1),
        ParagraphBlock("Real conclusion text.", 3, 3),
        HeadingBlock("Need Custom Synthesis?", 2, 5, 5),
        ParagraphBlock("We make anything to order for you.", 7, 7),
        ParagraphBlock("Email: sales@example.com or [Request a Quote](#).", 8, 8),
        HeadingBlock("References", 2, 9, 9),
    )
    source = SourceInfo("sources/x.md", "0" * 64, "markdown", "utf-8", "x")
    doc = normalize(ParsedDoc(source, blocks))
    assert [s.title for s in doc.sections] == ["Conclusion", "References"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("December 2025", "2025-12"), ("Nov 25, 2025", "2025-11-25"), ("2025-03-04", "2025-03-04"),
     ("Sep 3, 2025", "2025-09-03"), ("soon", None)],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("population", "expected"),
    [("1,307 patients with moderate-to-severe RA", 1307),
     ("Adults with moderate-to-severe AD (N=624 in BREEZE-AD1, N=615 in BREEZE-AD2).", 1239),
     ("Hospitalized patients with moderate to severe COVID-19.", None),
     ("One humanized IgG1 at 2 mg/mL", None)],
)
def test_sample_size(population: str, expected: int | None) -> None:
    assert sample_size(population) == expected


def test_document_without_catalog_number_is_named_after_its_file() -> None:
    doc = extract(b"A Guide Title\n\nAuthor: Team. Date: May 2025\n\nBody text.\n",
                  "sources/my guide.txt")
    assert doc.doc_id == "my_guide"
