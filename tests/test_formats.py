"""The same guide in other bytes gives the same records.

Each guide in sources/ is written with CRLF line endings and a UTF-8 BOM, and as
cp1252 bytes. Records must equal the original's field by field, apart from
where the bytes came from (path, hash, format, encoding) and line numbers.
Other layouts and converters' output are ``test_layouts.py``'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.decode import decode
from pipeline.extract import extract
from pipeline.validate import ValidatedDoc
from tests.conftest import SEED, SOURCES, source_params

SOURCE_FIELDS = {"source_path", "source_sha256", "source_format", "encoding", "line", "line_start"}


def comparable(doc: ValidatedDoc) -> dict[str, Any]:
    records = {
        stem: [{k: v for k, v in r.model_dump().items() if k not in SOURCE_FIELDS} for r in rows]
        for stem, rows in doc.records.items()
    }
    issues = [(i.stage, i.severity, i.message) for i in doc.issues]
    return {"records": records, "issues": issues}


def _text(path: Path) -> str:
    return decode(path.read_bytes()).text


def as_crlf_bom(path: Path) -> bytes:
    return b"\xef\xbb\xbf" + _text(path).replace("\n", "\r\n").encode("utf-8")


def test_same_records_with_crlf_and_bom() -> None:
    for path in SOURCES:
        original = extract(path.read_bytes(), f"sources/{path.name}")
        other = extract(as_crlf_bom(path), f"sources/{path.name}")
        assert comparable(other) == comparable(original), path.name


@pytest.mark.parametrize("path", source_params())
def test_same_records_from_cp1252(path: Path) -> None:
    """cp1252 bytes decode to the same records as the UTF-8 bytes of the same text.

    Characters cp1252 cannot hold (≥, ≤, U+2011) are replaced in both versions
    alike, so the comparison is between two encodings of one text.
    """
    text = _text(path).encode("cp1252", errors="replace").decode("cp1252")
    if text.isascii():
        pytest.skip("after replacing what cp1252 cannot hold, the guide is plain ASCII")
    assert_same_in_cp1252(text, path.name)


def test_same_records_from_cp1252_with_legacy_characters() -> None:
    """The seed with characters whose cp1252 bytes are not UTF-8 (µ, ×, –, é, ’)."""
    text = _text(SEED).replace("≥", ">=").replace("5.9[1]", "5.9 µM[1]").replace(
        "Lower values indicate", "Lower values (×10, –, café, it’s) indicate")
    assert_same_in_cp1252(text, SEED.name)


def assert_same_in_cp1252(text: str, name: str) -> None:
    utf8 = extract(text.encode("utf-8"), f"sources/{name}")
    legacy = extract(text.encode("cp1252"), f"sources/{name}")
    assert utf8.records and legacy.records
    assert legacy.records.documents[0].encoding.startswith("cp125")
    assert comparable(legacy) == comparable(utf8)


def test_txt_file_holding_html_is_read_as_html() -> None:
    page = b"<!DOCTYPE html><html><body><h1>A Title</h1><p>Author: Team. Date: May 2025</p>" \
           b"<h2>Results</h2><p>Text.</p></body></html>"
    doc = extract(page, "sources/page.txt")
    assert doc.records.documents[0].source_format == "html"
    assert doc.records.documents[0].title == "A Title"


def test_html_page_chrome_is_not_read() -> None:
    page = (
        "<html><head><title>Shop title | Vendor</title><script>var x = '[9]';</script>"
        "<style>p{}</style></head><body><nav><a href='/'>Home</a> Get Quote</nav>"
        "<h1>Real Title</h1><p>Author: Team. Date: May 2025</p>"
        "<!-- a comment [7] --><h2>Results</h2><p>Measured value.<sup>[1]</sup> "
        "Ten to the 10<sup>9</sup>/L.</p><iframe src='x'>[8]</iframe><form><input value='[6]'>"
        "</form><aside>Custom synthesis offer</aside><footer>Address: somewhere</footer>"
        "<h2>References</h2><ol><li>A reference [a.org]</li></ol></body></html>"
    )
    doc = extract(page.encode("utf-8"), "sources/page.html")
    assert doc.records.documents[0].title == "Real Title"
    assert [c.number for c in doc.records.citations] == [1]
    texts = [str(v) for _, rows in doc.records.items() for r in rows for v in r.model_dump().values()]
    for chrome in ("Shop title", "Home", "Custom synthesis", "somewhere", "var x"):
        assert not any(chrome in t for t in texts), chrome


@pytest.mark.parametrize("path", source_params())
def test_crlf_and_bom_keep_line_numbers(path: Path) -> None:
    original = extract(path.read_bytes(), f"sources/{path.name}")
    other = extract(as_crlf_bom(path), f"sources/{path.name}")
    assert other.records.documents[0].encoding == "utf-8-sig"
    for stem, rows in original.records.items():
        assert [r.model_dump() for r in other.records.of(stem)] == [
            r.model_dump() | ({"source_sha256": other.records.documents[0].source_sha256,
                               "encoding": "utf-8-sig"} if stem == "documents" else {})
            for r in rows
        ]


def test_html_line_numbers_are_the_page_lines() -> None:
    page = b"<html>\n<body>\n<h1>Title</h1>\n<p>Author: Team. Date: May 2025</p>\n<h2>Data</h2>\n" \
           b"<table>\n<tr><th>Kinase</th><th>IC50 (nM)</th></tr>\n<tr><td>JAK1</td><td>5.9</td></tr>\n" \
           b"</table>\n</body>\n</html>\n"
    doc = extract(page, "sources/page.html")
    assert [(s.title, s.line_start) for s in doc.records.sections] == [("Data", 5)]
    assert doc.records.tables[0].line_start == 6
    assert {c.line for c in doc.records.table_cells} == {8}
