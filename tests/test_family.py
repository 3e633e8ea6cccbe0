"""The guide family: every sample comes out right, by general rules only.

Expected values are read from the samples in sources/ (line numbers refer to
those files), not from the pipeline's output.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import extract
from pipeline.validate import ValidatedDoc
from tests.conftest import SOURCES, SOURCES_DIR, source_params

SOURCE_FIELDS = {"source_path", "source_sha256"}


def run(name: str) -> ValidatedDoc:
    path = SOURCES_DIR / name
    return extract(path.read_bytes(), f"sources/{name}")


def rows(doc: ValidatedDoc, stem: str) -> list[dict[str, Any]]:
    return [r.model_dump() for r in doc.records.of(stem)]


def document(name: str) -> dict[str, Any]:
    return rows(run(name), "documents")[0]


# --- no rule keys on one file's name, compound or catalog number -------------------------

_ROT13 = codecs.getencoder("rot13")


def _disguise(text: str) -> str:
    """Same length and case, other letters and digits: rules cannot recognise it."""
    letters = str(_ROT13(text)[0])
    return "".join(str((int(c) + 5) % 10) if c.isdigit() else c for c in letters)


def _substitute(value: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for old, new in pairs:
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_substitute(v, pairs) for v in value]
    return value


@pytest.mark.parametrize("path", source_params())
def test_no_rule_keys_on_file_name_compound_or_catalog_number(path: Path) -> None:
    original = extract(path.read_bytes(), f"sources/{path.name}")
    doc = original.records.documents[0]
    # A name with a qualifier ("Dithiothreitol (DTT, Cleland's reagent)") also stands bare.
    bare = doc.compound_name.split(" (")[0] if doc.compound_name else None
    names = [n for n in (doc.compound_name, bare, doc.catalog_number) if n]
    pairs = sorted({(v, _disguise(v)) for n in names for v in (n, n.lower(), n.upper(), n.title())},
                   key=lambda p: -len(p[0]))
    text = path.read_bytes().decode("utf-8")
    renamed = extract(_substitute(text, pairs).encode("utf-8"), f"sources/renamed{path.suffix}")
    if doc.catalog_number is None:
        pairs.append((doc.doc_id, "renamed"))  # named after its file
    assert renamed.records, renamed.issues
    for stem, records in original.records.items():
        expected = [{k: _substitute(v, pairs) for k, v in r.model_dump().items()
                     if k not in SOURCE_FIELDS} for r in records]
        got = [{k: v for k, v in r.model_dump().items() if k not in SOURCE_FIELDS}
               for r in renamed.records.of(stem)]
        assert got == expected, stem
    assert [i.message for i in renamed.issues] == [_substitute(i.message, pairs)
                                                   for i in original.issues]


# --- the samples: no warning they do not deserve -----------------------------------------

DESERVED_WARNINGS = {
    # The last "Troubleshooting Notes" bullet cites [6]; the reference list stops at 5.
    "104_biotin_peg4_nhs_application_notes.txt": [(102, "citation [6] has no reference 6")],
    # The file ends inside card 2's Conditions row; card 2's paragraph cites [7], which would
    # have been listed after that table.
    "112_methyltetrazine_evidence_compact.txt": [(61, "table cut off in its last row (1 of 2"),
                                                 (55, "citation [7] has no reference 7")],
}


@pytest.mark.parametrize("path", source_params())
def test_only_deserved_warnings(path: Path) -> None:
    doc = extract(path.read_bytes(), f"sources/{path.name}")
    got = [(i.line, i.message) for i in doc.issues]
    expected = DESERVED_WARNINGS.get(path.name, [])
    assert len(got) == len(expected)
    for (line, message), (want_line, want_text) in zip(got, expected, strict=True):
        assert line == want_line and want_text in message
    assert not doc.failed


def test_every_sample_is_in_sources() -> None:
    assert len(SOURCES) >= 10


# --- head of the document -------------------------------------------------------------------

def test_product_header_fields() -> None:
    doc = document("102_upadacitinib_technical_guide.txt")  # lines 1-22, header before the title
    assert (doc["compound_name"], doc["catalog_number"], doc["cas_number"]) == (
        "Upadacitinib", "B3026418", "1310726-60-3")
    assert (doc["molecular_weight"], doc["molecular_weight_unit"]) == (380.37, "g/mol")
    assert doc["inchi_key"] == "WYQFJHHDOKWSHR-MNOVXSKESA-N"
    assert doc["title"].startswith("An In-depth Technical Guide to Upadacitinib")
    assert doc["guide_kind"] == "technical guide"
    # Body "Chemical Identity" list, lines 38-39.
    assert doc["molecular_formula"] == "C17H19F3N6O"
    assert doc["iupac_name"].startswith("(3S,4R)-3-ethyl-4-(3H-imidazo[1,2-a]pyrrolo[2,3-e]")


def test_translated_labels_and_property_block() -> None:
    doc = document("103_imatinib_technical_guide_es.txt")  # Spanish labels, lines 3-31
    assert doc["language"] == "es"
    assert (doc["catalog_number"], doc["cas_number"], doc["molecular_weight"]) == (
        "B1683027", "152459-95-5", 493.6)
    assert doc["molecular_formula"] == "C29H31N7O"  # "Fórmula molecular" / value on line 22
    assert doc["inchi_key"] == "KTUFNOKKBVMGRW-UHFFFAOYSA-N"
    assert doc["compound_name"] == "Imatinib"


def test_catalog_number_only_in_the_page_address() -> None:
    doc = document("106_testosterone_13c3_evidence_cards.txt")  # line 37
    assert doc["doc_id"] == doc["catalog_number"] == "B13722590"
    assert doc["author"] is None
    assert doc["title"] == ("Testosterone-13C3 versus Testosterone-d3 as LC-MS/MS Internal "
                            "Standards: Evidence Cards")
    assert doc["guide_kind"] == "evidence card"


def test_front_matter_fills_and_text_wins() -> None:
    doc = document("107_biotin_peg3_azide_click_guide.md")
    # The front matter gives the page address; the "To cite" line gives it with a #fragment.
    assert doc["source_url"] == ("https://www.benchchem.com/product/b11824305"
                                 "#cuaac-vs-spaac-biotin-peg3-azide")
    assert doc["source_format"] == "markdown"
    body = ("---\nsource_url: https://example.org/product/b123456\ncas_number: 50-00-0\n---\n"
            "# A Guide\n\nAuthor: Team. Date: May 2025\n\n- **CAS No.:** 64-17-5\n\n## Data\n\nText.\n")
    made = extract(body.encode(), "sources/x.md")
    record = rows(made, "documents")[0]
    assert (record["catalog_number"], record["cas_number"]) == ("B123456", "64-17-5")
    assert [i.message for i in made.issues] == [
        "front matter cas_number '50-00-0' differs from the text's '64-17-5'; the text's value is kept"]


@pytest.mark.parametrize(
    ("head", "author", "published", "title"),
    [
        ("Jane Q. Doe Nov 25, 2025 426", "Jane Q. Doe", "2025-11-25", "A Guide to Things"),
        ("Author: Team. **Date:** March 2026", "Team", "2026-03", "A Guide to Things"),
    ],
)
def test_byline_forms(head: str, author: str, published: str, title: str) -> None:
    text = f"Foundational & Exploratory\n\nA Guide to Things\n\nA teaser sentence.\n\n{head}\n\nBody.\n"
    record = rows(extract(text.encode(), "sources/x.txt"), "documents")[0]
    assert (record["author"], record["published"], record["title"]) == (author, published, title)


def test_title_printed_twice_is_one_title() -> None:
    text = "Same Title\n\nSame Title\n\nAuthor: Team. Date: May 2025\n\nIntro.\n\nData\n\nText.\n"
    made = extract(text.encode(), "sources/x.txt")
    assert [s["title"] for s in rows(made, "sections")] == ["Data"]
    assert rows(made, "documents")[0]["title"] == "Same Title"


# --- tables -----------------------------------------------------------------------------------

def test_evidence_tables_take_the_card_heading() -> None:
    doc = run("106_testosterone_13c3_evidence_cards.txt")
    assert [(t["title"], t["n_rows"], t["n_cols"]) for t in rows(doc, "tables")] == [
        ("Testosterone-13C3 Co-elutes with Native Testosterone, While Testosterone-d3 Elutes Early",
         4, 2),
        ("Lower Lot-to-Lot Variability of the IS-Normalized Matrix Factor with Testosterone-13C3",
         4, 2),
    ]
    cell = next(c for c in rows(doc, "table_cells")
                if c["row_label"] == "Target Compound Data" and c["col_index"] == 1)
    assert (cell["value"], cell["uncertainty"], cell["unit"]) == (4.12, 0.02, "min")  # line 7


def test_table_without_outer_pipes_and_table_captions() -> None:
    symptoms = rows(run("105_suzuki_support_center.txt"), "tables")[0]  # lines 42-48
    assert (symptoms["title"], symptoms["n_rows"], symptoms["n_cols"]) == ("Symptom Table", 5, 3)
    tables = rows(run("109_imatinib_d8_lcms_application_notes.txt"), "tables")
    assert tables[1]["title"] == "Table 2: MRM Transitions and Compound-Dependent Parameters"
    assert tables[0]["title"].startswith("Table 1: Chromatographic Gradient (Mobile Phase A")
    sections = [s["title"] for s in rows(run("109_imatinib_d8_lcms_application_notes.txt"), "sections")]
    assert not any(t.startswith("Table ") for t in sections)


def test_table_ends_at_a_line_without_a_pipe() -> None:
    text = "T\n\nAuthor: A. Date: May 2025\n\nData\n\n| a | b |\n|---|---|\n| 1 | 2 |\nAfter the table.\n"
    made = extract(text.encode(), "sources/x.txt")
    assert len(rows(made, "table_cells")) == 2
    assert rows(made, "tables")[0]["notes"] == "After the table."


# --- references, FAQs, procedures --------------------------------------------------------------

def test_reference_parts() -> None:
    refs = rows(run("102_upadacitinib_technical_guide.txt"), "references")
    ref2 = refs[1]  # line 120
    assert ref2["authors"] == "Parmentier JM, Voss J, Graff C, et al"
    assert ref2["title"] == ("In vitro and in vivo characterization of the JAK1 selectivity of "
                             "upadacitinib (ABT-494)")
    assert (ref2["journal"], ref2["year"]) == ("BMC Rheumatol", 2018)
    assert ref2["raw"].startswith("[2] Parmentier JM") and ref2["raw"].endswith("View Source")
    assert refs[0]["authors"] is None and refs[0]["year"] == 2024  # a prescribing label, line 119
    md_refs = rows(run("107_biotin_peg3_azide_click_guide.md"), "references")
    assert md_refs[1]["title"].startswith("Peptidotriazoles on solid phase: [1,2,3]-triazoles")
    assert md_refs[1]["journal"] == "J Org Chem"


def test_faqs_in_three_styles() -> None:
    faqs = rows(run("105_suzuki_support_center.txt"), "faqs")
    assert len(faqs) == 9  # Q1-Q3 (lines 20-27), 3 Question/Answer (31-38), 3 bullets (66-68)
    assert faqs[0]["question"] == ("Why does the assay of my 4-methoxyphenylboronic acid "
                                   "sometimes read above 100%?")
    assert faqs[0]["citations"] == [1, 2]
    assert faqs[3]["question"].startswith("My reaction stalls near 40% conversion")
    assert faqs[6]["question"] == "What is a boroxine?"
    assert faqs[6]["answer"].startswith("It is the six-membered B3O3 ring")


def test_procedure_steps_and_materials() -> None:
    doc = run("104_biotin_peg4_nhs_application_notes.txt")
    procedure = next(p for p in rows(doc, "protocols") if p["protocol_kind"] == "procedure")
    assert len(procedure["materials"]) == 8  # lines 52-60, the last split over two lines
    assert procedure["materials"][-1] == "UV-Vis spectrophotometer and microcentrifuge"
    steps = [s for s in rows(doc, "procedure_steps") if s["protocol_id"] == procedure["protocol_id"]]
    assert [s["step_number"] for s in steps] == list(range(1, 10))
    assert steps[7]["citations"] == [5]  # step 8 ends with [5]
    md = run("107_biotin_peg3_azide_click_guide.md")
    md_procedure = rows(md, "protocols")[0]
    assert md_procedure["title"] == "Protocol: CuAAC Biotinylation of Alkyne-Tagged Proteins in Cell Lysate"
    assert len(md_procedure["materials"]) == 6 and len(rows(md, "procedure_steps")) == 7


def test_offer_heading_over_real_content_is_kept() -> None:
    text = ("# A Guide\n\nAuthor: Team. Date: May 2025\n\n## Need Higher Labeling Efficiency?\n\n"
            "| Excess | Ratio |\n|---|---|\n| 20x | 4.0 |\n\n## Need Custom Synthesis?\n\n"
            "We make it. Email: sales@example.com\n")
    made = extract(text.encode(), "sources/x.md")
    assert [s["title"] for s in rows(made, "sections")] == ["Need Higher Labeling Efficiency?"]
    assert len(rows(made, "table_cells")) == 2


def test_a_reference_that_is_one_link_is_kept() -> None:
    text = ("# A Guide\n\nAuthor: Team. Date: May 2025\n\n## Body\n\nText [1].\n\n## References\n\n"
            "1. [Amine-Reactive Crosslinker Chemistry](https://example.org/x)\n")
    made = extract(text.encode(), "sources/x.md")
    assert [r["title"] for r in rows(made, "references")] == ["Amine-Reactive Crosslinker Chemistry"]
    assert made.issues == ()


def test_an_opening_rule_that_is_not_front_matter_keeps_the_text() -> None:
    text = "---\n# A Guide\n\nAuthor: Team. Date: May 2025\n\n## Data\n\nText.\n\n---\n\nMore.\n"
    made = extract(text.encode(), "sources/x.md")
    assert rows(made, "documents")[0]["title"] == "A Guide"
