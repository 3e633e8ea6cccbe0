"""Blocks back to Markdown, and Markdown to HTML: other shapes of the same guide.

Used by the format tests and the benchmark corpus to present one guide as
Markdown with ``#`` headings and two-space-indented sub-lists, or as the HTML
markdown-it-py renders from that Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt

from pipeline.blocks import Block, HeadingBlock, ListItemBlock, ParagraphBlock, TableBlock

INDENT = "  "  # per list depth; CommonMark nests a "- " item under a parent at two spaces


def to_markdown(blocks: Sequence[Block]) -> str:
    """Markdown for the blocks: ``#`` headings, GFM tables, indented nested lists."""
    parts: list[str] = []
    previous: Block | None = None
    for block in blocks:
        if isinstance(block, HeadingBlock):
            parts.append(f"\n{'#' * block.level} {block.text}\n")
        elif isinstance(block, ParagraphBlock):
            parts.append(f"\n{block.text}\n")
        elif isinstance(block, TableBlock):
            parts.append("\n" + _table(block))
        elif isinstance(block, ListItemBlock):
            gap = "" if isinstance(previous, ListItemBlock) else "\n"
            marker = f"{block.number}." if block.number is not None else "-"
            text = block.text.replace("\n", "\n" + INDENT * (block.depth + 1))
            parts.append(f"{gap}{INDENT * block.depth}{marker} {text}\n")
        previous = block
    return "".join(parts).lstrip("\n")


def to_html(markdown: str, title: str = "Guide") -> str:
    """A complete HTML page rendered from Markdown by markdown-it-py."""
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    return (f"<!DOCTYPE html>\n<html>\n<head><title>{title}</title></head>\n"
            f"<body>\n{body}</body>\n</html>\n")


def _table(table: TableBlock) -> str:
    def row(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |\n"

    width = len(table.header)
    lines = [row(table.header), "|" + "---|" * width + "\n"]
    lines.extend(row(r) for r in table.rows)
    return "".join(lines)
