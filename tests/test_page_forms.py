"""Forms of real pages the first samples did not show, each case read from a guide.

The head of a page (a product header in any layout, chrome before the title, a category line,
a dated line), line breaks inside a block, a page whose body is bullets, and the reference
forms. ``tests/cases/pages/`` holds pages made from a guide's own lines in another layout;
the tables in ``tests/cases/`` say what a reader takes from each.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pipeline.blocks import Block, TableBlock
from pipeline.decode import decode
from pipeline.extract import extract
from pipeline.parse import parse
from pipeline.parse.front_matter import split_front_matter
from pipeline.validate import ValidatedDoc
from tests.conftest import CASES_DIR, ROOT, read_cases

PAGES = CASES_DIR / "pages"


def _path(source: str) -> Path:
    return ROOT / source if source.startswith("sources/") else CASES_DIR / source


@cache
def _extract(source: str) -> ValidatedDoc:
    path = _path(source)
    return extract(path.read_bytes(), f"sources/{path.name}")


@cache
def _blocks(source: str) -> tuple[Block, ...]:
    path = _path(source)
    text = split_front_matter(decode(path.read_bytes()).text)[1]
    return parse(text, "text").blocks


def _optional(text: str) -> str | None:
    return text or None


@pytest.mark.parametrize("case", read_cases("page_heads.md"), ids=lambda c: c["source"][:28])
def test_head_of_page(case: dict[str, str]) -> None:
    doc = _extract(case["source"])
    assert not doc.failed, doc.issues
    record = doc.records.documents[0]
    weight = float(case["molecular_weight"]) if case["molecular_weight"] else None
    assert (record.title, record.compound_name, record.catalog_number, record.published) == (
        _optional(case["title"]), _optional(case["compound_name"]),
        _optional(case["catalog_number"]), _optional(case["published"]))
    assert (record.author, record.cas_number, record.molecular_formula, record.molecular_weight,
            record.inchi_key) == (_optional(case["author"]), _optional(case["cas_number"]),
                                  _optional(case["molecular_formula"]), weight,
                                  _optional(case["inchi_key"]))


@pytest.mark.parametrize("case", read_cases("soft_breaks.md"),
                         ids=lambda c: f"{c['source'][8:20]}-{c['line']}")
def test_a_block_is_its_lines_as_the_text_says(case: dict[str, str]) -> None:
    (block,) = [b for b in _blocks(case["source"]) if b.line_start == int(case["line"])]
    assert not isinstance(block, TableBlock)
    text = block.inline.text
    assert (block.kind, text.startswith(case["starts"]), text.endswith(case["ends"])) == (
        case["kind"], True, True), text


@pytest.mark.parametrize("case", read_cases("references.md"),
                         ids=lambda c: f"{c['guide'][:12]}-{c['number']}")
def test_reference_fields_come_from_its_form(case: dict[str, str]) -> None:
    source = case["guide"] if case["guide"].startswith("pages/") else f"sources/{case['guide']}"
    doc = _extract(source)
    (reference,) = [r for r in doc.records.references if r.number == int(case["number"])]
    year = int(case["year"]) if case["year"] else None
    assert (reference.authors, reference.title, reference.journal, reference.year,
            reference.pmid) == (_optional(case["authors"]), case["title"],
                                _optional(case["journal"]), year, _optional(case["pmid"]))


def test_a_page_of_bullets_under_plain_headings_is_read() -> None:
    """118's purification notes as a page of bullets: no paragraph, no marked heading."""
    doc = _extract("pages/bullets_only.txt")
    assert not doc.failed, doc.issues
    assert [s.title for s in doc.records.sections] == [
        "DTT in Purification and Labeling", "Buffers", "Labeling"]
    assert [s.parent_id for s in doc.records.sections][1:] == ["dtt-in-purification-and-labeling"] * 2


NOT_GUIDES = {
    "login": "Sign in\n\n- Email address\n- Password\n\nForgot your password?\n\nCreate an account\n",
    "error page": "Page not found\n\nSorry, the page you are looking for does not exist or has "
                  "been moved to another address.\n\nPlease check the spelling of the address or "
                  "return to our home page to browse products.\n",
    "consent": "Cookie settings\n\nWe use cookies to improve your experience on our website and "
               "to show you relevant offers.\n\nAccept all\nReject all\n\nYou can change your "
               "cookie consent preferences at any time in the privacy settings.\n",
    "shop": "Biotin-PEG4-NHS ester\n\nA water-soluble biotinylation reagent for labeling primary "
            "amines on proteins.\n\nHigh purity, shipped at room temperature in sealed vials.\n\n"
            "Add to cart\n",
}


@pytest.mark.parametrize("name", sorted(NOT_GUIDES))
def test_a_page_without_prose_is_still_not_a_guide(name: str) -> None:
    doc = extract(NOT_GUIDES[name].encode(), f"sources/{name.replace(' ', '-')}.txt")
    assert doc.failed and "not a guide" in doc.issues[0].message


def test_a_category_like_section_in_the_body_is_no_title() -> None:
    """A table and prose before "Storage & Handling": the body has begun, nothing is dropped."""
    doc = _extract("pages/body_category.txt")
    assert doc.records.documents[0].title not in ("Storage & Handling",
                                                  "Long-term storage of stock solutions in the freezer")
    assert len(doc.records.tables) == 1 and len(doc.records.measurements) == 2
    assert "Storage & Handling" in [s.title for s in doc.records.sections]
