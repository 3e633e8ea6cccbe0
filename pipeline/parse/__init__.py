"""The parse stage: one parser per input format, registered in one table; the tables any
parser reads are bounded in one place (``table_bounds``). A PDF is read from its bytes, not
from decoded text, by a parser of its own (``pdf``), its tables bounded the same way (``bounded``)."""

from __future__ import annotations

from collections.abc import Callable

from pipeline.blocks import Parsed
from pipeline.errors import DocumentError, Issue
from pipeline.parse import html, text
from pipeline.parse.table_bounds import bounded_tables

Parser = Callable[[str], Parsed]

# Text and Markdown share one parser: structure comes from the evidence in the text,
# never from the format label (a dump saved as .md is still a dump).
PARSERS: dict[str, Parser] = {
    "text": text.parse,
    "markdown": text.parse,
    "html": html.parse,
}


class UnknownFormatError(ValueError):
    """No parser is registered for the format a source was sniffed as."""


def parse(source_text: str, fmt: str) -> Parsed:
    """Parse decoded text in the named format into the block vocabulary."""
    try:
        parser = PARSERS[fmt]
    except KeyError:
        raise UnknownFormatError(f"no parser for format {fmt!r}") from None
    try:
        parsed = parser(source_text)
    except RecursionError:
        raise DocumentError(Issue(
            "parse", "error", "the markup is nested too deeply to read (thousands of levels)"
        )) from None
    return bounded(parsed)


def bounded(parsed: Parsed) -> Parsed:
    """What a parser read, its tables within the bounds every table is held to."""
    blocks, issues = bounded_tables(parsed.blocks)
    return Parsed(tuple(blocks), parsed.issues + tuple(issues))
