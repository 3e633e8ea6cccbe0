"""The review site, opened in headless Chromium: what a curator sees is right.

Assertions read the rendered page (layout, visibility, navigation), not the HTML
text. Skipped, saying why, only where no Chromium is installed (``.ci/run``
installs Debian's ``chromium`` when it is missing).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.__main__ import main
from tests.conftest import SEED, SOURCES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium here; .ci/run installs Debian's chromium package")
sync_api = pytest.importorskip("playwright.sync_api")

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCRIPT_GUIDE = """A Guide With Hostile Cells

Author: Team. Date: May 2025

Cat. No.: B0000777

Intro paragraph.

Data

| Name | Value |
|---|---|
| <script>window.pwned = 1</script> | 5 nM |
| <img src=x onerror="window.pwned = 2"> | 6 nM |
"""
# Read from the seed guide: (rows, columns) of its four tables, lines 44, 73, 106 and 131.
SEED_TABLES = [(3, 5), (4, 4), (3, 3), (4, 2)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("review")
    (work / "sources").mkdir()
    for path in SOURCES:
        shutil.copy(path, work / "sources" / path.name)
    (work / "sources" / "hostile.txt").write_text(SCRIPT_GUIDE, "utf-8")
    previous = Path.cwd()
    try:
        import os
        os.chdir(work)
        main(["run", "--jobs", "1"])
        assert main(["review"]) == 0
    finally:
        os.chdir(previous)
    yield work / "outputs" / "review"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def open_page(browser: object, path: Path, shot: Path) -> object:
    page = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    page.goto(path.as_uri())
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000  # a real picture of a rendered page
    return page


def test_seed_tables_render_with_their_shapes(site: Path, browser: object, tmp_path: Path) -> None:
    page = open_page(browser, site / "docs" / f"sources_{SEED.name}.html", tmp_path / "seed.png")
    tables = page.locator("section[aria-labelledby=tables-h] table")  # type: ignore[attr-defined]
    assert tables.count() == len(SEED_TABLES)
    for index, (rows, cols) in enumerate(SEED_TABLES):
        table = tables.nth(index)
        table.scroll_into_view_if_needed()
        assert table.is_visible()
        assert table.locator("thead th").count() == cols
        body_rows = table.locator("tbody tr")
        assert body_rows.count() == rows
        for r in range(rows):
            assert body_rows.nth(r).locator("td").count() == cols
            assert body_rows.nth(r).is_visible()


def test_citation_link_jumps_to_its_reference(site: Path, browser: object, tmp_path: Path) -> None:
    page = open_page(browser, site / "docs" / f"sources_{SEED.name}.html", tmp_path / "cite.png")
    link = page.locator("a.cite").first  # type: ignore[attr-defined]
    target = link.get_attribute("href")
    link.click()
    assert page.evaluate("location.hash") == target  # type: ignore[attr-defined]
    in_view = page.evaluate(  # type: ignore[attr-defined]
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }", target.lstrip("#"))
    assert in_view
    page.screenshot(path=str(tmp_path / "after-click.png"))  # type: ignore[attr-defined]


def test_script_in_a_cell_renders_as_text(site: Path, browser: object, tmp_path: Path) -> None:
    page = open_page(browser, site / "docs" / "sources_hostile.txt.html", tmp_path / "hostile.png")
    cells = page.locator("table td .text")  # type: ignore[attr-defined]
    texts = [cells.nth(i).inner_text() for i in range(cells.count())]
    assert "<script>window.pwned = 1</script>" in texts
    assert any(t.startswith("<img src=x") for t in texts)
    assert page.evaluate("window.pwned") is None  # type: ignore[attr-defined]


def test_index_lists_every_document(site: Path, browser: object, tmp_path: Path) -> None:
    page = open_page(browser, site / "index.html", tmp_path / "index.png")
    rows = page.locator("section[aria-labelledby=docs] tbody tr")  # type: ignore[attr-defined]
    assert rows.count() == len(SOURCES) + 1
    page.locator("a", has_text="B560044").click()  # type: ignore[attr-defined]
    assert page.title().startswith("B560044")  # type: ignore[attr-defined]
