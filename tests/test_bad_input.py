"""Bad input gets a clear error and loses nothing.

A folder of broken inputs is made here, beside copies of the good guides, and run
in one ``python -m pipeline run``: the good guides' records must be exactly those
of the committed outputs (each guide extracted alone), every broken file must have
its rows in errors.csv, the exit status must be 1 and stderr must hold no traceback.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.extract import extract
from pipeline.sources import MAX_SOURCE_BYTES
from tests.conftest import ROOT, SEED, SOURCES

SEED_TEXT = SEED.read_text("utf-8")
OTHER_ID = "B000001"  # broken copies of the seed get their own catalog number


def seed_copy(text: str = SEED_TEXT) -> str:
    return text.replace("B560044", OTHER_ID).replace("b560044", OTHER_ID.lower())


def guide(body: str, catalog: str) -> str:
    """A small guide around ``body``."""
    return (f"A Guide to Testing\n\nAuthor: Team. Date: May 2025\n\nCompound Name: X\n\n"
            f"Cat. No.: {catalog}\n\nIntro paragraph.\n\n{body}\n")


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("guide.txt", SEED_TEXT)
    return buffer.getvalue()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
TABLE = ("| Kinase | IC50 (nM) | IC50 (nM) |\n|---|---|---|\n| JAK1 | 5.9 |\n| JAK2 | 5.7 | 1 | 9 |\n"
         "| TYK2 | 53\n")
REFS = ("Results\n\nText cites [1] and [7].\n\nReferences\n\n- 2. B [b.org]\n- 1. A [a.org]\n"
        "- 2. B again [b.org]\n")
PROTOCOL = ("Experimental Protocol: Trial\n\n- Objective: O.\n- Design: D.\n- Flavour: F.\n"
            "- Design: again.\n")
# Long lines of the shapes that make careless regexes quadratic, and a 120-level list.
LONG_LINES = [piece * (200_000 // len(piece)) for piece in ("x", "[a](", "[1]", "_a", "[", "1,")]
DEEP = ("# A Guide\n\nAuthor: Team. Date: May 2025\n\n## Part\n\n###### Too deep\n\n"
        + "\n\n".join(LONG_LINES) + "\n\n" + "".join("  " * i + "- level\n" for i in range(120)))
HOSTILE = """<!DOCTYPE html><html><head><title>Page title</title>
<script>alert('x');fetch('http://example.invalid/steal')</script><style>p{}</style></head>
<body><h1>Hostile Guide</h1><p>Author: Team. Date: May 2025</p><!-- hidden [9] -->
<p>Cat. No.: B000009</p><iframe src="http://example.invalid/frame"></iframe>
<form action="http://example.invalid/post"><input name="q" value="=SUM(A1)"></form>
<h2>Data</h2><table><tr><th>Kinase</th><th>IC50 (nM)</th></tr>
<tr><td>JAK1<script>document.write('x')</script></td><td>5.9</td></tr></table>
<p>Unclosed <b>bold and <i>italic
"""

BROKEN: dict[str, bytes] = {
    "empty.txt": b"",
    "blank.txt": b"  \n\t\n   \n",
    "image.png": PNG,
    "archive.zip": _zip_bytes(),
    "undecodable.txt": bytes(range(128, 256)) * 20,
    "nul.txt": (seed_copy() * 2).encode("utf-8")[:9000] + b"\x00tail",
    "shop.html": b"<html><body><p>Your cart is empty.</p><a href='/'>Continue shopping</a></body></html>",
    "login.txt": b"Sign in\n\nEmail address\n\nPassword\n\nForgot your password?\n",
    "cut.txt": seed_copy()[:5200].encode("utf-8"),
    "table.txt": guide("Data\n\n" + TABLE + "\nEmpty\n\n| a | b |\n|---|---|\n", "B000002").encode(),
    "refs.txt": guide(REFS, "B000003").encode(),
    "protocol.txt": guide(PROTOCOL, "B000004").encode(),
    "deep.md": DEEP.replace("# A Guide", "# A Guide\n\nCat. No.: B000005", 1).encode(),
    "hostile.html": HOSTILE.encode(),
    "twin-a.txt": guide("Data\n\nText.", "B000006").encode(),
    "twin-b.txt": guide("Other\n\nText.", "B000006").encode(),
    "formula.txt": guide("Data\n\n| Name | Value |\n|---|---|\n| =SUM(A1:A9) | @cmd |\n",
                         "B000007").encode(),
}

# What each broken file must report: (severity, words in the message, has a line).
EXPECTED: dict[str, list[tuple[str, str, bool]]] = {
    "empty.txt": [("error", "empty", False)],
    "blank.txt": [("error", "only whitespace", False)],
    "image.png": [("error", "binary (Portable Network Graphics", False)],
    "archive.zip": [("error", "binary", False)],
    "undecodable.txt": [("error", "not text in UTF-8 or any legacy encoding", False)],
    "nul.txt": [("error", "NUL byte", True)],
    "shop.html": [("error", "not a guide", True)],
    "login.txt": [("error", "not a guide", True)],
    "cut.txt": [("warning", "cut off", True)],
    "table.txt": [("warning", "'IC50 (nM)' appears 2 times", True),
                  ("warning", "row has 2 cells but the header has 3", True),
                  ("warning", "row has 4 cells but the header has 3", True),
                  ("warning", "cut off in its last row", True),
                  ("warning", "no body rows", True)],
    "refs.txt": [("warning", "reference 1 is out of order", True),
                 ("warning", "reference 2 is listed twice", True),
                 ("warning", "citation [7] has no reference 7", True)],
    "protocol.txt": [("warning", "not a known field: 'Flavour: F.'", True),
                     ("warning", "'design' given twice", True)],
    "deep.md": [("warning", "heading level 6 is deeper", True)],
    "twin-a.txt": [("error", "also given by sources/twin-b.txt", False)],
    "twin-b.txt": [("error", "also given by sources/twin-a.txt", False)],
    "formula.txt": [("warning", "starts like a spreadsheet formula ('=SUM(A1:A9)')", True),
                    ("warning", "starts like a spreadsheet formula ('@cmd')", True)],
    "too-big.txt": [("error", "over the", False)],
}


Run = tuple[Path, subprocess.CompletedProcess[str]]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    work = tmp_path_factory.mktemp("mixed")
    sources = work / "sources"
    sources.mkdir()
    for path in SOURCES:
        shutil.copy(path, sources / path.name)
    for name, data in BROKEN.items():
        (sources / name).write_bytes(data)
    with (sources / "too-big.txt").open("wb") as handle:  # sparse: cheap to make, refused unread
        handle.truncate(MAX_SOURCE_BYTES + 1)
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", "--out", "outputs"],
                          cwd=work, capture_output=True, text=True, check=False, timeout=300)
    return work, done


def test_exit_status_is_1_without_a_traceback(mixed_run: Run) -> None:
    _, done = mixed_run
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    for name in EXPECTED:
        assert f"sources/{name}" in done.stderr, name  # every file is named on stderr


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_has_its_error_rows(name: str, mixed_run: Run) -> None:
    work, _ = mixed_run
    rows = [r for r in read_csv(work / "outputs" / "errors.csv")
            if r["source_path"] == f"sources/{name}"]
    for severity, words, has_line in EXPECTED[name]:
        matching = [r for r in rows if r["severity"] == severity and words in r["message"]]
        assert matching, (words, rows)
        assert bool(matching[0]["line"]) is has_line, matching[0]


def test_good_guides_are_untouched(mixed_run: Run) -> None:
    work, _ = mixed_run
    for csv_path in sorted((ROOT / "outputs").glob("*.csv")):
        alone = read_csv(csv_path)
        good_ids = {r["doc_id"] for r in read_csv(ROOT / "outputs" / "documents.csv")}
        mixed = [r for r in read_csv(work / "outputs" / csv_path.name) if r["doc_id"] in good_ids]
        assert mixed == alone, csv_path.name


def test_records_of_failed_documents_are_withheld(mixed_run: Run) -> None:
    work, _ = mixed_run
    ids = {r["doc_id"] for r in read_csv(work / "outputs" / "documents.csv")}
    assert "B000006" not in ids  # the twins: neither overwrites the other
    assert {"B000002", "B000003", "B000004", "B000005", "B000007", OTHER_ID} <= ids  # warnings keep


def test_hostile_html_exports_nothing_it_hides(mixed_run: Run) -> None:
    work, _ = mixed_run
    everything = "".join(p.read_text("utf-8") for p in (work / "outputs").rglob("*") if p.is_file())
    for hidden in ("alert(", "example.invalid", "document.write", "hidden [9]", "Page title"):
        assert hidden not in everything
    cells = [r for r in read_csv(work / "outputs" / "table_cells.csv") if r["doc_id"] == "B000009"]
    assert [c["text"] for c in cells] == ["JAK1", "5.9"]


def test_cut_guide_keeps_what_was_read() -> None:
    doc = extract(BROKEN["cut.txt"], "sources/cut.txt")
    assert len(doc.records.tables) == 1  # the first table, complete before the cut
    assert not doc.failed
