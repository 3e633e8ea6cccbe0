"""Every layout of a guide gives the same facts.

Each guide in sources/ is rendered, inside the test, into the layouts of
``tests/layouts.py`` by plain text transforms and by real converters (pandoc,
html2text, markdownify). The facts of every rendering must equal the
original's: document fields, sections with their parents, tables with their
shape and every cell's text, value, unit, comparator, p-value and citations,
protocols with fields and arms, procedure steps, FAQs, references and the
citation sequence. Where a rendering cannot carry a fact (a converter drops a
construct, a layout loses what the text said), the record type and the reason
stand in ``tests/cases/layout_exceptions.md``; an exception that no longer
happens fails the test too, so the table stays true.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import extract
from pipeline.validate import ValidatedDoc
from tests.conftest import read_cases, source_params
from tests.layouts import RENDERINGS, render

# Where the bytes came from and where in them, not what the guide says.
PROVENANCE = {"source_path", "source_sha256", "source_format", "encoding", "page", "line", "line_start",
              "raw"}
FRONT_MATTER_FIELDS = ("title", "source_url")


def facts(doc: ValidatedDoc) -> dict[str, list[dict[str, Any]]]:
    return {stem: [{k: v for k, v in r.model_dump().items() if k not in PROVENANCE} for r in rows]
            for stem, rows in doc.records.items()}


def _exceptions() -> dict[tuple[str, str], set[str]]:
    table: dict[tuple[str, str], set[str]] = {}
    for row in read_cases("layout_exceptions.md"):
        assert row["reason"].strip(), f"an exception needs its reason: {row}"
        assert row["kind"] == "lost", f"only a rendering's loss is an exception: {row}"
        key = (row["rendering"], row["guide"])
        assert key not in table, f"one row per rendering and guide: {key}"
        table[key] = {r.strip() for r in row["records"].split(",")}
    return table


EXCEPTIONS = _exceptions()


def rendered_facts(path: Path, rendering: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The original's facts and those of its rendering."""
    original = extract(path.read_bytes(), f"sources/{path.name}")
    assert original.records, original.issues
    document = original.records.documents[0]
    fields = {k: getattr(document, k) for k in FRONT_MATTER_FIELDS if getattr(document, k)}
    text, suffix = render(rendering, path.read_text("utf-8"), path.suffix, fields)
    other = extract(text.encode("utf-8"), f"sources/{path.stem}{suffix}")
    assert other.records, f"{rendering}: {other.issues}"
    return facts(original), facts(other)


@pytest.mark.parametrize("rendering", RENDERINGS)
@pytest.mark.parametrize("path", source_params())
def test_every_layout_gives_the_same_facts(path: Path, rendering: str) -> None:
    original, other = rendered_facts(path, rendering)
    differing = {stem for stem in original.keys() | other.keys()
                 if original.get(stem) != other.get(stem)}
    expected = EXCEPTIONS.get((rendering, path.name), set())
    for stem in sorted(differing - expected):  # say what differs, record by record
        lost = [r for r in original.get(stem, []) if r not in other.get(stem, [])]
        gained = [r for r in other.get(stem, []) if r not in original.get(stem, [])]
        pytest.fail(f"{rendering} changes {stem}:\n  lost   {lost[:3]}\n  gained {gained[:3]}")
    assert differing == expected, f"listed exceptions that no longer happen: {expected - differing}"


def test_exceptions_name_known_renderings_and_guides() -> None:
    names = {p.values[0].name for p in source_params()}
    for rendering, guide in EXCEPTIONS:
        assert rendering in RENDERINGS and guide in names, (rendering, guide)
