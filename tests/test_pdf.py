"""A guide's PDF gives the guide's facts; a bad PDF is one document's one-line error.

Each guide in sources/ is turned into its HTML page (``tests/layouts.to_html``)
and printed to PDF by two independent, real producers (``tests/pdf_producers``):
headless Chromium, with its own running header and footer (as the page comes and in
three other page styles: paper, face, size, line height, column), and ReportLab, which
lays the page out again with ruled tables whose header rows repeat on every
page, wrapped cells and a running footer. The facts of each PDF must equal the
guide's own (everything but where in the file: ``page``, ``line`` and the
like); what a producer cannot carry stands, with its reason, in
``tests/cases/pdf_exceptions.md``, and an exception that no longer happens
fails the test. The bad PDFs come from ``tests/bad_pdfs``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.extract import extract
from pipeline.parse.pdf_runs import Run
from pipeline.parse.pdf_words import join_lines, mid_sentence
from tests import bad_pdfs
from tests.conftest import read_cases, source_params
from tests.layouts import to_html
from tests.pdf_producers import CHROMIUM, PAGE_STYLES, chromium_pdf, page_style, reportlab_pdf
from tests.test_layouts import facts

# Chromium as the page comes, Chromium in other page styles, and ReportLab.
PRODUCERS = ("chromium", *(f"chromium-{style}" for style in PAGE_STYLES), "reportlab")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


PAGE_ROWS: set[tuple[str, str]] = set()  # exceptions whose page itself differs from the guide


def _exceptions() -> dict[tuple[str, str], set[str]]:
    table: dict[tuple[str, str], set[str]] = {}
    for row in read_cases("pdf_exceptions.md"):
        assert row["reason"].strip(), f"an exception needs its reason: {row}"
        assert row["kind"] in ("page", "print"), f"only what the page or its printing changes: {row}"
        key = (row["producer"], row["guide"])
        assert key not in table, f"one row per producer and guide: {key}"
        table[key] = {r.strip() for r in row["records"].split(",")}
        if row["kind"] == "page":
            PAGE_ROWS.add(key)
    return table


EXCEPTIONS = _exceptions()


@cache
def printed(producer: str, path: Path, workdir: Path) -> bytes:
    html = to_html(path.read_text("utf-8"), path.suffix)
    if producer.startswith("chromium"):
        if CHROMIUM is None:
            pytest.skip("Chromium is not installed (.ci/run installs it)")
        style = PAGE_STYLES.get(producer.removeprefix("chromium-"))
        return chromium_pdf(page_style(html, style) if style else html, workdir, name=path.stem)
    if not DEJAVU.exists():
        pytest.skip("the DejaVu fonts are not installed (.ci/run installs fonts-dejavu-core)")
    return reportlab_pdf(html)


@pytest.mark.parametrize("producer", PRODUCERS)
@pytest.mark.parametrize("path", source_params())
def test_a_guides_pdf_gives_its_facts(path: Path, producer: str,
                                      tmp_path_factory: pytest.TempPathFactory) -> None:
    data = printed(producer, path, tmp_path_factory.mktemp(producer))
    original = extract(path.read_bytes(), f"sources/{path.name}")
    other = extract(data, f"sources/{path.stem}.pdf")
    assert other.records, other.issues
    assert other.source_format == "pdf"
    want, got = facts(original), facts(other)
    differing = {stem for stem in want.keys() | got.keys() if want.get(stem) != got.get(stem)}
    expected = EXCEPTIONS.get((producer, path.name), set())
    for stem in sorted(differing - expected):
        lost = [r for r in want.get(stem, []) if r not in got.get(stem, [])]
        gained = [r for r in got.get(stem, []) if r not in want.get(stem, [])]
        pytest.fail(f"{producer} changes {stem}:\n  lost   {lost[:3]}\n  gained {gained[:3]}")
    assert differing == expected, f"listed exceptions that no longer happen: {expected - differing}"
    if (producer, path.name) in PAGE_ROWS:  # the page printed already differs from the guide there
        page = extract(to_html(path.read_text("utf-8"), path.suffix).encode("utf-8"),
                       f"sources/{path.stem}.html")
        assert {stem for stem in expected if facts(page).get(stem) != want.get(stem)} == expected


def test_every_pdf_record_says_its_page_and_its_line_there(tmp_path: Path) -> None:
    """Provenance: a section's page is the page whose text (as PDFium reads it) holds its
    title, sections run in (page, line) order, and every record with a line has a page."""
    path = Path("sources/101_tofacitinib_comparative.txt")
    if not DEJAVU.exists():
        pytest.skip("the DejaVu fonts are not installed")
    data = reportlab_pdf(to_html(path.read_text("utf-8"), path.suffix))
    doc = extract(data, "sources/guide.pdf")
    document = pdfium.PdfDocument(data)
    pages = [document[k].get_textpage().get_text_range() for k in range(len(document))]
    sections = doc.records.sections
    assert len(sections) >= 5
    for section in sections:
        assert section.page is not None and 1 <= section.page <= len(pages)
        assert section.title in " ".join(pages[section.page - 1].split()), section
    places = [(s.page or 0, s.line_start) for s in sections]
    assert places == sorted(places) and {p for p, _ in places} != {1}
    for stem, rows in doc.records.items():
        for row in rows:
            if "page" in type(row).model_fields:
                assert getattr(row, "page", None) is not None, (stem, row)
    text_doc = extract(path.read_bytes(), "sources/guide.txt")
    assert all(s.page is None for s in text_doc.records.sections)


# Bad PDFs: each is one line of error; none takes the run down.
BAD = {
    "scanned": "a scanned PDF: no text to read",
    "encrypted": "the PDF is encrypted",
    "truncated": "the PDF is damaged or truncated",
    "damaged": "the PDF is damaged or truncated",
    "many_pages_1m": "over the 1,000-page limit",
    "form_recursion": "the PDF needs more than",
    "save_nesting": "the PDF needs more than",
    "giant_stream": "the PDF needs more than",
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_pdf_is_one_line_of_error(case: str) -> None:
    doc = extract(bad_pdfs.CASES[case](), f"sources/{case}.pdf")
    errors = [i for i in doc.issues if i.severity == "error"]
    assert len(errors) == 1 and BAD[case] in errors[0].message, doc.issues
    assert "\n" not in errors[0].message
    assert not doc.records


def test_a_run_with_bad_pdfs_writes_the_other_guides_and_fails(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy("sources/101_tofacitinib_comparative.txt", sources)
    for case in ("form_recursion", "encrypted", "scanned"):
        (sources / f"{case}.pdf").write_bytes(bad_pdfs.CASES[case]())
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--sources", str(sources),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 1, done.stderr
    errors = (tmp_path / "out" / "errors.csv").read_text("utf-8")
    assert errors.count("\n") == 4  # the header and one row per bad PDF
    assert (tmp_path / "out" / "documents" / "B1676213.json").exists()


def test_the_review_site_shows_each_pdf_page_beside_its_records(tmp_path: Path) -> None:
    """A PDF's review page shows its pages' text (the lines its records count), and every record's
    link lands on a line of the page it names."""
    if not DEJAVU.exists():
        pytest.skip("the DejaVu fonts are not installed")
    guide = Path("sources/101_tofacitinib_comparative.txt")
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "guide.pdf").write_bytes(reportlab_pdf(to_html(guide.read_text("utf-8"), guide.suffix)))
    out = tmp_path / "out"
    for command in (["run", "--sources", str(sources)], ["review"]):
        done = subprocess.run([sys.executable, "-m", "pipeline", *command, "--out", str(out)],
                              capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    page = next((out / "review" / "docs").glob("*.html")).read_text("utf-8")
    assert 'id="p1"' in page and 'id="p2"' in page
    links = set(re.findall(r'href="#(p\d+-L\d+)"', page))
    assert len(links) > 20
    anchors = set(re.findall(r'<li id="(p\d+-L\d+)"', page))
    assert links <= anchors, sorted(links - anchors)[:5]
    assert any(link.startswith("p2-") for link in links)


def test_after_a_pdf_bomb_the_next_pdf_is_read() -> None:
    """The reader's child dies on a bomb; the next PDF, in the same process, gets a new one."""
    if not DEJAVU.exists():
        pytest.skip("the DejaVu fonts are not installed")
    guide = Path("sources/101_tofacitinib_comparative.txt")
    good = reportlab_pdf(to_html(guide.read_text("utf-8"), guide.suffix))
    bomb = extract(bad_pdfs.CASES["form_recursion"](), "sources/bomb.pdf")
    assert "needs more than" in bomb.issues[0].message
    after = extract(good, "sources/guide.pdf")
    assert after.records.tables and not after.failed


def _broken_reader(data: bytes) -> int:
    raise ValueError(f"a bug on {len(data)} bytes")


def test_a_bug_in_the_reader_is_no_bomb() -> None:
    """An exception in the child that is not a document's error comes back as the pipeline bug it
    is (the run reports it as an internal error), not as a PDF over budget."""
    from pipeline.parse.pdf_guard import ReaderError, guarded

    with pytest.raises(ReaderError, match="a bug on 3 bytes"):
        guarded(_broken_reader, b"pdf")


def test_pdfs_read_ahead_give_their_own_records_and_a_bomb_only_its_own_error(tmp_path: Path) -> None:
    """The run hands the reader's child the next PDF before it extracts the one at hand: each
    PDF still gets its own records, and a bomb between two guides fails alone."""
    import hashlib

    from pipeline.execute import extract_in_order
    from pipeline.plan import Source

    if not DEJAVU.exists():
        pytest.skip("the DejaVu fonts are not installed")
    guides = [Path("sources/101_tofacitinib_comparative.txt"),
              Path("sources/106_testosterone_13c3_evidence_cards.txt")]
    files = []
    for k, data in enumerate([reportlab_pdf(to_html(guides[0].read_text("utf-8"), ".txt")),
                              bad_pdfs.CASES["form_recursion"](),
                              reportlab_pdf(to_html(guides[1].read_text("utf-8"), ".txt"))]):
        path = tmp_path / f"{k}.pdf"
        path.write_bytes(data)
        files.append(Source(path, f"sources/{k}.pdf", hashlib.sha256(data).hexdigest(), len(data)))
    first, bomb, last = extract_in_order(files)
    assert [first.doc_id, last.doc_id] == ["B1676213", "B13722590"]
    assert not any(i.severity == "error" for i in first.issues + last.issues)
    assert [i.message[:25] for i in bomb.issues] == ["the PDF needs more than 1"]


def _canvas_pdf(pages: Sequence[Sequence[tuple[int, int, str]]], size: float = 10) -> bytes:
    """A PDF drawn word by word with ReportLab's canvas (as a word processor writes one):
    each page a list of (x, y from the top, text)."""
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=(612, 792), invariant=1)
    for items in pages:
        page.setFont("Helvetica", size)
        for x, y, text in items:
            page.drawString(x, 792 - y, text)
        page.showPage()
    page.save()
    return out.getvalue()


def test_a_table_set_without_padding_keeps_one_row_per_line() -> None:
    """Rows a line apart, as a word processor sets a borderless table: no step tells a row from a
    wrapped cell, so each line is a row (not one row holding the whole table)."""
    prose = [(72, 72, "Product specification"), (72, 100, "The lot below was released after testing.")]
    rows = [("Property", "Value"), ("Molecular weight", "312.4 g/mol"), ("Purity", "99.2%"),
            ("Melting point", "212 °C"), ("Solubility", "25 mg/mL in DMSO")]
    table = [(x, 130 + 12 * k, cell) for k, row in enumerate(rows)
             for x, cell in zip((72, 300), row, strict=True)]
    doc = extract(_canvas_pdf([prose + table]), "sources/spec.pdf")
    assert [(t.n_rows, t.n_cols) for t in doc.records.tables] == [(4, 2)]
    purity = next(c for c in doc.records.table_cells if c.row_label == "Purity" and c.col_index == 1)
    assert (purity.value, purity.unit) == (99.2, "%")


def test_a_table_over_pages_keeps_its_header_and_rows() -> None:
    """A table that fills three pages, its header repeated at the top of each and no running
    head: the header at the same place on every page is no running head (it sits on the body,
    not apart from it), and the repeated header rows are dropped."""
    pages = []
    for page in range(3):
        items = [(72, 60, "Compound"), (250, 60, "IC50 (nM)"), (400, 60, "Lot")]
        items += [(x, 75 + 13 * k, text) for k in range(40)
                  for x, text in zip((72, 250, 400), (f"Compound {page * 40 + k + 1}",
                                                      f"{(page * 40 + k) * 0.5 + 1:.1f}", f"L{k % 7}"),
                                     strict=True)]
        pages.append(items)
    doc = extract(_canvas_pdf(pages), "sources/long.pdf")
    tables = doc.records.tables
    assert [(t.n_rows, t.n_cols) for t in tables] == [(120, 3)]
    labels = {c.column_label for c in doc.records.table_cells}
    assert labels == {"Compound", "IC50 (nM)", "Lot"}


def _noise_png(width: int, height: int) -> bytes:
    """A figure no compression can shrink (seeded noise): what makes a real guide's PDF large."""
    import io
    import random

    from PIL import Image

    pixels = random.Random(0).randbytes(width * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(out, "PNG")
    return out.getvalue()


def test_a_pdf_past_the_text_limit_is_read_and_one_past_its_own_is_refused(tmp_path: Path) -> None:
    """A PDF carries its figures: a guide printed with a large one is over the limit for a text
    guide (``MAX_SOURCE_BYTES``) and is read all the same; a PDF over ``MAX_PDF_BYTES`` is one
    error row, refused unread (a sparse file: cheap to make)."""
    import base64

    from pipeline.sources import MAX_PDF_BYTES, MAX_SOURCE_BYTES

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (.ci/run installs it)")
    guide = Path("sources/000_990584d1ff24284d.txt")
    figure = base64.b64encode(_noise_png(1600, 1300)).decode("ascii")
    html = to_html(guide.read_text("utf-8"), guide.suffix).replace(
        "</body>", f'<p><img src="data:image/png;base64,{figure}" width="600"></p></body>')
    sources = tmp_path / "sources"
    sources.mkdir()
    big = chromium_pdf(html, tmp_path, name="big")
    assert len(big) > MAX_SOURCE_BYTES
    (sources / "big.pdf").write_bytes(big)
    with (sources / "huge.pdf").open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(MAX_PDF_BYTES + 1)
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--sources", str(sources),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 1, done.stderr
    errors = (tmp_path / "out" / "errors.csv").read_text("utf-8").splitlines()
    assert len(errors) == 2 and "huge.pdf" in errors[1], errors
    assert f"over the {MAX_PDF_BYTES:,}-byte limit for a PDF guide" in errors[1]
    assert (tmp_path / "out" / "documents" / "B560044.json").exists()  # the first guide's number
    original = extract(guide.read_bytes(), f"sources/{guide.name}")
    assert facts(extract(big, "sources/big.pdf")) == facts(original)


def test_a_smiles_broken_over_two_lines_is_one_token_again(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Chromium breaks 115's SMILES (no spaces, 125 characters) over two lines without a hyphen;
    the reader joins it without a space. Its one listed difference is the link printing drops
    (``pdf_exceptions.md``): '[N+](=O)' prints as 'N+'."""
    path = Path("sources/115_venetoclax_product_properties.txt")
    data = printed("chromium", path, tmp_path_factory.mktemp("chromium"))
    pages = [line for page in pdfium_lines(data) for line in page]
    assert any(line.startswith("CC1(CCC(=C(C1)") and not line.endswith(")C") for line in pages)  # broken
    want = extract(path.read_bytes(), f"sources/{path.name}").records.documents[0].smiles
    got = extract(data, "sources/115.pdf").records.documents[0].smiles
    assert want is not None and got == want.replace("[N+](=O)", "N+")


def pdfium_lines(data: bytes) -> list[list[str]]:
    """Each page's text as PDFium's own text extraction gives it, line by line."""
    document = pdfium.PdfDocument(data)
    try:
        return [document[k].get_textpage().get_text_range().splitlines() for k in range(len(document))]
    finally:
        document.close()


def _lines(*texts: str, right: float | None = None, char: float = 4.6) -> list[list[Run]]:
    """One run per line, set from the left edge at ``char`` points a character (or ending at
    ``right``, the frame's edge, for a line the producer filled)."""
    return [[Run(text, 0.0, right if right is not None else char * len(text), 12.0 * k, 10.0, False, k,
                 char * len(text.split(" ", 1)[0]))] for k, text in enumerate(texts, start=1)]


JOINS = [  # (lines, the frame's right edge when the lines fill it, the text they read as)
    (("See https://www.ncbi.nlm.nih.gov/", "for each assay."), None,
     "See https://www.ncbi.nlm.nih.gov/ for each assay."),  # an address ends at its slash
    (("Available at: [https://www.benchchem.com/product/", "b1676213#guide]"), None,
     "Available at: [https://www.benchchem.com/product/b1676213#guide]"),  # inside its bracket
    (("DLD-1 BRCA2−/", "−"), None, "DLD-1 BRCA2−/−"),  # Chromium breaks after a slash
    (("lower the temperature by 10–", "20 °C"), None, "lower the temperature by 10–20 °C"),
    (("the K\ufffe", "Ras(G12C) inhibitors"), None, "the K-Ras(G12C) inhibitors"),  # a name's part
    (("3-ethyl-N\ufffe", "(2,2,2-trifluoroethyl)"), None, "3-ethyl-N-(2,2,2-trifluoroethyl)"),
    (("the cleavable protein cross-linking reagent [35S]dithiobis(succinimidyl",
      "propionate) - PubMed"), None,  # wrapped at a space: the name fits a line
     "the cleavable protein cross-linking reagent [35S]dithiobis(succinimidyl propionate) - PubMed"),
    (("the compound is given by this SMILES string:", "CC1(CCC(=C(C1)C2=CC=C(C=C2)Cl)CN3CCN(CC3)"), 200.0,
     "the compound is given by this SMILES string: CC1(CCC(=C(C1)C2=CC=C(C=C2)Cl)CN3CCN(CC3)"),
]


@pytest.mark.parametrize(("texts", "right", "expected"), JOINS, ids=[j[2][:32] for j in JOINS])
def test_lines_join_with_a_space_only_where_the_text_had_one(texts: tuple[str, ...], right: float | None,
                                                             expected: str) -> None:
    words = {"kras", "ethyl"}  # the document writes "KRAS" elsewhere: no reason to drop K-Ras's hyphen
    assert join_lines(_lines(*texts, right=right), words) == expected


@pytest.mark.parametrize(("above", "below", "inside"), [
    ("samples were stored at -20 °C.", "37 samples were then thawed.", False),
    ("in brain metastases. Clin Cancer Res.", "2022;28(15):3318-3328.", True),
    ("[Online PDF]. Available at:", "[https://www.benchchem.com/product/b3026418]", True),
    ("Intervention Arms:", "Placebo for 24 weeks.", False),
    ("preclinical characterization of INCB028050 - PubMed", "[pubmed.ncbi.nlm.nih.gov]", True),
])
def test_a_page_break_falls_inside_a_sentence_only_where_the_text_says_so(above: str, below: str,
                                                                          inside: bool) -> None:
    assert mid_sentence(above, below) is inside


def test_joining_a_blocks_lines_is_linear() -> None:
    """Lines ending in hyphens and long unspaced lines, 5,000 and 20,000 of them: four times
    the lines take about four times as long (a look back over the whole text would take 16)."""
    def took(n: int) -> float:
        lines = _lines(*(["pro\ufffe", "x" * 400] * (n // 2)), right=1840.0)
        start = time.perf_counter()
        join_lines(lines, set())
        return time.perf_counter() - start

    small, large = (min(took(n) for _ in range(2)) for n in (5_000, 20_000))
    assert large < 9 * small + 0.2, f"{small:.2f} s for 5,000 lines, {large:.2f} s for 20,000"
