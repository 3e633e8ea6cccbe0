"""The README is the front door, the reference lives in docs/, and every link between them holds."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_README_LINES = 250
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
DOC_PAGES = ("input-formats", "command-line", "output-contract", "data-dictionary", "limits", "reruns",
             "review-site", "performance", "dask", "tests")


def test_the_readme_is_read_in_ten_minutes_and_opens_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert len(readme.splitlines()) <= MAX_README_LINES
    assert "make run" in readme.split("```")[1] and "make test" in readme.split("```")[1]


def test_every_reference_page_is_linked_from_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for page in DOC_PAGES:
        assert f"](docs/{page}.md)" in readme, page


def test_every_local_link_in_the_readme_and_docs_resolves() -> None:
    """Links to files and to their headings (``page.md#heading``) point at what exists."""
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = _CODE.sub("", document.read_text("utf-8"))  # code shows brackets, not links
        for target in _LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # an address on the web, or an anchor the review site makes
            path, _, heading = target.partition("#")
            linked = (document.parent / path).resolve()
            assert linked.exists(), f"{document.name}: {target}"
            if heading and linked.suffix == ".md":
                slugs = {re.sub(r"[^\w -]", "", h.lower()).strip().replace(" ", "-")
                         for h in re.findall(r"^#+ (.+)$", linked.read_text("utf-8"), re.M)}
                assert heading in slugs, f"{document.name}: {target}"
