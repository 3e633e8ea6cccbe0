"""The seed guide end to end: the facts the guide states, read from the guide itself.

Expected values here were read from sources/000_990584d1ff24284d.txt, not from the
pipeline's output; line numbers refer to that file.
"""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract import extract
from pipeline.validate import ValidatedDoc
from tests.conftest import SEED


@pytest.fixture(scope="module")
def seed() -> ValidatedDoc:
    return extract(SEED.read_bytes(), "sources/000_990584d1ff24284d.txt")


def rows(doc: ValidatedDoc, stem: str) -> list[dict[str, Any]]:
    return [r.model_dump() for r in doc.records.of(stem)]


def test_document_fields(seed: ValidatedDoc) -> None:
    (document,) = rows(seed, "documents")
    assert document["doc_id"] == "B560044"
    assert document["catalog_number"] == "B560044"
    assert document["title"] == (
        "A Comparative Guide to Baricitinib's Mechanism of Action Across Diverse Disease Models")
    assert document["author"] == "BenchChem Technical Support Team"
    assert document["published"] == "2025-12"
    assert document["compound_name"] == "Baricitinib"
    assert document["source_url"] == (
        "https://www.benchchem.com/product/b560044#cross-validation-of-baricitinib-s-"
        "mechanism-of-action-in-different-disease-models")
    assert document["source_format"] == "text"


def test_four_tables_with_every_body_cell(seed: ValidatedDoc) -> None:
    tables = rows(seed, "tables")
    assert [(t["title"], t["n_rows"], t["n_cols"], t["line_start"]) for t in tables] == [
        ("Comparative Efficacy Data", 3, 5, 44),
        ("Efficacy Data from BREEZE-AD1 & BREEZE-AD2 Phase 3 Trials", 4, 4, 73),
        ("Efficacy Data from the ACTT-2 Trial", 3, 3, 106),
        ("JAK Inhibition Profile", 4, 2, 131),
    ]
    assert tables[0]["notes"] == (
        "ACR20/50: American College of Rheumatology 20%/50% improvement criteria. DAS28-CRP: "
        "Disease Activity Score 28-joint count C-reactive protein. Data compiled from network "
        "meta-analyses of Phase III trials.")
    assert len(rows(seed, "table_cells")) == 3 * 5 + 4 * 4 + 3 * 3 + 4 * 2


def test_cells_read_from_the_guide(seed: ValidatedDoc) -> None:
    cells = {(c["table_id"].rsplit("-table-", 1)[0], c["row_label"], c["col_index"]): c
             for c in rows(seed, "table_cells")}
    jak3 = cells[("jak-inhibition-profile", "JAK3", 1)]  # line 136: | JAK3 | >400[1] |
    assert (jak3["text"], jak3["value"], jak3["comparator"], jak3["unit"], jak3["citations"]) == (
        ">400", 400.0, ">", "nM", [1])
    recovery = cells[("efficacy-data-from-the-actt-2-trial", "Median Time to Recovery", 2)]
    assert (recovery["value"], recovery["unit"], recovery["p_value"], recovery["p_comparator"]) == (
        8.0, "days", 0.03, "=")
    easi = cells[("efficacy-data-from-breeze-ad1-breeze-ad2-phase-3-trials", "EASI-75 - BREEZE-AD5", 1)]
    assert (easi["value"], easi["p_value"], easi["p_comparator"], easi["citations"]) == (
        30.0, 0.001, "<", [11])
    dash = cells[("comparative-efficacy-data", "ACR50 Response", 2)]
    assert (dash["missing"], dash["value"], dash["text"]) == (True, None, "-")
    words = cells[("comparative-efficacy-data", "ACR20 Response", 1)]
    assert (words["text"], words["value"], words["citations"]) == (
        "Statistically Superior to Adalimumab", None, [6, 8])


def test_three_protocols_with_their_arms(seed: ValidatedDoc) -> None:
    protocols = rows(seed, "protocols")
    assert [p["title"] for p in protocols] == [
        "Experimental Protocol: RA-BEAM Phase 3 Trial",
        "Experimental Protocol: BREEZE-AD1 and BREEZE-AD2 Phase 3 Trials",
        "Experimental Protocol: ACTT-2 Trial",
    ]
    assert [p["sample_size"] for p in protocols] == [1307, 624 + 615, None]
    assert protocols[1]["intervention_arms"] == (
        "Patients were randomized (2:1:1:1) to once-daily placebo, Baricitinib 1 mg, 2 mg, or 4 mg.")
    assert protocols[0]["intervention_arms"] is None
    # Line 92 is separated from its list by a blank line (line 91) and still belongs to it.
    assert protocols[1]["results"].startswith("Baricitinib 2 mg and 4 mg doses")
    assert protocols[2]["citations"] == [1]
    arms = rows(seed, "protocol_arms")
    by_protocol = [[a["description"] for a in arms if a["protocol_id"] == p["protocol_id"]]
                   for p in protocols]
    assert by_protocol == [
        ["Placebo (for 24 weeks, then rescued to Baricitinib 4 mg).",
         "Baricitinib 4 mg once daily.", "Adalimumab 40 mg every other week."],
        [],
        ["Baricitinib (up to 14 days) + Remdesivir (up to 10 days).", "Placebo + Remdesivir."],
    ]


def test_thirteen_references_and_not_the_cite_line(seed: ValidatedDoc) -> None:
    references = rows(seed, "references")
    assert [r["number"] for r in references] == list(range(1, 14))
    assert (references[0]["title"], references[0]["source"]) == (
        "Baricitinib - Wikipedia", "en.wikipedia.org")
    assert references[10]["source"] == "pubmed.ncbi.nlm.nih.gov"  # line 169, after a blank line
    assert not any("cite this document" in r["title"] for r in references)


def test_every_citation_marker(seed: ValidatedDoc) -> None:
    citations = rows(seed, "citations")
    # Lines 1-155 hold 61 markers of the [n] forms and 5 of the [\[n\]](#) form.
    assert len(citations) == 66
    assert [c["ordinal"] for c in citations] == list(range(1, 67))
    assert [(c["number"], c["line"]) for c in citations[:4]] == [(1, 18), (2, 18), (3, 18), (1, 18)]
    assert {c["location"] for c in citations} == {
        "paragraph", "table cell", "protocol field"}
    assert citations[-1]["line"] == 136  # | JAK3 | >400[1] |


def test_three_figure_captions(seed: ValidatedDoc) -> None:
    figures = rows(seed, "figures")
    assert [f["line"] for f in figures] == [32, 102, 144]
    assert figures[1]["caption"] == (
        "Baricitinib's dual action in COVID-19: anti-inflammatory and potential anti-viral effects.")


def test_section_tree(seed: ValidatedDoc) -> None:
    sections = rows(seed, "sections")
    titles = {s["section_id"]: s["title"] for s in sections}
    parent = {s["title"]: titles.get(s["parent_id"]) for s in sections}
    assert parent == {
        "Core Mechanism of Action: JAK-STAT Pathway Inhibition": None,
        "Cross-Validation in Disease Models": None,
        "Rheumatoid Arthritis (RA)": "Cross-Validation in Disease Models",
        "Comparative Efficacy Data": "Rheumatoid Arthritis (RA)",
        "Experimental Protocol: RA-BEAM Phase 3 Trial": "Rheumatoid Arthritis (RA)",
        "Atopic Dermatitis (AD)": "Cross-Validation in Disease Models",
        "Efficacy Data from BREEZE-AD1 & BREEZE-AD2 Phase 3 Trials": "Atopic Dermatitis (AD)",
        "Experimental Protocol: BREEZE-AD1 and BREEZE-AD2 Phase 3 Trials": "Atopic Dermatitis (AD)",
        "COVID-19": "Cross-Validation in Disease Models",
        "Efficacy Data from the ACTT-2 Trial": "COVID-19",
        "Experimental Protocol: ACTT-2 Trial": "COVID-19",
        "Summary of Baricitinib's Selectivity and Performance": None,
        "JAK Inhibition Profile": "Summary of Baricitinib's Selectivity and Performance",
        "Conclusion": None,
        "References": None,
    }


BOILERPLATE = ("Get Quote", "Click to download", "info@benchchem.com", "Custom Synthesis",
               "Disclaimer", "Guasti", "(601) 213-4426", "Our mission", "Technical Support:",
               "Request", "Compound of Interest", "For Researchers")


def test_no_vendor_boilerplate_in_any_record(seed: ValidatedDoc) -> None:
    texts = [str(v) for _, records in seed.records.items() for r in records
             for k, v in r.model_dump().items() if k != "source_url"]
    leaked = [(b, t) for b in BOILERPLATE for t in texts if b.lower() in t.lower()]
    assert leaked == []
